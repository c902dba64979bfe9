"""Suggest a 标准群 for an applicant's scenario: infer the direction, gather catalog candidates, assemble by the plan's rules.

Offline the result is retrieval + keyword scoring + rules, deterministic for the same input and index. With an
LLM configured, the model may only reorder and reword the retrieved candidates; its answer is validated again.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from assistant.context import Context
from assistant.corpus import Direction
from assistant.errors import AssistantError, InputError
from assistant.standards import (
    LEVEL_ZH,
    Catalog,
    GroupChecks,
    GroupMember,
    Level,
    Standard,
    check_group,
    find_numbers,
    parse_group_text,
    parse_number,
)
from assistant.textnorm import normalize
from assistant.tokenize import tokenize

QUERY_CHARS = 1500  # embedding models truncate long inputs anyway; the opening states the scenario
DIRECTION_HITS = 30
STANDARD_HITS = 40
TARGET_MIN, TARGET_MAX = 8, 12  # inside the plan's 5–20: enough to cover the scenario, few enough to apply
MAX_CORE = 3
FAMILY_CAP = 2  # at most this many parts of one multi-part standard, so one family cannot crowd out the rest
FIT_RANK = 8  # an example standard ranked this high among retrieved standards fits the scenario
FIT_WEIGHT = 0.5  # ...or the scenario uses one of its distinctive words (a lone sub-word is not enough)
LOW_CONFIDENCE = 0.35
PARTIAL = 0.25  # a sub-word (计划 of 协同计划) is weak evidence: it is often used in another sense

# ---- the JSON contract -------------------------------------------------------------------------------


class Source(BaseModel):
    source: str
    location: str


class SuggestedStandard(BaseModel):
    number: str
    title: str
    level: Level
    status: Literal["published", "plan"]
    core: bool
    reason: str
    sources: list[Source]


class Suggestion(BaseModel):
    direction: str
    direction_confidence: float
    standards: list[SuggestedStandard]
    checks: GroupChecks
    notes: list[str]


@dataclass
class Candidate:
    """One catalog standard under consideration, with the evidence its score and reason are built from."""

    std: Standard
    rank: int | None = None  # position among retrieved catalog entries (0 = best)
    matched: list[str] = field(default_factory=list)  # scenario words that are its keywords/title words
    related: list[str] = field(default_factory=list)  # scenario words that are parts of them (weaker)
    match_weight: float = 0.0
    example: bool = False  # the plan names it (or the entry it replaces) for the direction
    cases: list[str] = field(default_factory=list)  # ids of cases that cite it
    via: str | None = None  # the number the plan/case/retrieval named, when this entry stands in for it
    score: float = 0.0

    @property
    def number(self) -> str:
        return self.std.number


# ---- text matching -----------------------------------------------------------------------------------

# Words too common in titles, scopes and scenarios to say what a scenario is about.
GENERIC = {
    "智能", "制造", "智能制造", "系统", "技术", "要求", "通用", "管理", "信息", "部分", "工业", "数据", "平台", "模型",
    "指南", "规范", "参考", "应用", "服务", "企业", "产品", "生产", "标准", "建设", "能力", "方法", "架构", "体系",
    "功能", "总则", "术语", "定义", "一般", "实施", "水平", "提升", "推动", "开展", "围绕", "以及", "方式", "行业",
    "场景", "环节", "整体", "完善", "相关", "形成", "模式", "提高", "我们", "公司", "希望", "需要", "实现", "进行",
    "问题", "使", "等", "领域", "典型", "推进", "新型", "部署", "研发",
}
_ASCII = re.compile(r"^[a-z0-9 .+\-]+$")


def _norm(text: str) -> str:
    return normalize(text).lower()


def _words(text: str) -> list[str]:
    """Meaningful sub-words of a term or title (search-mode jieba, two characters or more, not generic)."""
    return [t for t in dict.fromkeys(tokenize(text)) if len(t) >= 2 and t not in GENERIC and not t.isdigit()]


def _present(term: str, text: str, tokens: set[str]) -> bool:
    t = _norm(term)
    if len(t) < 2:
        return t in tokens  # one character (云) only as a whole word, not inside 云南
    if _ASCII.match(t):
        return re.search(rf"(?<![a-z0-9]){re.escape(t)}(?![a-z0-9])", text) is not None  # AI not inside email
    return t in text


@dataclass
class TermIndex:
    """Weighted terms per document (a direction or a catalog entry); a term many documents share weighs less.

    Whole terms (curated keywords, title words) match as substrings of the scenario; their sub-words match
    scenario words at a quarter weight, so 发现故障 still counts a little for 故障预警.
    """

    full: dict[str, dict[str, float]]
    partial: dict[str, dict[str, float]]

    @classmethod
    def build(cls, docs: dict[str, list[str]], extra: dict[str, dict[str, float]] | None = None) -> "TermIndex":
        df: dict[str, int] = {}
        sub_df: dict[str, int] = {}
        subs = {d: {w for t in terms for w in _words(t)} for d, terms in docs.items()}
        for d, terms in docs.items():
            for t in set(terms):
                df[t] = df.get(t, 0) + 1
            for w in subs[d]:
                sub_df[w] = sub_df.get(w, 0) + 1
        idf = lambda n: 1.0 / (1.0 + math.log(n))  # noqa: E731
        full = {d: {t: idf(df[t]) for t in terms if _norm(t) not in GENERIC} for d, terms in docs.items()}
        for d, more in (extra or {}).items():
            for t, w in more.items():
                full[d].setdefault(t, w)
        partial = {d: {w: PARTIAL * idf(sub_df[w]) for w in subs[d] if w not in full[d]} for d in docs}
        return cls(full, partial)

    def match(self, doc: str, text: str, tokens: set[str]) -> tuple[list[str], list[str], float]:
        """Whole terms matched (longest first; one inside a longer match counts once), sub-words matched, weight."""
        found = [t for t in self.full[doc] if _present(t, text, tokens)]
        found = [t for t in found if not any(t != o and _norm(t) in _norm(o) for o in found)]
        weight = sum(self.full[doc][t] for t in found)
        covered = "".join(_norm(t) for t in found)
        parts = [w for w in self.partial[doc] if w in tokens and w not in covered]
        parts = [w for w in parts if not any(w != o and w in o for o in parts)]  # 数字 inside 数字化
        weight += sum(self.partial[doc][w] for w in parts)
        return sorted(found, key=lambda t: (-len(t), t)), sorted(parts), weight


# ---- direction inference -----------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _direction_index(corpus_root: Path) -> TermIndex:
    """Each direction's keywords, plus the words of its name and scope that no other direction uses."""
    from assistant.corpus import load_corpus

    plan = load_corpus(corpus_root).plan
    scope = {d.id: set(_words(f"{d.name} {d.scope}")) for d in plan.directions}
    extra = {}
    for d in plan.directions:
        others = set().union(*(v for k, v in scope.items() if k != d.id))
        extra[d.id] = {w: 0.5 for w in sorted(scope[d.id] - others)}  # weaker than the curated keywords
    return TermIndex.build({d.id: d.keywords for d in plan.directions}, extra)


