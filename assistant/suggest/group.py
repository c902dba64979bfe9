"""Group assembly from needs: members per need, a national core, companions, fillers only to reach the minimum.

Every member has a role: `need` (it serves a need the scenario names), `companion` (the catalog says a pilot
applies it together with a member, or it accompanies a named need: terms, architectures, model + method), or
`filler` (added only because the plan asks for at least five, said so in a note).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from assistant.context import Context
from assistant.suggest.candidates import Candidate, Candidates
from assistant.suggest.needs import applicability, load_vocabulary
from assistant.suggest.scenario import ScenarioAnalysis

PER_NEED = 1  # entries per need: the best one (the principal need gets PRINCIPAL_PER_NEED)
PRINCIPAL_PER_NEED = 2
KEYWORD_CHARS = 4  # a catalog keyword this long, written in the scenario, names its entry (数据分类分级, not 数据)…
KEYWORD_HOLDERS = 2  # …when few entries hold it (信息交换 is a keyword of many: it names none of them)
MAX_CORE = 3
ACCOMPANY_MAX = 2  # foundational entries (terms, architectures) that accompany the named needs
NAMED = "场景点名采用"  # why of a member the applicant names by number or title


@dataclass
class Member:
    cand: Candidate
    role: str  # "need" | "companion" | "filler"
    need_ids: list[str]
    companion_of: str | None = None
    why: str = ""  # for companions and fillers: why it is in the group
    phrase: str | None = None  # the scenario phrase it answers, when it answers one phrase of its need

    @property
    def number(self) -> str:
        return self.cand.number


@dataclass
class Group:
    members: list[Member]
    core: set[str]
    uncovered: list[str]  # need ids no catalog entry serves
    notes: list[str] = field(default_factory=list)


def principal_need(analysis: ScenarioAnalysis, cands: Candidates, ctx: Context) -> str | None:
    """The first covered need that belongs to the chosen direction, else the first covered need."""
    vocab = load_vocabulary(ctx.settings.corpus_dir)
    covered = [n.need_id for n in analysis.needs if cands.by_need.get(n.need_id)]
    in_direction = [nid for nid in covered if analysis.direction in vocab.needs[nid].directions]
    return (in_direction or covered or [None])[0]


def assemble(ctx: Context, analysis: ScenarioAnalysis, cands: Candidates) -> Group:
    rules = ctx.corpus.plan.group_rules
    members: dict[str, Member] = {}
    principal = principal_need(analysis, cands, ctx)
    phrases = {p for need in load_vocabulary(ctx.settings.corpus_dir).needs.values() for p in need.phrases}
    holders = Counter(k for std in ctx.corpus.catalog.standards for k in set(std.keywords))
    for n in analysis.needs:
        ranked = cands.by_need.get(n.need_id, [])
        take = PRINCIPAL_PER_NEED if n.need_id == principal else PER_NEED
        for c in ranked[:take]:
            _add(members, c, "need", [n.need_id])
        # The best entry written for the scenario's own industry, technology or region joins its need: the plan
        # puts industry, local and group standards beside the national core (船舶数字化协同制造 for a shipyard's
        # collaborative design, a Beijing 中成药 standard for a Beijing plant).
        own = next((c for c in ranked if c.std.industries or c.std.regions), None)
        if own is not None:
            _add(members, own, "need", [n.need_id])
        for phrase in n.also:  # OPC UA and 工业无线 are two commitments of one need: each gets its standard
            # (named by its title, else by its catalog keywords: 断供 is a keyword of the supply-risk guide)
            named = next((c for c in ranked if c.names((phrase,)) and c.info.needs[:1] == (n.need_id,)), None) \
                or next((c for c in ranked if phrase in c.std.keywords and c.info.needs[:1] == (n.need_id,)), None)
            if named is not None and named.number not in members:
                _add(members, named, "need", [n.need_id], phrase=phrase)
        # An entry of this need whose own specific keyword the scenario writes (工业数据分类分级: 数据分类, 数据分类分级)
        # answers a commitment the need's first phrase does not: it joins too.
        for c in ranked[take:]:
            # (a needs phrase itself, 数字孪生 or 设备联网, names the need, not one entry of it)
            word = next((k for k in c.std.keywords if len(k) >= KEYWORD_CHARS and k in analysis.committed_text
                         and k not in phrases and holders.get(k, 0) <= KEYWORD_HOLDERS), None)
            if word is not None and c.info.needs[:1] == (n.need_id,) and c.number not in members:
                _add(members, c, "need", [n.need_id], phrase=word)
    for number, quote in analysis.named_standards.items():  # the applicant names it: it is in, whatever the ranking
        std = ctx.corpus.catalog.get(number)
        c = cands.make(ctx, std, analysis) if std is not None else None
        if c is not None:
            served = [n.need_id for n in analysis.needs if n.need_id in c.info.needs]
            _add(members, c, "need", served, why=NAMED, phrase=quote)
            m = members[c.number]
            m.role, m.why, m.phrase = "need", NAMED, quote
    _add_companions(ctx, analysis, cands, members, principal)
    _add_accompanying(ctx, analysis, cands, members)
    notes = _fill(ctx, analysis, cands, members, rules.min_count)
    ordered = _cut(list(members.values()), rules.max_count, notes)
    core = _core(ordered, analysis, cands, ctx)
    ordered.sort(key=lambda m: (m.number not in core, ["need", "companion", "filler"].index(m.role)))
    uncovered = [n.need_id for n in analysis.needs if not cands.by_need.get(n.need_id)]
    return Group(ordered, core, uncovered, notes)


def _add(members: dict[str, Member], c: Candidate, role: str, need_ids: list[str],
         companion_of: str | None = None, why: str = "", phrase: str | None = None) -> None:
    m = members.get(c.number)
    if m is None:
        members[c.number] = Member(c, role, list(need_ids), companion_of, why, phrase)
        return
    m.need_ids += [nid for nid in need_ids if nid not in m.need_ids]  # serving one more need keeps its role


def _add_companions(ctx: Context, analysis: ScenarioAnalysis, cands: Candidates, members: dict[str, Member],
                    principal: str | None) -> None:
    """Entries the catalog says are applied together with a member (model + method, terms + architecture): for
    the principal need's members and the first member of every other need."""
    catalog = ctx.corpus.catalog
    tops = {cands.by_need[n.need_id][0].number for n in analysis.needs if cands.by_need.get(n.need_id)}
    for m in [m for m in members.values()
              if m.role == "need" and (m.number in tops or m.phrase or principal in m.need_ids)]:
        for number in m.cand.info.companions:
            std = catalog.get(number)
            c = cands.make(ctx, std, analysis) if std is not None else None
            if c is not None and c.number not in members and not _set_aside(c, analysis):
                _add(members, c, "companion", m.need_ids, m.number, f"与 {m.number} 配套使用")


