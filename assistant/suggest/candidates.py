"""Candidates: for each need of the analysis, the catalog entries whose `needs` name it.

Membership comes from the catalog's applicability data only. Retrieval never adds a member: it only orders
the entries that serve the same need (after the plan's own examples and national, published entries).
"""
from __future__ import annotations

import re
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
                not (self.example and self.carries(phrases[:1])), not self.specificity(phrases[:1]), not self.example,
                -self.specificity(phrases[:1]), not self.names(phrases), not self.names(synonyms),
                not self.std.industries, self.part > 1,
                not self.std.in_plan, self.rank if self.rank is not None else RANK_HITS, self.number)

    def specificity(self, phrases: tuple[str, ...]) -> float:
        """The share of the shortest title naming one of the phrases that the phrase makes up (0: not named).
        A title's introductory element is its field (信息技术 数字孪生 第1部分：通用要求): it says nothing about
        which of the field's standards the scenario needs, so it is left out of the measure. A part's title is
        its series' title and its own subtitle, each measured alone: a phrase in the series' title makes every
        part tie (安全仪表 in all parts of 安全仪表系统的功能安全), and part 1 then leads."""
        titles = [_squeeze(x) for t in [self.std.title, *self.std.alt_titles] if t for x in _pieces(t) if _squeeze(x)]
        return max((len(_squeeze(p)) / len(t) for p in phrases for t in titles if p and _squeeze(p) in t), default=0.0)

    @property
    def part(self) -> int:
        """The part number (GB/T 21109.3 → 3; 0 for a standard without parts)."""
        m = re.search(r"\.(\d+)(?:—|$)", self.number)
        return int(m.group(1)) if m else 0

    def carries(self, phrases: tuple[str, ...]) -> bool:
        """Whether the title or the catalog's keywords carry one of the phrases."""
        return self.names(phrases) or any(_squeeze(p) in _squeeze(k) for p in phrases for k in self.std.keywords if p)

    def names(self, phrases: tuple[str, ...]) -> bool:
        """Whether the standard's own title carries one of the phrases (MES in 制造执行系统（MES）规范)."""
        own = "|".join(_squeeze(t) for t in [self.std.title, *self.std.alt_titles])
        return any(_squeeze(p) in own for p in phrases)


_PART_LABEL = re.compile(r"第\d+部分[:：]")  # numbering, not words
_ELEMENTS = re.compile(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])")  # not the space inside OPC UA
# Elements that only state an aspect of the subject before them (智能工厂 通用技术要求): such a title has no
# introductory element to leave out.
_ASPECT = re.compile(r"(?:第\d+部分[:：])?(?:通用|总体|基本|一般)?(?:技术|功能|性能)?"
                     r"(?:要求|规范|指南|导则|通则|总则|术语|参考架构|参考模型|体系架构|架构|框架|评价通则|评价方法)")


def _subject(title: str) -> str:
    """A title without its introductory element (GB/T 1.1 titles: introductory, main and part elements,
    separated by spaces; 批控制 第4部分：批生产记录 has no introductory element, 人工智能 知识图谱技术框架 has one)."""
    parts = _ELEMENTS.split(title.strip())
    has_part = bool(parts) and parts[-1].startswith("第") and "部分" in parts[-1]
    if len(parts) <= (2 if has_part else 1) or all(_ASPECT.fullmatch(p) for p in parts[1:]):
        return title
    return " ".join(parts[1:])


def _pieces(title: str) -> list[str]:
    """A title without its introductory element, split at its part label: series title, part subtitle."""
    return _PART_LABEL.split(_subject(title))


def title_forms(std: Standard) -> list[str]:
    """How an applicant may name a standard by title: its subject (without the introductory element and the part
    label) and, for a part, its series' subject alone; squeezed."""
    out = []
    for t in [std.title, *std.alt_titles]:
        if not t:
            continue
        pieces = _pieces(t)
        for form in ("".join(pieces), pieces[0]):
            if _squeeze(form) and _squeeze(form) not in out:
                out.append(_squeeze(form))
    return out


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


def _about_set_aside(cand: Candidate, analysis: ScenarioAnalysis) -> bool:
    """The title is about something the scenario says exists already or is out of scope (公司去年已通过绿色工厂
    评价 → 绿色工厂评价通则), and names none of the phrases it commits to."""
    live = [p for n in analysis.needs for p in (n.phrase, *n.also)]
    return cand.names(tuple(analysis.set_aside)) and not cand.names(tuple(live))


def gather_candidates(ctx: Context, analysis: ScenarioAnalysis) -> Candidates:
    """Per need, the entries serving it (industry restrictions respected, retired editions resolved)."""
    ranks = retrieval_ranks(ctx, analysis) if analysis.needs else {}
    root = ctx.settings.corpus_dir
    by_need: dict[str, list[Candidate]] = {n.need_id: [] for n in analysis.needs}
    restricted: dict[str, list[Standard]] = {n.need_id: [] for n in analysis.needs}
    vocab = load_vocabulary(root)
    for std in ctx.corpus.catalog.standards:
        served = [nid for nid in applicability(root, std).needs if nid in by_need]
        # (a vision standard also serves the inspection the scenario does by vision, not inspection by other means)
        served += [m for nid in list(served) for m in vocab.needs[nid].means_of if m in by_need and m not in served]
        if not served:
            continue
        cand = _candidate(ctx, std, analysis, ranks)
        if cand is not None and _about_set_aside(cand, analysis):
            continue
        if cand is None:
            if (std.industries or std.regions) and not fits_scenario(std, analysis.industry_terms, analysis.places):
                for nid in served:
                    restricted[nid].append(std)
            continue
        for nid in served:
            if all(c.number != cand.number for c in by_need[nid]):
                by_need[nid].append(Candidate(cand.std, cand.info, [nid], cand.example, cand.rank, cand.via))
    for n in analysis.needs:
        synonyms = vocab.needs[n.need_id].phrases
        by_need[n.need_id].sort(key=lambda c: c.order(n.need_id, (n.phrase, *n.also), synonyms))
    return Candidates(by_need, restricted, ranks)