def _chunk_directions(doc_type: str, source: str, location: str, section: str, meta: dict | None,
                      catalog: Catalog, names: set[str]) -> list[str]:
    """Which directions an indexed chunk speaks for: a catalog entry's, a direction row's, a case's."""
    if doc_type == "standard":
        entry = catalog.get(location)
        return [d for d in entry.directions if d in names] if entry else []
    if source == "plan/plan.yaml":
        return [section] if section in names else []
    if doc_type == "case":
        d = (meta or {}).get("direction")
        return [d] if d in names else []
    return []


def _vote_weight(doc_type: str) -> float:
    return 0.5 if doc_type == "case" else 1.0  # most public cases are factories; a case row counts half


def _priors(retriever, catalog: Catalog, names: set[str]) -> dict[str, float]:
    """Each direction's share of the index: 68 catalog entries serve factories, 14 supply chains."""
    counts = {n: 1.0 for n in names}
    for r in retriever.records:
        dirs = _chunk_directions(r["doc_type"], r["source"], r["location"], r["section"], r["meta"], catalog, names)
        for n in dirs:
            counts[n] += _vote_weight(r["doc_type"]) / len(dirs)
    total = sum(counts.values())
    return {n: c / total for n, c in counts.items()}


def infer_direction(ctx: Context, scenario: str) -> tuple[Direction, float, dict]:
    """Direction from keyword evidence and retrieval votes; confidence is the softmaxed share of the winner."""
    plan, catalog = ctx.corpus.plan, ctx.corpus.catalog
    text, tokens = _norm(scenario), set(tokenize(scenario))
    index = _direction_index(ctx.settings.corpus_dir)
    kw, matched = {}, {}
    for d in plan.directions:
        full, parts, kw[d.id] = index.match(d.id, text, tokens)
        matched[d.id] = full + parts
    names = {d.name: d.id for d in plan.directions}
    retriever = ctx.retriever()
    priors = _priors(retriever, catalog, set(names))
    votes = {d.id: 0.0 for d in plan.directions}
    for rank, hit in enumerate(retriever.search(scenario[:QUERY_CHARS], k=DIRECTION_HITS)):
        dirs = _chunk_directions(hit.doc_type, hit.source, hit.location, hit.section, hit.meta, catalog, set(names))
        weight = _vote_weight(hit.doc_type) / (rank + 8)  # rank, not raw score: robust to another embedding model
        for name in dirs:
            # Divided by sqrt(prior): a direction many entries serve collects votes by chance alone.
            votes[names[name]] += weight / len(dirs) / math.sqrt(priors[name] * len(names))
    entries = _entry_votes(ctx, text, tokens, names, priors)
    combined = _combine(kw, votes, entries)
    order = sorted(plan.directions, key=lambda d: -combined[d.id])  # stable: plan order breaks ties
    probs = _softmax([combined[d.id] for d in order], temperature=0.12)
    best = order[0]
    # Retrieval always returns something, even for a milk-tea shop: without the user's own domain words the
    # winner's share overstates how sure we are.
    strength = min(1.0, (sum(kw.values()) + 0.5 * sum(entries.values())) / 1.5)
    confidence = probs[0] * (0.4 + 0.6 * strength)
    evidence = {"keywords": matched[best.id], "scores": {d.name: round(combined[d.id], 3) for d in order}}
    return best, round(confidence, 3), evidence


