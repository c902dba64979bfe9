"""Candidates: for each need of the analysis, the catalog entries whose `needs` name it.

Membership comes from the catalog's applicability data only. Retrieval never adds a member: it only orders
the entries that serve the same need (after the plan's own examples and national, published entries).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from assistant.context import Context
from assistant.standards import Catalog, Standard
from assistant.suggest.needs import RETIRED, Applicability, applicability, load_vocabulary
from assistant.suggest.scenario import ScenarioAnalysis

RANK_HITS = 80  # catalog entries retrieved to order candidates; beyond that, catalog order decides
QUERY_CHARS = 1500  # embedding models truncate long inputs anyway


@dataclass
class Candidate:
    """One catalog entry that serves (or accompanies) needs of the scenario."""

    std: Standard
    info: Applicability
    need_ids: list[str] = field(default_factory=list)
    example: bool = False  # the plan names it for the chosen direction
    rank: int | None = None  # internal ordering only, never shown
    via: str | None = None  # the retired edition or series the catalog resolves to this entry

    @property
    def number(self) -> str:
        return self.std.number

    def order(self, need_id: str, phrases: tuple[str, ...], synonyms: tuple[str, ...]) -> tuple:
        """Best first within one need: published, national, serving this need first of its needs, the plan's
        example, named after the scenario's phrase (the more of its title the phrase is, the more specific the
        standard is to it: 工业数据 采集规范 before 工业制造管理数据 第44部分：车间级数据采集的信息建模) or another
        phrasing of the need, written for the scenario's
        industry, in the plan's list; retrieval only breaks the remaining ties."""
        return (self.std.status != "published", self.std.level != "national",
                self.info.needs.index(need_id) if need_id in self.info.needs else len(self.info.needs),
                not self.example, -self.specificity(phrases[:1]), not self.names(phrases), not self.names(synonyms),
                not self.std.industries,
                not self.std.in_plan, self.rank if self.rank is not None else RANK_HITS, self.number)

    def specificity(self, phrases: tuple[str, ...]) -> float:
        """The share of the shortest title naming one of the phrases that the phrase makes up (0: not named)."""
        titles = [_squeeze(t) for t in [self.std.title, *self.std.alt_titles] if t]
        return max((len(_squeeze(p)) / len(t) for p in phrases for t in titles if p and _squeeze(p) in t), default=0.0)

    def names(self, phrases: tuple[str, ...]) -> bool:
        """Whether the standard's own title carries one of the phrases (MES in 制造执行系统（MES）规范)."""
        own = "|".join(_squeeze(t) for t in [self.std.title, *self.std.alt_titles])
        return any(_squeeze(p) in own for p in phrases)


def _squeeze(text: str) -> str:
    """Titles separate their elements by spaces (工业数据 采集规范); a phrase may span two of them."""
    return text.replace(" ", "").replace("\u3000", "").lower()


@dataclass
class Candidates:
    by_need: dict[str, list[Candidate]]  # need id → entries serving it, best first
    restricted: dict[str, list[Standard]]  # need id → entries left out for an industry the scenario does not name
    ranks: dict[str, int]  # catalog number → retrieval position (ordering only)

    def make(self, ctx: Context, std: Standard, analysis: ScenarioAnalysis) -> Candidate | None:
        """A candidate for an entry named by data (a companion, a plan example), resolved and filtered."""
        return _candidate(ctx, std, analysis, self.ranks)


def current_edition(catalog: Catalog, std: Standard, root) -> tuple[Standard, str | None] | None:
    """The edition to propose for an entry: itself, or what the catalog says replaces it; None if retired."""
    seen = {std.number}
    via = None
    while True:
        info = applicability(root, std)
        if info.status not in RETIRED and not (std.replaced_by and catalog.get(std.replaced_by)):
            return std, via
        nxt = catalog.get(info.replaced_by) if info.replaced_by else None
        if nxt is None or nxt.number in seen:
            return None  # retired with no successor in the catalog: never proposed
        via, std = via or std.number, nxt
        seen.add(std.number)


def fits_scenario(std: Standard, industry_terms: list[str], places: list[str]) -> bool:
    """An industry- or technology-specific entry fits only a scenario that names one of its industries
    (`industry_terms`: the scenario analysis' industry words), a local standard only one that names its region."""
    return ((not std.industries or any(t in industry_terms for t in std.industries))
            and (not std.regions or any(r in places for r in std.regions)))


def _candidate(ctx: Context, std: Standard, analysis: ScenarioAnalysis, ranks: dict[str, int]) -> Candidate | None:
    root = ctx.settings.corpus_dir
    resolved = current_edition(ctx.corpus.catalog, std, root)
    if resolved is None or not fits_scenario(resolved[0], analysis.industry_terms, analysis.places) or resolved[0].series:
        return None
    entry, via = resolved
    direction = next(d for d in ctx.corpus.plan.directions if d.id == analysis.direction)
    examples = {ctx.corpus.catalog.get(n).number for n in direction.example_standards if ctx.corpus.catalog.get(n)}
    return Candidate(entry, applicability(root, entry), example=entry.number in examples or std.number in examples,
                     rank=ranks.get(entry.number), via=via)


def retrieval_ranks(ctx: Context, analysis: ScenarioAnalysis) -> dict[str, int]:
    """Catalog entries ordered by the scenes' similarity (the clauses that commit to needs)."""
    query = "；".join(s.text for s in analysis.scenes) or analysis.text
    hits = ctx.retriever().search(query[:QUERY_CHARS], k=RANK_HITS, doc_types=["standard"])
    ranks: dict[str, int] = {}
    for hit in hits:
        ranks.setdefault(hit.location, len(ranks))
    return ranks


def gather_candidates(ctx: Context, analysis: ScenarioAnalysis) -> Candidates:
    """Per need, the entries serving it (industry restrictions respected, retired editions resolved)."""
    ranks = retrieval_ranks(ctx, analysis) if analysis.needs else {}
    root = ctx.settings.corpus_dir
    by_need: dict[str, list[Candidate]] = {n.need_id: [] for n in analysis.needs}
    restricted: dict[str, list[Standard]] = {n.need_id: [] for n in analysis.needs}
    for std in ctx.corpus.catalog.standards:
        served = [nid for nid in applicability(root, std).needs if nid in by_need]
        if not served:
            continue
        cand = _candidate(ctx, std, analysis, ranks)
        if cand is None:
            if (std.industries or std.regions) and not fits_scenario(std, analysis.industry_terms, analysis.places):
                for nid in served:
                    restricted[nid].append(std)
            continue
        for nid in served:
            if all(c.number != cand.number for c in by_need[nid]):
                by_need[nid].append(Candidate(cand.std, cand.info, [nid], cand.example, cand.rank, cand.via))
    vocab = load_vocabulary(root)
    for n in analysis.needs:
        synonyms = vocab.needs[n.need_id].phrases
        by_need[n.need_id].sort(key=lambda c: c.order(n.need_id, (n.phrase, *n.also), synonyms))
    return Candidates(by_need, restricted, ranks)
