"""Review a submission against the plan's five assessment requirements, with citation and 标准群 checks.

Offline path (always): the document's blocks are cut into sentences; each requirement gets candidates from
sections whose heading matches it and from sentences with its keywords (scored, longest keyword wins), ranked
together with a dense similarity to the requirement (only candidates are embedded, batched and capped). Each
candidate is classified at the clause level as done (已/完成/累计/numbers with units…), promise (将/拟/计划…),
negated or neutral; the verdict follows from the strongest requirement-specific evidence.

Optional LLM refinement (`settings.llm != "none"`): the model may change a verdict, but every quote it gives
must be found verbatim in the document or it is dropped; any LLM failure keeps the offline verdict.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from assistant.context import Context
from assistant.corpus import Requirement, Rubric
from assistant.errors import AssistantError, InputError, ModelError
from assistant.loaders import Block, Document, load_document
from assistant.standards import (
    Catalog,
    GroupMember,
    check_citations,
    check_group,
    find_numbers,
    title_near,
)
from assistant.textnorm import HEADING_RE, heading_level, nfkc, split_sentences

log = logging.getLogger(__name__)

Status = Literal["covered", "partial", "missing"]
STATUS_ZH = {"covered": "已覆盖", "partial": "部分覆盖", "missing": "缺失"}
CITATION_ZH = {"ok": "正确", "wrong_year": "年份不符", "title_mismatch": "名称不符", "unknown": "目录未收录，需核实"}
MAX_QUOTE = 200
MAX_EVIDENCE = 3
MAX_EMBED = 120  # distinct candidate sentences embedded per document (keeps a 50-page PDF well under 15 s)
MAX_EMBED_PER_REQ = 24  # only the best lexical candidates of each requirement are re-ranked densely
DENSE_WEIGHT = 0.5

# ---- JSON contract ---------------------------------------------------------------------------------


class Evidence(BaseModel):
    quote: str
    location: str


class RequirementVerdict(BaseModel):
    id: int
    name: str
    status: Status
    evidence: list[Evidence]
    advice: str


class CitationResult(BaseModel):
    text: str
    normalized: str
    status: Literal["ok", "wrong_year", "title_mismatch", "unknown"]
    expected: str | None
    location: str


class StandardGroupResult(BaseModel):
    count: int
    has_national_core: bool
    violations: list[str]


class ReviewResult(BaseModel):
    requirements: list[RequirementVerdict]
    citations: list[CitationResult]
    standard_group: StandardGroupResult
    summary: str
    source: str = ""
    method: Literal["offline", "llm"] = "offline"
    notices: list[str] = []


# ---- markers -----------------------------------------------------------------------------------------

GENERIC_DONE = ["已", "完成", "形成", "发布", "编制了", "累计", "举办了", "开展了", "建成", "取得", "获得", "通过"]
_COUNT_DONE = r"共(?:计|有|\d|[一二三四五六七八九十两])"
_UNIT_DONE = (r"\d+(?:\.\d+)?\s*(?:%|％|个百分点|家|项|人次|名|人|场|次|条|套|台|篇|份|件|万元|亿元|元|小时|分钟|秒|"
              r"天|吨|千瓦时|kWh|个|倍)")
EXTRA_PROMISE = ["目标是", "目标为", "目标值", "期望", "希望", "即将", "将会", "将要"]
# 计划 as a noun (生产计划, 计划号) and 待 inside other words are not promises.
_NOT_PROMISE = re.compile(r"(?:生产|排产|实施|工作|采购|作业|年度|项目|物料|发展|行动|研究|主)计划|计划号|计划的|"
                          r"(?:期|对|接|等|招|优)待|待遇|将近|将军")
NEGATION = ["尚未", "暂未", "未能", "没有", "暂无", "不具备", "未(?!来)"]
# Keywords that say little on their own (weight 0.34); shared keywords weigh 0.5; the rest 1.
GENERIC_KEYWORDS = {"数据", "提升", "降低", "工具", "软件", "平台", "装备", "模板", "版本", "补充", "条款", "缺失", "不适用",
                    "示范", "带动", "复制", "低成本", "轻量化", "实施情况", "落地", "服务企业", "辐射"}
_CLAUSE_SPLIT = re.compile(r"[，,；;：:]")
# Headings such as 项目概况 describe the project, not a requirement, even when a rubric keyword is in them.
_NEUTRAL_HEADING = re.compile(r"概况|背景|简介|基本情况|目录|前言")
# "按照/采用/应用 … GB/T …": a standard cited as applied is evidence for requirement 1 wherever it appears.
_APPLIED = re.compile(r"(?:按照|依据|根据|按|应用|采用|贯彻|执行|实施|遵循|对照)[^，。；]{0,40}?"
                      r"(?:GB|[A-Z]{2}\s*/|T\s*/|DB\d|Q\s*/|(?:19|20)\d{6})")
APPLIED_KEY = "〈应用标准〉"
APPLIED_REQ = 1


@dataclass
class Markers:
    done: re.Pattern
    promise: re.Pattern
    negation: re.Pattern


def _alternation(words: list[str]) -> str:
    return "|".join(w if any(c in w for c in "(?[") else re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def build_markers(rubric: Rubric) -> Markers:
    done_words = list(GENERIC_DONE)
    for r in rubric.requirements:
        done_words += r.done_markers
    done_words = [re.escape(w) if w != "立项" else "立项(?!建议)" for w in done_words]
    done = re.compile(rf"(?:{'|'.join(sorted(set(done_words), key=len, reverse=True))}|{_COUNT_DONE}|{_UNIT_DONE})")
    promise = re.compile(f"(?:{_alternation(rubric.promise_markers + EXTRA_PROMISE)})")
    negation = re.compile(f"(?:{_alternation(NEGATION)})")
    return Markers(done, promise, negation)


ClauseState = Literal["done", "promise", "negated", "neutral"]


def clause_state(clause: str, markers: Markers) -> ClauseState:
    """The first marker in the clause decides: "已将…推广" is done, "将完成…" is a promise."""
    masked = _NOT_PROMISE.sub(lambda m: "＿" * len(m.group()), clause)
    found: list[tuple[int, int, ClauseState]] = []
    for kind, pattern in (("negated", markers.negation), ("promise", markers.promise), ("done", markers.done)):
        m = pattern.search(masked if kind == "promise" else clause)
        if m:
            found.append((m.start(), -len(m.group()), kind))  # type: ignore[arg-type]
    if not found:
        return "neutral"
    return min(found)[2]


# ---- the document as sentences --------------------------------------------------------------------


@dataclass
class Sentence:
    text: str  # verbatim substring of its block's text
    block: int
    location: str
    kind: str
    sections: tuple[str, ...]  # enclosing headings, outermost first
    clauses: list[tuple[str, ClauseState]] = field(default_factory=list)


def _level(heading: str) -> int:
    return heading_level(heading) if HEADING_RE.match(heading) else 1


def document_sentences(doc: Document, markers: Markers) -> list[Sentence]:
    out: list[Sentence] = []
    stack: list[tuple[int, str]] = []
    for i, block in enumerate(doc.blocks):
        text = block.text
        if block.kind == "heading":
            level = _level(text)
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, text))
            out.append(Sentence(text, i, block.location, "heading", tuple(h for _, h in stack)))
            continue
        sections = tuple(h for _, h in stack) or ((block.section,) if block.section else ())
        parts = [text] if block.kind == "table_row" else split_sentences(text)
        for part in parts:
            if part not in text:  # split_sentences strips; a piece is always a substring, but never trust it
                continue
            clauses = [(c, clause_state(c, markers)) for c in _CLAUSE_SPLIT.split(part) if c.strip()]
            out.append(Sentence(part, i, block.location, block.kind, sections, clauses))
    return out


# ---- requirement matching -------------------------------------------------------------------------


@dataclass
class KeywordIndex:
    """Every rubric keyword with its requirement(s) and weight."""

    owners: dict[str, set[int]]
    weight: dict[str, float]
    pattern: re.Pattern

    @classmethod
    def build(cls, rubric: Rubric) -> "KeywordIndex":
        owners: dict[str, set[int]] = {}
        for r in rubric.requirements:
            for k in r.keywords:
                owners.setdefault(k, set()).add(r.id)
        weight = {k: 0.34 if k in GENERIC_KEYWORDS else (0.5 if len(ids) > 1 else 1.0) for k, ids in owners.items()}
        return cls(owners, weight, re.compile(_alternation(list(owners))))

    def matches(self, text: str) -> list[tuple[str, int, int]]:
        """Keyword hits, longest first at each place: "可推广" hides the "推广" inside it."""
        norm = nfkc(text)
        hits: list[tuple[str, int, int]] = []
        pos = 0
        while pos < len(norm):
            m = self.pattern.search(norm, pos)
            if not m:
                break
            hits.append((m.group(), m.start(), m.end()))
            pos = m.end()
        return hits


@dataclass
class Candidate:
    sentence: Sentence
    score: float  # keyword relevance for this requirement
    unique: int  # how many of its keywords belong to this requirement alone (and are not generic)
    in_section: bool
    status: ClauseState
    strength: Literal["strong", "promise", "weak"]
    dense: float = 0.0

    @property
    def rank(self) -> float:
        return {"strong": 100.0, "promise": 50.0, "weak": 0.0}[self.strength] + self.score + \
            (1.0 if self.in_section else 0.0) + DENSE_WEIGHT * self.dense


def section_owners(heading: str, rubric: Rubric, kw: KeywordIndex) -> set[int]:
    """Which requirement(s) a heading announces: the longest rubric heading it contains, else its keywords."""
    norm = nfkc(HEADING_RE.sub("", heading, count=1))
    best, owners = 0, set()
    for r in rubric.requirements:
        for h in r.headings:
            if h in norm and len(h) >= best:
                owners = owners | {r.id} if len(h) == best else {r.id}
                best = len(h)
    if owners or _NEUTRAL_HEADING.search(norm):
        return owners
    scores: dict[int, float] = {}
    for k, _, _ in kw.matches(norm):
        if kw.weight[k] >= 1.0:
            for rid in kw.owners[k]:
                scores[rid] = scores.get(rid, 0.0) + 1.0
    top = max(scores.values(), default=0.0)
    return {rid for rid, s in scores.items() if s == top} if top else set()


def _status_for(sentence: Sentence, hit_spans: list[tuple[int, int]]) -> ClauseState:
    """A sentence's state for one requirement: clauses holding its keywords decide first."""
    spans, pos = [], 0
    for clause, state in sentence.clauses:
        start = nfkc(sentence.text).find(nfkc(clause), pos)
        start = pos if start < 0 else start
        spans.append((start, start + len(clause), state))
        pos = start + len(clause)
    keyed = [state for s, e, state in spans if any(s <= hs < e for hs, _ in hit_spans)]
    states = [state for _, _, state in spans]
    for wanted in ("done", "promise", "negated"):
        if wanted in keyed:
            return wanted  # type: ignore[return-value]
    if "done" in states and "promise" not in states and "negated" not in states:
        return "done"
    if "promise" in states:
        return "promise"
    if "negated" in states:
        return "negated"
    return "neutral"