def _entry_votes(ctx: Context, text: str, tokens: set[str], names: dict[str, str],
                 priors: dict[str, float]) -> dict[str, float]:
    """The catalog entries whose own words the scenario uses (造船, 数据流通) vote for the directions they serve."""
    index = _catalog_index(ctx.settings.corpus_dir)
    votes = {d: 0.0 for d in names.values()}
    examples = _examples_by_key(ctx.settings.corpus_dir)
    for s in ctx.corpus.catalog.standards:
        _, _, weight = index.match(s.number, text, tokens)
        # The plan lists its example standards under one direction: that outranks the catalog's wider tagging.
        dirs = examples.get(s.key) or examples.get(_key(s.part_of)) or [d for d in s.directions if d in names]
        for name in dirs:
            votes[names[name]] += weight / len(dirs) / math.sqrt(priors[name] * len(names))
    return votes


@lru_cache(maxsize=4)
def _examples_by_key(corpus_root: Path) -> dict[str, list[str]]:
    from assistant.corpus import load_corpus

    out: dict[str, list[str]] = {}
    for d in load_corpus(corpus_root).plan.directions:
        for number in d.example_standards:
            out.setdefault(_key(number), []).append(d.name)
    return out


def _key(number: str | None) -> str:
    parsed = parse_number(number) if number else None
    return parsed.key if parsed else ""


def _combine(kw: dict[str, float], votes: dict[str, float], entries: dict[str, float]) -> dict[str, float]:
    """Shares of the three kinds of evidence, direction keywords weighing most (the user's own words).

    A signal's weight shrinks when it is weak in total (one half-matched word), so that a share built on
    almost nothing cannot outvote the other signals.
    """
    parts = [(kw, 0.45 * min(1.0, sum(kw.values()))), (entries, 0.25 * min(1.0, sum(entries.values()))),
             (votes, 0.30)]
    used = [(p, w) for p, w in parts if sum(p.values()) > 0 and w > 0]
    total_w = sum(w for _, w in used) or 1.0
    return {d: sum(w * p[d] / sum(p.values()) for p, w in used) / total_w for d in kw}


def _softmax(values: list[float], temperature: float) -> list[float]:
    top = max(values)
    exps = [math.exp((v - top) / temperature) for v in values]
    total = sum(exps)
    return [e / total for e in exps]


