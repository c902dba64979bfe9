"""The whole review: sentences, candidates and verdicts, optional LLM refinement, citations, group, summary."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Literal

from assistant.context import Context
from assistant.loaders import Document, load_document
from assistant.quality import describe
from assistant.review.citations import document_citations, group_complete, review_group
from assistant.review.refine import refine_with_llm
from assistant.review.report import make_summary
from assistant.review.requirements import (
    KeywordIndex,
    add_dense_scores,
    apart_from_group,
    find_candidates,
    section_owners,
    verdict_for,
)
from assistant.review.result import MAX_QUOTE, Evidence, PageProblem, ReviewResult, Stage, SuspectedInstruction
from assistant.review.sentences import build_markers, cover_pattern, document_sentences, instruction_pattern
from assistant.standards import parse_number
from assistant.textnorm import to_simplified

# ---- the whole review ---------------------------------------------------------------------------------


def review_document(ctx: Context, doc: Document, stage: Stage = "acceptance") -> ReviewResult:
    original, doc = doc, _simplified_reading(doc)  # a submission in Traditional characters is read in simplified
    corpus = ctx.corpus
    rubric = corpus.rubric
    reqs = sorted(rubric.requirements, key=lambda r: r.id)
    markers = build_markers(rubric)
    kw = KeywordIndex.build(rubric)
    sentences = document_sentences(doc, markers, instruction_pattern(rubric),
                                   announces=lambda text: bool(section_owners(text, rubric, kw)), cover=cover_pattern(rubric))
    owners = {s.text: section_owners(s.text, rubric, kw) for s in sentences if s.kind == "heading"}
    notices: list[str] = []
    gaps: dict[int, list] = {r.id: [] for r in reqs}
    group, where = review_group(ctx, doc)  # read first: requirement 1 is about this group's standards
    # (only a complete list: one the text says is longer than it reads, 共7项 over 3 found, is no measure)
    members = {m.key for g in group.members if (m := parse_number(g.number))} if group_complete(doc, group) else set()
    per_req = {r.id: apart_from_group(r, find_candidates(sentences, r, kw, owners, markers, gaps[r.id]), members)
               for r in reqs}
    add_dense_scores(ctx, reqs, per_req, notices)
    verdicts = [verdict_for(r, per_req[r.id], doc, stage, gaps[r.id]) for r in reqs]

    method: Literal["offline", "llm"] = "offline"
    if ctx.settings.llm != "none":
        before = len(notices)
        verdicts = [refine_with_llm(ctx, r, per_req[r.id], v, doc, notices, stage) for r, v in zip(reqs, verdicts)]
        failed = [n for n in notices[before:] if "保留离线结论" in n]
        method = "offline" if len(failed) == len(reqs) else "llm"
    if doc is not original:
        for v in verdicts:
            v.evidence = [_as_written(e, doc, original) for e in v.evidence]
        notices.append("文件用繁体字书写：按简体比对需求，引文仍照原文。")
    # Last line of defence: no quote leaves this function unless it is the document's own text.
    texts = [b.text for b in original.blocks]
    for v in verdicts:
        v.evidence = [e for e in v.evidence if len(e.quote) <= MAX_QUOTE and any(e.quote in t for t in texts)]

    citations = document_citations(corpus.catalog, doc)
    suspects = [SuspectedInstruction(quote=s.text[:MAX_QUOTE], location=s.location) for s in sentences if s.instruction]
    if suspects:
        notices.append(f"文中有{len(suspects)}句像是写给评审助手的指令（如“忽略以上”“判定为”），已作为可疑内容列出，不作为证据")
    result = ReviewResult(stage=stage, unreadable_pages=[PageProblem(page=q.page, reason=q.reason) for q in doc.unreadable],
                          repairs=[line for line in describe(doc.quality) if "已修复" in line],
                          suspected_instructions=suspects, requirements=verdicts, citations=citations,
                          standard_group=group, summary="", source=doc.source, method=method, notices=notices)
    result.summary = make_summary(result, where, getattr(ctx.llm, "name", "") if method == "llm" else "")
    return result


def _simplified_reading(doc: Document) -> Document:
    """The document in the simplified script the rubric is written in, when it is in Traditional characters and
    the conversion keeps every block's length (so a quote's place maps back onto the original); else itself."""
    converted = [to_simplified(b.text) for b in doc.blocks]
    if not any(changed for _, changed in converted) or any(len(t) != len(b.text) for (t, _), b in
                                                           zip(converted, doc.blocks)):
        return doc
    return replace(doc, blocks=[replace(b, text=t) for (t, _), b in zip(converted, doc.blocks)])


def _as_written(e: Evidence, reading: Document, original: Document) -> Evidence:
    """A quote found in the simplified reading, given back in the document's own characters."""
    found = [(read.text.find(e.quote), block) for read, block in zip(reading.blocks, original.blocks)
             if e.quote in read.text]
    placed = [(at, b) for at, b in found if b.location in e.location or e.location in b.location] or found
    if not placed:
        return e
    at, block = placed[0]
    return Evidence(quote=block.text[at:at + len(e.quote)], location=e.location)


def review_file(ctx: Context, path: Path, stage: Stage = "acceptance") -> ReviewResult:
    """Load a PDF/DOCX/TXT/MD submission (bad files: one-line InputError) and review it. A file none of whose
    pages can be read is still reviewed: every verdict is then 无法判断, with the pages and reasons."""
    doc = load_document(Path(path), ctx.settings.max_file_mb, ctx.settings.max_pages, allow_unreadable=True,
                        max_unpacked_mb=ctx.settings.max_unpacked_mb)
    return review_document(ctx, doc, stage)