def find_candidates(sentences: list[Sentence], req: Requirement, kw: KeywordIndex,
                    owners: dict[str, set[int]]) -> list[Candidate]:
    out: list[Candidate] = []
    negated: set[str] = set()
    for s in sentences:
        owned = [owners.get(h, set()) for h in s.sections]
        in_section = any(req.id in o for o in owned)
        elsewhere = not in_section and any(o for o in owned)
        if s.kind == "heading":
            # A heading is never evidence by itself; one that announces this requirement is a weak mention.
            if owners.get(s.text) and req.id in owners[s.text]:
                out.append(Candidate(s, 0.0, 0, True, "neutral", "weak"))
            continue
        hits = [(k, a, b) for k, a, b in kw.matches(s.text) if req.id in kw.owners[k]]
        applied = req.id == APPLIED_REQ and s.kind != "table_row" and _APPLIED.search(nfkc(s.text))
        if applied:
            hits.append((APPLIED_KEY, applied.start(), applied.end()))
        distinct = {k for k, _, _ in hits}
        score = sum(kw.weight.get(k, 1.0) for k in distinct)
        unique = sum(1 for k in distinct if kw.weight.get(k, 1.0) >= 1.0)
        # A sentence in another requirement's section must be clearly about this one (two specific keywords),
        # except a standard cited as applied, which always speaks to requirement 1.
        need = 2 if elsewhere else 1
        if not in_section and unique < need and not (applied and unique >= 1):
            continue
        status = _status_for(s, [(a, b) for _, a, b in hits])
        if status == "negated":  # "尚未形成立项建议" confirms the gap; it is not evidence
            negated.update(s.sections[-1:])
            continue
        if status == "done" and ((unique >= need and score >= 1.0) or (in_section and score > 0)):
            strength = "strong"
        elif status == "promise":
            strength = "promise"
        else:
            strength = "weak"
        out.append(Candidate(s, score, unique, in_section, status, strength))
    # A heading whose section only says "暂无…" is an admitted gap, not a mention.
    backed = {c.sentence.sections[-1] for c in out if c.sentence.kind != "heading" and c.sentence.sections}
    return [c for c in out if not (c.sentence.kind == "heading" and c.sentence.text in negated
                                   and c.sentence.text not in backed)]