def resolve_direction(ctx: Context, name: str) -> Direction:
    """--direction by name, id or prefix; anything else lists the six."""
    d = ctx.corpus.plan.direction(name)
    if d is None:
        names = "、".join(f"{x.name}（{x.id}）" for x in ctx.corpus.plan.directions)
        raise InputError(f"未知的试点方向“{name}”，可选：{names} (unknown direction)")
    return d


# ---- candidates ----------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _catalog_index(corpus_root: Path) -> TermIndex:
    """Each catalog entry's curated keywords and title words."""
    from assistant.corpus import load_corpus

    catalog = load_corpus(corpus_root).catalog
    return TermIndex.build({s.number: [*s.keywords, *_title_words(s)] for s in catalog.standards})


def _title_words(s: Standard) -> list[str]:
    from assistant.tokenize import _jieba  # precise mode: whole words (数字化车间), not search-mode fragments

    words = _jieba().lcut(" ".join([s.title, *s.alt_titles]))
    return [w for w in words if len(w) >= 2 and w not in GENERIC and not w.isdigit()]


@lru_cache(maxsize=4)
def _plan_lines(corpus_root: Path) -> dict[str, str]:
    """Year-less key → '第N行' of plan.txt where the plan names the number (1-based, as the index cites it)."""
    out: dict[str, str] = {}
    path = Path(corpus_root) / "plan" / "plan.txt"
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for number, _, _ in find_numbers(line):
            out.setdefault(number.key, f"第{i}行")
    return out


def resolve_entry(catalog: Catalog, entry: Standard) -> tuple[list[Standard], str | None]:
    """Concrete entries to propose for one named entry: a series' parts, a replacement, a published twin."""
    if entry.series:
        parts = [s for s in catalog.standards if s.part_of == entry.number]
        if parts:
            return parts, entry.number
    if entry.replaced_by:
        repl = next((s for s in catalog.standards if s.number == entry.replaced_by), None)
        if repl is not None and repl is not entry:
            return [repl], entry.number
    if entry.status == "plan":
        twin = next((s for s in catalog.standards if s.status == "published" and s.title == entry.title), None)
        if twin is not None:
            return [twin], entry.number
    return [entry], None


def gather_candidates(ctx: Context, scenario: str, direction: Direction) -> dict[str, Candidate]:
    """Retrieved catalog entries, the direction's examples and entries, and standards cited by related cases."""
    corpus = ctx.corpus
    catalog = corpus.catalog
    cands: dict[str, Candidate] = {}

    def add(entry: Standard | None, **evidence) -> Candidate | None:
        if entry is None:
            return None
        resolved, via = resolve_entry(catalog, entry)
        last = None
        for s in resolved:
            c = cands.setdefault(s.number, Candidate(s))
            c.via = c.via or via
            if evidence.get("rank") is not None and (c.rank is None or evidence["rank"] < c.rank):
                c.rank = evidence["rank"]
            c.example = c.example or evidence.get("example", False)
            if evidence.get("case") and evidence["case"] not in c.cases:
                c.cases.append(evidence["case"])
            last = c
        return last

    query = scenario[:QUERY_CHARS]
    hits = ctx.retriever().search(query, k=STANDARD_HITS, doc_types=["standard"])
    for rank, hit in enumerate(hits):
        add(catalog.get(hit.location), rank=rank)
    for number in direction.example_standards:
        add(catalog.get(number), example=True)
    for s in catalog.standards:
        if direction.name in s.directions:
            add(s)
    case_hits = ctx.retriever().search(query, k=8, doc_types=["case"])
    related = {h.source.removeprefix("cases/").removesuffix(".yaml") for h in case_hits}
    for case in corpus.cases:
        if case.direction == direction.name or case.id in related:
            for number in case.standards:
                add(catalog.get(number), case=case.id)
    _score(ctx, scenario, direction, cands, related)
    return cands


