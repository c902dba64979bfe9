"""The whole review: sentences, candidates and verdicts, optional LLM refinement, citations, group, summary."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from assistant.context import Context
from assistant.loaders import Document, load_document
from assistant.review.citations import document_citations, review_group
from assistant.review.refine import refine_with_llm
from assistant.review.report import make_summary
from assistant.review.requirements import KeywordIndex, add_dense_scores, find_candidates, section_owners, verdict_for
from assistant.quality import describe
from assistant.review.result import MAX_QUOTE, PageProblem, ReviewResult, Stage, SuspectedInstruction
from assistant.review.sentences import build_markers, document_sentences, instruction_pattern

# ---- the whole review ---------------------------------------------------------------------------------


def review_document(ctx: Context, doc: Document, stage: Stage = "acceptance") -> ReviewResult:
    corpus = ctx.corpus
    rubric = corpus.rubric
    reqs = sorted(rubric.requirements, key=lambda r: r.id)
    markers = build_markers(rubric)
    kw = KeywordIndex.build(rubric)
    sentences = document_sentences(doc, markers, instruction_pattern(rubric),
                                   announces=lambda text: bool(section_owners(text, rubric, kw)))
    owners = {s.text: section_owners(s.text, rubric, kw) for s in sentences if s.kind == "heading"}
    notices: list[str] = []
    gaps: dict[int, list] = {r.id: [] for r in reqs}
    per_req = {r.id: find_candidates(sentences, r, kw, owners, markers, gaps[r.id]) for r in reqs}
    add_dense_scores(ctx, reqs, per_req, notices)
    verdicts = [verdict_for(r, per_req[r.id], doc, stage, gaps[r.id]) for r in reqs]

    method: Literal["offline", "llm"] = "offline"
    if ctx.settings.llm != "none":
        before = len(notices)
        verdicts = [refine_with_llm(ctx, r, per_req[r.id], v, doc, notices, stage) for r, v in zip(reqs, verdicts)]
        failed = [n for n in notices[before:] if "保留离线结论" in n]
        method = "offline" if len(failed) == len(reqs) else "llm"
    # Last line of defence: no quote leaves this function unless it is the document's own text.
    texts = [b.text for b in doc.blocks]
    for v in verdicts:
        v.evidence = [e for e in v.evidence if len(e.quote) <= MAX_QUOTE and any(e.quote in t for t in texts)]

    citations = document_citations(corpus.catalog, doc)
    group, where = review_group(ctx, doc)
    suspects = [SuspectedInstruction(quote=s.text[:MAX_QUOTE], location=s.location) for s in sentences if s.instruction]
    if suspects:
        notices.append(f"文中有{len(suspects)}句像是写给评审助手的指令（如“忽略以上”“判定为”），已作为可疑内容列出，不作为证据")
    result = ReviewResult(stage=stage, unreadable_pages=[PageProblem(page=q.page, reason=q.reason) for q in doc.unreadable],
                          repairs=[line for line in describe(doc.quality) if "已修复" in line],
                          suspected_instructions=suspects, requirements=verdicts, citations=citations,
                          standard_group=group, summary="", source=doc.source, method=method, notices=notices)
    result.summary = make_summary(result, where, getattr(ctx.llm, "name", "") if method == "llm" else "")
    return result


def review_file(ctx: Context, path: Path, stage: Stage = "acceptance") -> ReviewResult:
    """Load a PDF/DOCX/TXT/MD submission (bad files: one-line InputError) and review it. A file none of whose
    pages can be read is still reviewed: every verdict is then 无法判断, with the pages and reasons."""
    doc = load_document(Path(path), ctx.settings.max_file_mb, ctx.settings.max_pages, allow_unreadable=True,
                        max_unpacked_mb=ctx.settings.max_unpacked_mb)
    return review_document(ctx, doc, stage)