def add_dense_scores(ctx: Context, reqs: list[Requirement], per_req: dict[int, list[Candidate]],
                     notices: list[str]) -> None:
    """Cosine similarity between each requirement and its candidates (one batched call, capped)."""
    texts: list[str] = []  # distinct sentence texts, the best-ranked candidates of each requirement first
    for r in reqs:
        ranked = sorted((c for c in per_req[r.id] if c.sentence.kind != "heading"), key=lambda c: -c.rank)
        for c in ranked[:MAX_EMBED_PER_REQ]:
            if c.sentence.text not in texts and len(texts) < MAX_EMBED:
                texts.append(c.sentence.text)
    if not texts:
        return
    try:
        embedder = ctx.embedder
        queries = embedder.embed([f"{r.name}：{r.description} {'；'.join(r.evidence)}" for r in reqs], query=True)
        vectors = dict(zip(texts, embedder.embed(texts)))
    except (ModelError, OSError, RuntimeError) as exc:
        notices.append(f"未能加载嵌入模型，仅按关键词和章节判断：{str(exc).splitlines()[0][:120]}")
        return
    for r, q in zip(reqs, queries):
        for c in per_req[r.id]:
            v = vectors.get(c.sentence.text)
            if v is not None:
                c.dense = sum(a * b for a, b in zip(q, v))