def _score(ctx: Context, scenario: str, direction: Direction, cands: dict[str, Candidate], related: set[str]) -> None:
    """Retrieval rank + the scenario's words in the entry + serving the direction + plan/case backing."""
    text, tokens = _norm(scenario), set(tokenize(scenario))
    index = _catalog_index(ctx.settings.corpus_dir)
    case_dir = {c.id: c.direction for c in ctx.corpus.cases}
    for c in cands.values():
        c.matched, c.related, c.match_weight = index.match(c.number, text, tokens)
        s = 1.5 / (1 + c.rank / 6) if c.rank is not None else 0.0
        s += min(c.match_weight, 3.0) * 0.8
        if direction.name in c.std.directions:
            s += 1.0 if c.std.directions[0] == direction.name else 0.6
        s += 1.0 if c.example and fits(c) else 0.0  # an unfitting example competes on its own merits
        s += 0.2 if c.std.in_plan else 0.0
        s += 0.1 if c.std.status == "published" else 0.0
        same = sum(1 for cid in c.cases if case_dir.get(cid) == direction.name)
        s += 0.3 * min(same, 2) + 0.2 * sum(1 for cid in c.cases if cid in related)
        c.score = round(s, 6)


# ---- assembly ------------------------------------------------------------------------------------------


def _family(number: str) -> str:
    parsed = parse_number(number)
    return f"{parsed.prefix} {parsed.code.split('.')[0]}" if parsed else number


def fits(c: Candidate) -> bool:
    """An example standard fits when the scenario uses its words or retrieval ranks it near the top."""
    return c.match_weight >= FIT_WEIGHT or (c.rank is not None and c.rank < FIT_RANK)


def assemble(cands: dict[str, Candidate], min_count: int = 5, max_count: int = 20) -> tuple[list[Candidate], set[str], list[str]]:
    """Pick the group and its core by the plan's rules; returns (members, core numbers, notes)."""
    notes: list[str] = []
    ordered = sorted(cands.values(), key=lambda c: (-c.score, c.number))
    examples = [c for c in ordered if c.example and c.std.level == "national"]
    fitting = [c for c in examples if fits(c)]
    chosen: list[Candidate] = list(fitting)
    top = ordered[0].score if ordered else 0.0
    target = max(TARGET_MIN, min(TARGET_MAX, sum(1 for c in ordered if c.score >= 0.45 * top)))
    target = max(min_count, min(target, max_count))
    for c in ordered:
        if len(chosen) >= target:
            break
        if c in chosen:
            continue
        if sum(1 for x in chosen if _family(x.number) == _family(c.number)) >= FAMILY_CAP:
            continue
        chosen.append(c)
    _add_support(chosen, ordered, fitting)
    _ensure_national(chosen, ordered)
    for c in examples:
        if c not in chosen:
            notes.append(f"方案示例标准 {c.number}（{c.std.title}）与场景关联较弱，未纳入；如确实适用可自行加入。")
    core = _pick_core(chosen, fitting)
    chosen.sort(key=lambda c: (c.number not in core, -c.score, c.number))
    return chosen, core, notes


def _add_support(chosen: list[Candidate], ordered: list[Candidate], keep: list[Candidate]) -> None:
    """The plan wants national standards supported by other levels: add the best one the scenario calls for."""
    if any(c.std.level != "national" for c in chosen):
        return
    support = next((c for c in ordered if c.std.level != "national" and c not in chosen
                    and (c.match_weight > 0 or (c.rank is not None and c.rank < 15))), None)
    if support is None:
        return
    if len(chosen) >= TARGET_MAX:
        drop = next((c for c in reversed(chosen) if c not in keep), None)
        if drop is not None:
            chosen.remove(drop)
    chosen.append(support)


def _ensure_national(chosen: list[Candidate], ordered: list[Candidate]) -> None:
    if not any(c.std.level == "national" for c in chosen):
        best = next((c for c in ordered if c.std.level == "national"), None)
        if best is not None:
            chosen.insert(0, best)


def _pick_core(chosen: list[Candidate], fitting: list[Candidate]) -> set[str]:
    """Core: the fitting plan examples (best first), else the best national standard in the group."""
    core = [c.number for c in sorted(fitting, key=lambda c: (-c.score, c.number))][:MAX_CORE]
    if not core:
        nationals = sorted((c for c in chosen if c.std.level == "national"), key=lambda c: (-c.score, c.number))
        core = [nationals[0].number] if nationals else []
    return set(core)


# ---- reasons and sources -------------------------------------------------------------------------------


