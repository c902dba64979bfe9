"""Candidates: retrieved catalog entries, the direction's examples, standards of related cases; scored."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.context import Context
from assistant.corpus import Direction
from assistant.standards import Catalog, Standard
from assistant.suggest.hints import expand_scenario, industry_hits, off_industry
from assistant.suggest.matching import _ASCII, QUERY_CHARS, _catalog_index, _norm
from assistant.tokenize import tokenize

STANDARD_HITS = 40
FIT_RANK = 8  # an example standard ranked this high among retrieved standards fits the scenario
FIT_WEIGHT = 0.5  # ...or the scenario uses one of its distinctive words (a lone sub-word is not enough)


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
    industry: list[str] = field(default_factory=list)  # the scenario's words naming its industry (industry-specific)
    score: float = 0.0

    @property
    def number(self) -> str:
        return self.std.number


# ---- candidates ----------------------------------------------------------------------------------------


def resolve_entry(catalog: Catalog, entry: Standard) -> tuple[list[Standard], str | None]:
    """Concrete entries to propose for one named entry: a series' parts, a replacement, a published twin."""
    if entry.series:
        parts = [s for s in catalog.standards if s.part_of == entry.number]
        if parts:
            return parts, entry.number
    if not catalog.is_current(entry):  # never a replaced or abolished edition: its current one, or nothing
        now = catalog.current(entry)
        return ([now], entry.number) if now is not None else ([], None)
    if entry.status == "plan":
        twin = next((s for s in catalog.standards if s.status == "published" and s.title == entry.title), None)
        if twin is not None:
            return [twin], entry.number
    return [entry], None


def gather_candidates(ctx: Context, scenario: str, direction: Direction,
                      excluded: list[Standard] | None = None) -> dict[str, Candidate]:
    """Retrieved catalog entries, the direction's examples and entries, entries whose keywords the scenario
    uses, and standards cited by related cases; minus entries for an industry the scenario does not name
    (appended to `excluded` when given)."""
    corpus = ctx.corpus
    catalog = corpus.catalog
    scenario = expand_scenario(ctx.settings.corpus_dir, scenario)
    text, tokens = _norm(scenario), set(tokenize(scenario))
    cands: dict[str, Candidate] = {}

    def add(entry: Standard | None, **evidence) -> Candidate | None:
        if entry is None:
            return None
        resolved, via = resolve_entry(catalog, entry)
        last = None
        for s in resolved:
            if off_industry(s, text, tokens) or off_industry(entry, text, tokens):
                if excluded is not None and s not in excluded and evidence.get("example"):
                    excluded.append(s)
                continue
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
    index = _catalog_index(ctx.settings.corpus_dir)
    for s in catalog.standards:  # every named need can be covered, even when retrieval missed its entry
        full, _, _ = index.match(s.number, text, tokens)
        if any(k in full for k in s.keywords):
            add(s)
    case_hits = ctx.retriever().search(query, k=8, doc_types=["case"])
    related = {h.source.removeprefix("cases/").removesuffix(".yaml") for h in case_hits}
    for case in corpus.cases:
        if case.direction == direction.name or case.id in related:
            for number in case.standards:
                add(catalog.get(number), case=case.id)
    _score(ctx, scenario, direction, cands, related)
    for c in cands.values():
        c.industry = industry_hits(c.std, text, tokens)
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


def fits(c: Candidate) -> bool:
    """An example standard fits when the scenario uses its words or retrieval ranks it near the top."""
    return c.match_weight >= FIT_WEIGHT or (c.rank is not None and c.rank < FIT_RANK)


# ---- the scenario's distinct needs ---------------------------------------------------------------------

# Curated keywords too broad to be a need of their own (every factory scenario says 设备).
WEAK_NEEDS = {"设备", "术语", "定义", "模型", "安全", "通用要求", "技术要求", "参考模型", "车间", "工厂", "计划"}


def _spans(term: str, text: str) -> list[tuple[int, int]]:
    t = _norm(term)
    if _ASCII.match(t):
        pattern = rf"(?<![a-z0-9]){re.escape(t)}(?![a-z0-9])"
    else:
        pattern = re.escape(t)
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


def scenario_needs(scenario: str, cands: dict[str, Candidate], corpus_root=None) -> list[list[str]]:
    """The distinct needs the scenario names: catalog keywords it uses, grouped where they overlap in the text.

    成熟度评估 and 评估 in 能力成熟度评估 are one need; 追溯, 数字孪生 and AGV in one sentence are three.
    """
    if corpus_root is not None:
        scenario = expand_scenario(corpus_root, scenario)
    text = _norm(scenario)
    spans: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    for c in cands.values():
        for k in c.std.keywords:
            if k in seen or k not in c.matched or _norm(k) in WEAK_NEEDS or len(_norm(k)) < 2:
                continue
            seen.add(k)
            spans += [(a, b, k) for a, b in _spans(k, text)]
    clusters: list[tuple[int, list[str]]] = []
    for a, b, k in sorted(spans):
        if clusters and a < clusters[-1][0]:
            end, terms = clusters[-1]
            clusters[-1] = (max(end, b), terms + [k] if k not in terms else terms)
        else:
            clusters.append((b, [k]))
    return [terms for _, terms in clusters]