def quote_of(sentence: Sentence, doc: Document) -> Evidence:
    """A ≤200-character verbatim quote of a sentence (its first 200 characters when longer)."""
    text = sentence.text
    quote = text[:MAX_QUOTE]
    block_text = doc.blocks[sentence.block].text
    assert quote in block_text, "evidence quote must be verbatim document text"
    return Evidence(quote=quote, location=sentence.location)


def verdict_for(req: Requirement, cands: list[Candidate], doc: Document) -> RequirementVerdict:
    strong = [c for c in cands if c.strength == "strong"]
    promises = [c for c in cands if c.strength == "promise"]
    if strong:
        status: Status = "covered"
        chosen = sorted(strong, key=lambda c: -c.rank)
    elif cands:
        status = "partial"
        chosen = sorted(cands, key=lambda c: -c.rank)
        # Evidence sentences first, bare headings last.
        chosen = [c for c in chosen if c.sentence.kind != "heading"] + [c for c in chosen if c.sentence.kind == "heading"]
    else:
        status, chosen = "missing", []
    evidence: list[Evidence] = []
    for c in chosen:
        e = quote_of(c.sentence, doc)
        if e not in evidence:
            evidence.append(e)
        if len(evidence) >= MAX_EVIDENCE:
            break
    return RequirementVerdict(id=req.id, name=req.name, status=status, evidence=evidence,
                              advice=advice_for(req, status, bool(promises) and not strong))


def advice_for(req: Requirement, status: Status, promised: bool) -> str:
    if status == "covered":
        return f"已有已完成的证据。建议核对数据来源和统计口径；如有缺项可参照：{req.advice}"
    if status == "missing":
        return f"文中未找到“{req.name}”的相关内容。{req.advice}"
    if promised:
        return f"目前只有计划或承诺（如“将……”“拟……”），缺少已完成、可核查的事实。{req.advice}"
    return f"有相关表述，但缺少具体、已完成的证据（名称、数量、时间、编号）。{req.advice}"