def reason_for(c: Candidate, core: bool, direction: Direction, case_titles: dict[str, str]) -> str:
    """A short Chinese reason tied to the scenario: its words, the plan, the cases, the standard's area."""
    parts = []
    if c.example:
        parts.append(f"方案为“{direction.name}”列举的示例国家标准")
    if c.matched:
        parts.append("对应场景中的" + "、".join(f"“{m}”" for m in c.matched[:4]))
    elif c.related:
        parts.append("与场景中的" + "、".join(f"“{m}”" for m in c.related[:3]) + "有关")
    if c.std.area:
        parts.append(f"属于体系中的“{c.std.area.split(' ', 1)[-1]}”部分")
    if direction.name in c.std.directions and not c.example:
        parts.append(f"适用于{direction.name}")
    titles = [case_titles[cid] for cid in c.cases if cid in case_titles][:1]
    if titles:
        parts.append(f"案例《{titles[0]}》也采用了它")
    if not c.matched and not c.related and not c.example and c.rank is not None:
        parts.append(f"与场景描述语义相近（检索第{c.rank + 1}位）")
    if c.std.level != "national":
        parts.append(f"作为{LEVEL_ZH[c.std.level]}配套细化国家标准")
    text = "；".join(parts) + "。"
    if core:
        text = "核心标准：" + text
    if c.via:
        text += f"（由目录中的 {c.via} 落到此项：系列取具体部分、计划号取已发布版本）"
    if c.std.status == "plan":
        text += "（在研计划号，发布后请改用正式编号）"
    if c.std.replaced_by:
        text += f"（目录注明已被 {c.std.replaced_by} 代替，请核实现行版本）"
    return text


def sources_for(c: Candidate, plan_lines: dict[str, str]) -> list[Source]:
    out = [Source(source="standards/catalog.yaml", location=c.number)]
    for number in [c.number, c.via, c.std.part_of]:
        parsed = parse_number(number) if number else None
        if parsed and parsed.key in plan_lines:
            out.append(Source(source="plan/plan.txt", location=plan_lines[parsed.key]))
            break
    out += [Source(source=f"cases/{cid}.yaml", location="二、标准群构成") for cid in sorted(c.cases)]
    return out


def build_standards(chosen: list[Candidate], core: set[str], direction: Direction, ctx: Context,
                    reasons: dict[str, str] | None = None) -> list[SuggestedStandard]:
    case_titles = {c.id: c.title for c in ctx.corpus.cases}
    plan_lines = _plan_lines(ctx.settings.corpus_dir)
    out = []
    for c in chosen:
        reason = (reasons or {}).get(c.number) or reason_for(c, c.number in core, direction, case_titles)
        out.append(SuggestedStandard(number=c.number, title=c.std.title, level=c.std.level, status=c.std.status,
                                     core=c.number in core, reason=reason, sources=sources_for(c, plan_lines)))
    return out


# ---- the entry point -----------------------------------------------------------------------------------


def suggest_group(ctx: Context, scenario: str, direction: str | None = None) -> Suggestion:
    """A standard group for the scenario: direction, members with reasons and sources, rule checks, notes."""
    scenario = (scenario or "").strip()
    if not scenario:
        raise InputError("场景描述为空 (empty scenario)")
    corpus = ctx.corpus
    notes: list[str] = []
    if direction:
        chosen_dir, confidence = resolve_direction(ctx, direction), 1.0
        notes.append(f"试点方向由用户指定：{chosen_dir.name}。")
    else:
        chosen_dir, confidence, evidence = infer_direction(ctx, scenario)
        said = "、".join(evidence["keywords"][:6])
        notes.append(f"试点方向按场景用词{('（' + said + '）') if said else ''}和相似方案条目、标准、案例推断为"
                     f"“{chosen_dir.name}”，置信度 {confidence:.2f}。")
        if confidence < LOW_CONFIDENCE:
            notes.append("方向判断把握不大：请补充企业行业、要解决的问题和拟建系统，或用 --direction 指定方向。")
    cands = gather_candidates(ctx, scenario, chosen_dir)
    rules = corpus.plan.group_rules
    members, core, assembly_notes = assemble(cands, rules.min_count, rules.max_count)
    reasons: dict[str, str] = {}
    if ctx.settings.llm != "none":
        members, core, reasons = _llm_pass(ctx, scenario, chosen_dir, cands, members, core, notes)
    standards = build_standards(members, core, chosen_dir, ctx, reasons)
    checks = check_group([GroupMember(**s.model_dump(include={"number", "title", "level", "status", "core"}))
                          for s in standards], corpus.catalog, rules.min_count, rules.max_count)
    notes += _build_notes(members, reasons, rules.min_count, rules.max_count)
    notes += assembly_notes
    return Suggestion(direction=chosen_dir.name, direction_confidence=confidence, standards=standards,
                      checks=checks, notes=notes)