def _set_aside(c: Candidate, analysis: ScenarioAnalysis) -> bool:
    """A companion whose own needs the scenario says are done or out of scope (供应商协同平台已上线，这次不再做平台):
    pairing it with a member would bring back what the applicant set aside."""
    own = [nid for nid in c.info.needs if nid not in {n.need_id for n in analysis.needs}]
    return bool(own) and len(own) == len(c.info.needs) and all(nid in analysis.set_aside_needs for nid in own)


def _add_accompanying(ctx: Context, analysis: ScenarioAnalysis, cands: Candidates,
                      members: dict[str, Member]) -> None:
    """Foundational entries that accompany a named need, up to ACCOMPANY_MAX, the principal need's first."""
    root = ctx.settings.corpus_dir
    need_ids = [n.need_id for n in analysis.needs if cands.by_need.get(n.need_id)]
    added = 0
    for nid in need_ids:
        for std in ctx.corpus.catalog.standards:
            if added >= ACCOMPANY_MAX:
                return
            if nid not in applicability(root, std).accompanies or std.number in members:
                continue
            c = cands.make(ctx, std, analysis)
            if c is not None and c.number not in members:
                _add(members, c, "companion", [nid], None, "基础标准，配合该需求使用")
                added += 1


def _fill(ctx: Context, analysis: ScenarioAnalysis, cands: Candidates, members: dict[str, Member],
          minimum: int) -> list[str]:
    """Reach the plan's minimum (and a national member): first more entries serving the named needs, then the
    direction's plan examples and national entries as fillers, said so in a note."""
    def enough() -> bool:
        return len(members) >= minimum and any(m.cand.std.level == "national" for m in members.values())

    for n in analysis.needs:  # every entry serving a named need is a real member, not a filler
        for c in cands.by_need.get(n.need_id, []):
            if enough():
                break
            _add(members, c, "need", [n.need_id])
    if enough():
        return []
    before = len(members)
    added: list[Member] = []
    for std, why in _filler_pool(ctx, analysis, members, cands.ranks):
        if enough():
            break
        c = cands.make(ctx, std, analysis)
        if c is None or c.number in members:
            continue
        _add(members, c, "filler", [], None, why)
        added.append(members[c.number])
    if not added:
        return []
    items = "、".join(f"{m.number}（{m.why}）" for m in added)
    short = (f"场景的需求只对应到 {before} 项标准，少于方案要求的 {minimum} 项" if before < minimum
             else "场景的需求对应的标准中没有国家标准，方案要求以国家标准为核心")
    return [f"{short}；为满足规则补充了 {items}。它们不对应场景中的具体需求，可换成本企业采用的行业、团体或企业标准。"]