# ---- citations and the standard group -------------------------------------------------------------


def document_citations(catalog: Catalog, doc: Document) -> list[CitationResult]:
    out = []
    for block in doc.blocks:
        for c in check_citations(catalog, block.text, block.location):
            out.append(CitationResult(text=c.text, normalized=c.normalized, status=c.status, expected=c.expected,
                                      location=c.location))
    return out


_CORE_NO = re.compile(r"非核心|不是核心")
_YES = {"是", "√", "✓", "✔", "Y", "y", "yes", "Yes", "核心", "★"}


def _table_groups(doc: Document) -> list[tuple[str, list[Block]]]:
    tables: dict[str, list[Block]] = {}
    for block in doc.blocks:
        if block.kind == "table_row":
            key = block.location.split("第")[0]  # "表2第3行" -> "表2"
            tables.setdefault(key, []).append(block)
    return list(tables.items())


def _members_from_rows(rows: list[Block]) -> list[GroupMember]:
    header = next((r for r in rows if not find_numbers(r.text)), None)
    core_col = None
    if header is not None:
        cells = [c.strip() for c in header.text.split(" | ")]
        core_col = next((i for i, c in enumerate(cells) if "核心" in c), None)
        header_cells = len(cells)
    members = []
    for row in rows:
        numbers = find_numbers(row.text)
        if not numbers:
            continue
        cells = [c.strip() for c in row.text.split(" | ")]
        if core_col is not None and len(cells) == header_cells:
            core = cells[core_col] in _YES or ("核心" in cells[core_col] and not _CORE_NO.search(cells[core_col]))
        else:
            core = "核心" in row.text and not _CORE_NO.search(row.text)
        number, start, end = numbers[0]
        members.append(GroupMember(number=number.normalized, title=title_near(row.text, start, end) or "", core=core))
    return members


def _members_from_text(blocks: list[Block]) -> list[GroupMember]:
    """A group written as lines or prose: each number's stretch (up to the next number) says if it is core."""
    members = []
    seen: set[str] = set()  # prose may cite a standard twice; a listed group names it once
    for block in blocks:
        numbers = find_numbers(block.text)
        for i, (number, start, end) in enumerate(numbers):
            if number.key in seen:
                continue
            seen.add(number.key)
            stop = numbers[i + 1][1] if i + 1 < len(numbers) else len(block.text)
            stretch = block.text[start:stop]
            core = "核心" in stretch and not _CORE_NO.search(stretch)
            members.append(GroupMember(number=number.normalized, title=title_near(block.text, start, end) or "", core=core))
    return members


def find_group(doc: Document) -> tuple[list[GroupMember], str]:
    """The standards the document presents as its 标准群: a table of numbers (preferring one under or next to
    a heading that says 标准群), else the numbers in a section whose heading mentions 标准群."""
    best: tuple[float, list[GroupMember], str] = (0.0, [], "")
    for key, rows in _table_groups(doc):
        members = _members_from_rows(rows)
        if len(members) < 2:
            continue
        context = rows[0].section + " " + rows[0].text
        score = len(members) + (100 if "标准群" in context or "标准清单" in context else 0) + \
            (10 if any(m.core for m in members) else 0)
        if score > best[0]:
            best = (score, members, f"{key}（{rows[0].section or '正文'}）")
    if best[1]:
        return best[1], best[2]
    sections: dict[str, list[Block]] = {}
    for block in doc.blocks:
        if block.kind != "heading" and "标准群" in block.section:
            sections.setdefault(block.section, []).append(block)
    for heading, blocks in sections.items():
        members = _members_from_text(blocks)
        if len(members) >= 2 and len(members) > len(best[1]):
            best = (len(members), members, f"“{heading}”一节")
    return best[1], best[2]


def review_group(ctx: Context, doc: Document) -> tuple[StandardGroupResult, str]:
    members, where = find_group(doc)
    if not members:
        return StandardGroupResult(count=0, has_national_core=False, violations=["未找到标准群清单"]), ""
    rules = ctx.corpus.plan.group_rules
    checks = check_group(members, ctx.corpus.catalog, rules.min_count, rules.max_count)
    return StandardGroupResult(**checks.model_dump()), where