def _build_notes(members: list[Candidate], reasons: dict[str, str], lo: int, hi: int) -> list[str]:
    notes = []
    if not reasons:
        notes.append("本标准群由检索与规则离线组合（未使用大模型）：候选来自标准目录检索、方案示例标准和相似案例，"
                     "按场景用词匹配、检索排名、是否服务该方向打分排序。")
    notes.append(f"按方案规则：共 {len(members)} 项（要求 {lo}–{hi} 项），以国家标准为核心；编号均来自标准目录。")
    for c in members:
        if c.via:
            notes.append(f"{c.via} 在目录中以 {c.number} 形式纳入（系列取具体部分，或计划号/旧版取现行版本）。")
    if not any(c.std.level != "national" for c in members):
        notes.append("目录中与该场景相关的行业、地方、团体标准很少，未能配套；可补充本行业或企业标准。")
    return notes


# ---- LLM hook ------------------------------------------------------------------------------------------

LLM_CANDIDATES = 25
LLM_REASON_CHARS = 160


def rerank_with_llm(ctx: Context, scenario: str, direction: Direction, candidates: list[Candidate],
                    notes: list[str] | None = None) -> list[tuple[str, str]] | None:
    """Ask the LLM to order and word reasons for the candidates; None when it is unavailable or unreadable."""
    notes = notes if notes is not None else []
    try:
        from assistant.prompts import load_prompt

        prompt = load_prompt(ctx.settings.prompts_dir, "suggest/rerank")
        lines = [f"{c.number}｜{c.std.title}｜{LEVEL_ZH[c.std.level]}｜{c.std.area}" for c in candidates]
        variables = dict(scenario=scenario[:QUERY_CHARS], direction=direction.name,
                         candidates="\n".join(lines), min_count=5, max_count=12)
        reply = ctx.llm.complete(prompt.render("system", **variables), prompt.render("user", **variables))
    except (ImportError, AssistantError):
        notes.append("LLM unavailable, offline result（大模型不可用，采用离线结果）。")
        return None
    picks = _parse_llm_reply(reply)
    if picks is None:
        notes.append("大模型回答不是约定的 JSON，采用离线结果 (LLM reply unreadable, offline result)。")
    return picks


def _parse_llm_reply(reply: str) -> list[tuple[str, str]] | None:
    match = re.search(r"\{.*\}|\[.*\]", reply or "", re.S)  # models wrap JSON in prose or ``` fences
    try:
        data = json.loads(match.group(0)) if match else None
    except ValueError:
        return None
    items = data.get("standards") if isinstance(data, dict) else data
    if not isinstance(items, list):
        return None
    out = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("number"), str):
            out.append((item["number"], str(item.get("reason", ""))[:LLM_REASON_CHARS]))
        elif isinstance(item, str):
            out.append((item, ""))
    return out