def _filler_pool(ctx: Context, analysis: ScenarioAnalysis, members: dict[str, Member], ranks: dict[str, int]):
    """Fillers, most related first: foundational entries accompanying the named needs, companions of members,
    foundational entries of the direction's needs, the direction's national entries closest to the scenario,
    the plan's examples."""
    root, catalog = ctx.settings.corpus_dir, ctx.corpus.catalog
    direction = next(d for d in ctx.corpus.plan.directions if d.id == analysis.direction)
    vocab = load_vocabulary(root)
    named = {n.need_id for n in analysis.needs}
    own = {nid for nid, need in vocab.needs.items() if direction.id in need.directions}
    for std in catalog.standards:
        if named & set(applicability(root, std).accompanies):
            yield std, "基础标准，配合场景中的需求使用"
    for m in list(members.values()):
        for number in m.cand.info.companions:
            if catalog.get(number) is not None:
                yield catalog.get(number), f"与 {m.number} 配套使用"
    for std in catalog.standards:
        if own & set(applicability(root, std).accompanies):
            yield std, f"“{direction.name}”的基础标准"
    # Closest to the scenario's own text first: a plan example of another scene (定制 for a remote-service
    # plant) relates to the direction, not to this scenario.
    for std in sorted((s for s in catalog.standards if direction.name in s.directions and s.level == "national"),
                      key=lambda s: (ranks.get(s.number, len(ranks)), not s.in_plan, s.number)):
        yield std, f"服务“{direction.name}”的国家标准"
    for number in direction.example_standards:
        if catalog.get(number) is not None:
            yield catalog.get(number), f"方案为“{direction.name}”列举的示例标准"


def _cut(members: list[Member], maximum: int, notes: list[str]) -> list[Member]:
    """At most the plan's maximum: the first entry of each need before second entries and companions."""
    if len(members) <= maximum:
        return members
    # (an entry the applicant names is kept first; it may serve no need the vocabulary reads)
    keep: list[Member] = [m for m in members if m.why == NAMED][:maximum]
    first = {m.need_ids[0] for m in members if m.role == "need" and m.need_ids}
    for m in members:
        if m.role == "need" and m.need_ids and m.need_ids[0] in first and len(keep) < maximum and m not in keep:
            first.discard(m.need_ids[0])
            keep.append(m)
    for m in members:
        if m not in keep and len(keep) < maximum:
            keep.append(m)
    dropped = [m.number for m in members if m not in keep]
    notes.append(f"场景需求多，按方案上限 {maximum} 项保留每项需求的首选标准，未列入：{'、'.join(dropped)}。")
    return [m for m in members if m in keep]


def _core(members: list[Member], analysis: ScenarioAnalysis, cands: Candidates, ctx: Context) -> set[str]:
    """The plan's example standards serving a named need; else the best national entry of the principal need."""
    core = [m.number for m in members if m.cand.example and m.role != "filler" and m.cand.std.level == "national"]
    if core:
        return set(core[:MAX_CORE])
    principal = principal_need(analysis, cands, ctx)
    nationals = [m for m in members if m.cand.std.level == "national"]
    best = next((m for m in nationals if principal in m.need_ids and m.role == "need"), None)
    best = best or next((m for m in nationals if m.role != "filler"), None) or (nationals or [None])[0]
    return {best.number} if best else set()