# ---- LLM refinement (optional) ------------------------------------------------------------------------


def _compact(text: str) -> tuple[str, list[int]]:
    keep = [(ch, i) for i, ch in enumerate(nfkc(text)) if not ch.isspace()]
    return "".join(c for c, _ in keep), [i for _, i in keep]


def find_verbatim(quote: str, doc: Document) -> Evidence | None:
    """The document's own text for a quote (matched ignoring whitespace and full/half width), or None."""
    target, _ = _compact(quote)
    if len(target) < 4:
        return None
    for block in doc.blocks:
        compact, index = _compact(block.text)
        at = compact.find(target)
        if at >= 0:
            verbatim = block.text[index[at]: index[at + len(target) - 1] + 1]
            if len(verbatim) > MAX_QUOTE:
                verbatim = verbatim[:MAX_QUOTE]
            return Evidence(quote=verbatim, location=block.location)
    return None


def _parse_reply(reply: str) -> dict:
    """The JSON object in an LLM reply (tolerates ```json fences and text around it)."""
    m = re.search(r"\{.*\}", reply, re.S)
    if not m:
        raise ValueError("no JSON object in reply")
    data = json.loads(m.group())
    if data.get("status") not in ("covered", "partial", "missing"):
        raise ValueError(f"bad status {data.get('status')!r}")
    if not isinstance(data.get("quotes", []), list):
        raise ValueError("quotes is not a list")
    return data


def refine_with_llm(ctx: Context, requirement: Requirement, candidates: list[Candidate], verdict: RequirementVerdict,
                    doc: Document, notices: list[str]) -> RequirementVerdict:
    """Let the configured LLM re-judge one requirement; keep only quotes found in the document."""
    try:
        from assistant.errors import LLMError
        from assistant.prompts import load_prompt

        prompt = load_prompt(ctx.settings.prompts_dir, "review/refine")
        passages = [{"n": i + 1, "location": c.sentence.location, "text": c.sentence.text[:400]}
                    for i, c in enumerate(sorted(candidates, key=lambda c: -c.rank)[:8])]
        variables = dict(requirement=requirement.model_dump(), passages=passages, verdict=verdict.status,
                         statuses=STATUS_ZH)
        reply = ctx.llm.complete(prompt.render("system", **variables), prompt.render("user", **variables))
        data = _parse_reply(reply)
    except ImportError as exc:
        notices.append(f"要求{requirement.id}：大模型不可用（{exc}），保留离线结论")
        return verdict
    except (AssistantError, ValueError, KeyError, TypeError) as exc:  # LLMError is an AssistantError
        notices.append(f"要求{requirement.id}：大模型复核失败（{str(exc).splitlines()[0][:100] if str(exc) else type(exc).__name__}），保留离线结论")
        return verdict
    evidence: list[Evidence] = []
    dropped = 0
    for q in data.get("quotes", [])[:MAX_EVIDENCE * 2]:
        found = find_verbatim(str(q), doc) if isinstance(q, str) else None
        if found is None:
            dropped += 1
        elif found not in evidence and len(evidence) < MAX_EVIDENCE:
            evidence.append(found)
    if dropped:
        notices.append(f"要求{requirement.id}：大模型给出的 {dropped} 条引文在原文中找不到，已丢弃")
    status: Status = data["status"]
    if status != "missing" and not evidence:
        notices.append(f"要求{requirement.id}：大模型的结论没有可核对的原文引文，保留离线结论")
        return verdict
    if status == "missing":
        evidence = []
    reason = str(data.get("advice") or data.get("reason") or "").strip()
    advice = advice_for(requirement, status, verdict.status == "partial" and "承诺" in verdict.advice)
    if reason:
        advice = f"{advice}（大模型意见：{reason[:200]}）"
    return RequirementVerdict(id=verdict.id, name=verdict.name, status=status, evidence=evidence, advice=advice)


# ---- the whole review ---------------------------------------------------------------------------------