def _llm_pass(ctx: Context, scenario: str, direction: Direction, cands: dict[str, Candidate],
              members: list[Candidate], core: set[str], notes: list[str]):
    """Let the LLM reorder within the candidates; validate, re-apply the rules, fall back to offline."""
    pool = sorted(cands.values(), key=lambda c: (-c.score, c.number))[:LLM_CANDIDATES]
    picks = rerank_with_llm(ctx, scenario, direction, pool, notes)
    if not picks:
        return members, core, {}
    by_key = {c.std.key: c for c in pool}
    chosen, reasons, dropped = [], {}, []
    for number, reason in picks:
        parsed = parse_number(number)
        c = by_key.get(parsed.key) if parsed else None
        if c is None or ctx.corpus.catalog.get(parsed) is None:
            dropped.append(number)
        elif c not in chosen:
            chosen.append(c)
            reasons[c.number] = reason
    if dropped:
        notes.append("已删除大模型给出的不在候选或目录中的编号：" + "、".join(dropped[:10]) + "。")
    rules = ctx.corpus.plan.group_rules
    fitting = [c for c in members if c.number in core]
    for c in fitting:  # the plan's core standards stay whatever the model says
        if c not in chosen:
            chosen.insert(0, c)
    for c in members:  # too few valid picks: top up from the offline group
        if len(chosen) >= rules.min_count:
            break
        if c not in chosen:
            chosen.append(c)
    chosen = chosen[:rules.max_count]
    _ensure_national(chosen, pool)
    new_core = _pick_core(chosen, [c for c in fitting if c in chosen])
    reasons = {n: ("核心标准：" + r if n in new_core else r) for n, r in reasons.items() if r}
    notes.append("大模型在检索候选范围内排序并撰写理由；结果已按标准目录和方案规则复核。")
    return chosen, new_core, reasons


# ---- check-group input and rendering -------------------------------------------------------------------


def load_group_file(path: Path) -> list[GroupMember]:
    """A group to check: suggest --json output, a JSON list (numbers or objects), or text/docx/pdf lines."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: 文件不存在 (file not found)")
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _group_from_json(path)
    if suffix in {".docx", ".pdf"}:
        from assistant.loaders import load_document

        doc = load_document(path)
        text = "\n".join(b.text for b in doc.blocks)
    else:
        from assistant.loaders import decode_text

        text = decode_text(path.read_bytes(), path)  # raw lines: the text loader would join them into paragraphs
        if text.lstrip().startswith(("{", "[")):
            return _group_from_json(path, text)
    try:
        return parse_group_text(text)
    except InputError as exc:
        raise InputError(f"{path.name}: {exc}") from exc


def _group_from_json(path: Path, text: str | None = None) -> list[GroupMember]:
    from assistant.loaders import decode_text

    try:
        data = json.loads(text if text is not None else decode_text(path.read_bytes(), path))
    except ValueError as exc:
        raise InputError(f"{path.name}: 不是有效的 JSON (invalid JSON: {exc.msg} at line {exc.lineno})") from exc
    items = data.get("standards") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise InputError(f"{path.name}: 未找到标准列表（需要 suggest --json 的输出或编号列表） (no standards list)")
    members = []
    for item in items:
        if isinstance(item, str):
            members.append(GroupMember(number=item))
        elif isinstance(item, dict) and isinstance(item.get("number"), str):
            level = item.get("level") if item.get("level") in LEVEL_ZH else None
            members.append(GroupMember(number=item["number"], title=str(item.get("title") or ""), level=level,
                                       core=bool(item.get("core", False))))
        else:
            raise InputError(f"{path.name}: 无法识别的条目 {str(item)[:60]}（每项应为编号或含 number 的对象）")
    return members


def render_checks(checks: GroupChecks) -> str:
    lines = [f"标准数量：{checks.count} 项", f"含国家标准核心：{'是' if checks.has_national_core else '否'}"]
    if checks.violations:
        lines.append("不符合方案规则：")
        lines += [f"  ✗ {v}" for v in checks.violations]
    else:
        lines.append("✓ 符合方案对标准群的规则（5–20 项，至少 1 项国家标准为核心）")
    return "\n".join(lines)


def render_suggestion(result: Suggestion) -> str:
    lines = [f"试点方向：{result.direction}（置信度 {result.direction_confidence:.2f}）", "",
             f"建议标准群（{len(result.standards)} 项，★ 为核心标准）："]
    for i, s in enumerate(result.standards, start=1):
        mark = "★" if s.core else " "
        status = "已发布" if s.status == "published" else "在研"
        lines.append(f"{i:>2}. {mark} {s.number}  《{s.title}》  [{LEVEL_ZH[s.level]}·{status}]")
        lines.append(f"      理由：{s.reason}")
        lines.append("      来源：" + "；".join(f"{src.source} {src.location}" for src in s.sources))
    lines += ["", "规则检查：", *("  " + ln for ln in render_checks(result.checks).splitlines())]
    if result.notes:
        lines += ["", "说明：", *(f"  · {n}" for n in result.notes)]
    return "\n".join(lines)