def review_document(ctx: Context, doc: Document) -> ReviewResult:
    corpus = ctx.corpus
    rubric = corpus.rubric
    reqs = sorted(rubric.requirements, key=lambda r: r.id)
    markers = build_markers(rubric)
    kw = KeywordIndex.build(rubric)
    sentences = document_sentences(doc, markers)
    owners = {s.text: section_owners(s.text, rubric, kw) for s in sentences if s.kind == "heading"}
    notices: list[str] = []
    per_req = {r.id: find_candidates(sentences, r, kw, owners) for r in reqs}
    add_dense_scores(ctx, reqs, per_req, notices)
    verdicts = [verdict_for(r, per_req[r.id], doc) for r in reqs]

    method: Literal["offline", "llm"] = "offline"
    if ctx.settings.llm != "none":
        before = len(notices)
        verdicts = [refine_with_llm(ctx, r, per_req[r.id], v, doc, notices) for r, v in zip(reqs, verdicts)]
        failed = [n for n in notices[before:] if "保留离线结论" in n]
        method = "offline" if len(failed) == len(reqs) else "llm"
    # Last line of defence: no quote leaves this function unless it is the document's own text.
    texts = [b.text for b in doc.blocks]
    for v in verdicts:
        v.evidence = [e for e in v.evidence if len(e.quote) <= MAX_QUOTE and any(e.quote in t for t in texts)]

    citations = document_citations(corpus.catalog, doc)
    group, where = review_group(ctx, doc)
    result = ReviewResult(requirements=verdicts, citations=citations, standard_group=group, summary="",
                          source=doc.source, method=method, notices=notices)
    result.summary = make_summary(result, where, getattr(ctx.llm, "name", "") if method == "llm" else "")
    return result


def review_file(ctx: Context, path: Path) -> ReviewResult:
    """Load a PDF/DOCX/TXT/MD submission (bad files: one-line InputError) and review it."""
    doc = load_document(Path(path), ctx.settings.max_file_mb, ctx.settings.max_pages)
    return review_document(ctx, doc)


def make_summary(result: ReviewResult, group_where: str = "", llm_name: str = "") -> str:
    n = {s: sum(1 for r in result.requirements if r.status == s) for s in STATUS_ZH}
    parts = [f"对照试点考核的{len(result.requirements)}项要求：{n['covered']}项已覆盖、{n['partial']}项部分覆盖、"
             f"{n['missing']}项缺失"]
    gaps = [f"要求{r.id}“{r.name}”{STATUS_ZH[r.status]}" for r in result.requirements if r.status != "covered"]
    if gaps:
        parts.append("需要补充的是" + "，".join(gaps))
    bad = [c for c in result.citations if c.status != "ok"]
    if result.citations:
        kinds = "、".join(f"{CITATION_ZH[s]}{k}处" for s in ("wrong_year", "title_mismatch", "unknown")
                         if (k := sum(1 for c in bad if c.status == s)))
        parts.append(f"文中引用标准编号{len(result.citations)}处，" +
                     (f"其中{len(bad)}处有问题（{kinds}）" if bad else "均与标准目录一致"))
    else:
        parts.append("文中没有引用标准编号")
    g = result.standard_group
    if g.count == 0:
        parts.append("未找到标准群清单")
    elif not g.violations:
        parts.append(f"标准群（{group_where}）共{g.count}项，符合方案规则")
    else:
        parts.append(f"标准群（{group_where}）共{g.count}项，不符合方案规则：{'；'.join(g.violations)}")
    if llm_name:
        tail = f"结论由规则与文档内检索得出，并经大模型（{llm_name}）复核；所有引文均已在原文中逐字核对。"
    else:
        tail = "结论由规则与文档内检索离线得出（未使用大模型），请结合原文人工复核。"
    return "；".join(parts) + "。" + tail


# ---- output ---------------------------------------------------------------------------------------------


def render_review(result: ReviewResult) -> str:
    lines = ["评审结论 (review)", "=" * 20, result.summary, ""]
    for r in result.requirements:
        lines.append(f"[{STATUS_ZH[r.status]}] 要求{r.id} {r.name}")
        for e in r.evidence:
            lines.append(f"    · “{e.quote}”（{e.location}）")
        lines.append(f"    建议：{r.advice}")
    lines += ["", f"标准引用 ({len(result.citations)})"]
    groups: dict[tuple[str, str, str | None], list[str]] = {}
    for c in result.citations:
        groups.setdefault((c.normalized, c.status, c.expected), []).append(c.location)
    for (normalized, status, expected), locations in groups.items():
        mark = "✓" if status == "ok" else "✗"
        extra = f"，应为 {expected}" if expected else ""
        where = "、".join(dict.fromkeys(locations))
        lines.append(f"  {mark} {normalized}：{CITATION_ZH[status]}{extra}（{where}）")
    g = result.standard_group
    lines += ["", f"标准群：{g.count}项，{'有' if g.has_national_core else '没有'}国家标准核心"]
    lines += [f"  ✗ {v}" for v in g.violations] or ["  ✓ 符合方案规则"]
    if result.notices:
        lines += ["", "提示："] + [f"  {n}" for n in result.notices]
    return "\n".join(lines)


def _report_sections(result: ReviewResult):
    summary_rows = [[r.id, r.name, STATUS_ZH[r.status], len(r.evidence)] for r in result.requirements]
    citation_rows = [[c.text, c.normalized, CITATION_ZH[c.status], c.expected or "", c.location] for c in result.citations]
    return summary_rows, citation_rows


def write_review_report(result: ReviewResult, out_path: Path) -> Path:
    """A reviewer's report: summary table first, then details with quotes; .docx or .md by suffix."""
    from assistant.export import add_table, docx_document, markdown_table, save_docx, write_markdown

    out_path = Path(out_path)
    suffix = out_path.suffix.lower()
    if suffix not in {".docx", ".md", ".markdown"}:
        raise InputError(f"{out_path.name}: 报告只能写成 .docx 或 .md (unsupported report type {suffix or '(none)'})")
    summary_rows, citation_rows = _report_sections(result)
    req_header = ["序号", "考核要求", "结论", "证据数"]
    cit_header = ["原文", "规范编号", "核查结果", "应为", "位置"]
    title = "试点材料评审报告"
    g = result.standard_group
    group_lines = [f"标准数量：{g.count}项；国家标准核心：{'有' if g.has_national_core else '无'}"]
    group_lines += [f"问题：{v}" for v in g.violations] or ["符合方案规则（5–20项，以国家标准为核心）"]

    if suffix == ".docx":
        doc = docx_document(title)
        if result.source:
            doc.add_paragraph(f"材料：{Path(result.source).name}")
        doc.add_heading("总体结论", level=1)
        doc.add_paragraph(result.summary)
        add_table(doc, req_header, summary_rows)
        doc.add_heading("逐项审查", level=1)
        for r in result.requirements:
            doc.add_heading(f"要求{r.id}：{r.name}（{STATUS_ZH[r.status]}）", level=2)
            for e in r.evidence:
                doc.add_paragraph(f"“{e.quote}”（{e.location}）", style="List Bullet")
            if not r.evidence:
                doc.add_paragraph("未找到原文证据。")
            doc.add_paragraph(f"建议：{r.advice}")
        doc.add_heading("标准引用核查", level=1)
        if citation_rows:
            add_table(doc, cit_header, citation_rows)
        else:
            doc.add_paragraph("文中没有引用标准编号。")
        doc.add_heading("标准群核查", level=1)
        for line in group_lines:
            doc.add_paragraph(line)
        if result.notices:
            doc.add_heading("提示", level=1)
            for n in result.notices:
                doc.add_paragraph(n)
        return save_docx(doc, out_path)

    md = [f"# {title}", ""]
    if result.source:
        md += [f"材料：{Path(result.source).name}", ""]
    md += ["## 总体结论", "", result.summary, "", markdown_table(req_header, summary_rows), "", "## 逐项审查", ""]
    for r in result.requirements:
        md += [f"### 要求{r.id}：{r.name}（{STATUS_ZH[r.status]}）", ""]
        md += [f"- “{e.quote}”（{e.location}）" for e in r.evidence] or ["- 未找到原文证据。"]
        md += ["", f"建议：{r.advice}", ""]
    md += ["## 标准引用核查", ""]
    md += [markdown_table(cit_header, citation_rows) if citation_rows else "文中没有引用标准编号。", ""]
    md += ["## 标准群核查", ""] + [f"- {line}" for line in group_lines]
    if result.notices:
        md += ["", "## 提示", ""] + [f"- {n}" for n in result.notices]
    return write_markdown(out_path, "\n".join(md))
