"""What the offline composer writes from: the scenario's scenes and needs, and which standard serves which.

The suggest step owns scenario analysis (`assistant.suggest.analyse_scenario`, `Suggestion.coverage`) and the
needs vocabulary's one phrase matcher (`find_phrases`); this module reads both, so a draft names a need exactly
when suggest does, and per clause with the same matcher.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.clauses import LIST_MARK
from assistant.context import Context
from assistant.draft.result import GroupRow
from assistant.draft.scenes import split_scenes
from assistant.suggest import Suggestion, analyse_scenario
from assistant.suggest.needs import Vocabulary, find_phrases, load_vocabulary

# Who the applicant is, in formal third person (no pasted first-person text in a draft).
SUBJECT = {"manufacturer": "该企业", "provider": "该单位", "consultant": "该单位", "platform": "该平台运营单位"}
_FIRST_PERSON = re.compile(r"我们公司|我们|我司|我公司|我厂|我单位|本公司|本单位|本企业|本厂|^(?:公司|企业|单位)(?=[^\u4e00-\u9fff]|[是为有将拟计])")
_LEAD = re.compile(r"^(?:并且|并|同时|另外|此外|以及|还要|再就是|还有|再者|还|[一二三四五六七八九十]是|第[一二三四五六七八九十](?:是|，)?|其[一二三四五六七八九十]，?)")
_INTENT = re.compile(r"^(?:(?:这次|本次|此次|本期|今年|明年|下一步|本项目|项目)(?:还|也|就)?)?(?:计划|拟|想要|想|准备|打算|希望|要(?!求)|将|需要)")
# 本次为…几家注塑厂…: the pilot's own time word before the clause; "该单位拟本次为…" would say it twice.
_WHEN = re.compile(r"^(?:这次|本次|此次|本期)(?:试点|项目)?(?:中|内)?[，,]?(?=.{6})")
CN_NUM = "一二三四五六七八九十"


@dataclass(frozen=True)
class Need:
    need_id: str
    name: str
    phrase: str  # as written in the scenario
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class PlannedScene:
    number: int
    text: str  # the scenario's clause in formal third person, without the applicant as subject
    need_ids: tuple[str, ...]
    title: str | None = None  # the applicant's own name for the item (硫化车间, 拉晶环节)

    @property
    def label(self) -> str:
        return f"场景{CN_NUM[self.number - 1] if self.number <= 10 else self.number}"


@dataclass
class StandardUse:
    number: str
    title: str
    role: str  # 核心 | 配套
    scenes: list[PlannedScene]
    needs: list[Need]
    scope: str


@dataclass
class DraftBasis:
    """One typed analysis of the scenario and group, passed to every section template."""

    subject: str
    role: str
    industry: str | None
    goal: str | None  # an umbrella clause that introduces the scenes ("计划建设智能工厂：")
    background: list[str]  # clauses with no need: the applicant's situation, third person
    scenes: list[PlannedScene]
    needs: list[Need]
    uses: list[StandardUse]
    uncovered: list[Need] = field(default_factory=list)
    industry_terms: list[str] = field(default_factory=list)  # the analysis' industry and technology words
    places: list[str] = field(default_factory=list)  # the analysis' regions (for local standards)
    industry_text: str = ""  # where a public case's industry words are looked for (see _industry_text)


def draft_basis(ctx: Context, scenario: str, group: Suggestion, rows: list[GroupRow]) -> DraftBasis:
    """The scenes, needs and per-standard uses of one draft (from suggest's analysis when it has one)."""
    root = Path(ctx.settings.corpus_dir)
    vocab = load_vocabulary(root)
    analysis = analyse_scenario(ctx, scenario)
    role = analysis.role if analysis.role != "unknown" else _role(scenario)
    subject = SUBJECT.get(role, "申报单位")
    goal, background, scenes, needs = _split(scenario, vocab, subject, analysis, root)
    covered = _coverage(ctx, group, rows, needs, root)
    uses = [_use(ctx, r, scenes, needs, covered) for r in rows]
    uncovered = [n for n in needs if not covered.get(n.need_id)]
    return DraftBasis(subject, role, analysis.industry, goal, background, scenes, needs, uses, uncovered,
                      list(analysis.industry_terms), list(analysis.places),
                      _industry_text(ctx, scenario, analysis.industry, role))


def third_person(clause: str, subject: str) -> str:
    """A scenario clause as the draft states it: no 我们/我司/公司计划, no leading connective."""
    text = _LEAD.sub("", LIST_MARK.sub("", clause.strip(" ，,：:；;")))
    text = _FIRST_PERSON.sub(subject, text)
    text = re.sub(rf"^{subject}(?:是|为)?", "", text) if text.startswith(subject) and len(text) > 8 else text
    return _WHEN.sub("", _INTENT.sub("", text)).strip(" ，,")


# ---- analysis: suggest's, with its needs vocabulary and phrase matcher -----------------------------------


def _needs_in(clause: str, corpus_dir: Path) -> list[tuple[str, str]]:
    """(need id, phrase) named in a clause, first phrase per need, by suggest's matcher (phrases and pairs)."""
    found: dict[str, str] = {}
    for hit in find_phrases(load_vocabulary(corpus_dir), clause):
        found.setdefault(hit.need_id, hit.phrase)
    return list(found.items())


def _split(scenario: str, vocab: Vocabulary, subject: str, analysis, corpus_root: Path) -> tuple:
    """Goal, background and numbered scenes (assistant/draft/scenes.py); needs in scenario order."""
    split = split_scenes(scenario, lambda clause: _needs_in(clause, corpus_root), corpus_root)
    goal = third_person(split.goal, subject) if split.goal else None
    background = [t for t in (third_person(c, subject) for c in split.background) if t]
    scenes = [PlannedScene(i + 1, "，".join(third_person(c, subject) for c in g.clauses), g.need_ids,
                           third_person(g.title, subject) if g.title else None)
              for i, g in enumerate(split.scenes)]
    found = [(c.text, c.needs if c.stance in ("committed", "weak") or c.heading else []) for c in split.clauses]
    return goal, background, scenes, _needs_of(analysis, found, vocab)


def _needs_of(analysis, found, vocab) -> list[Need]:
    hits = [(h.need_id, h.phrase) for h in analysis.needs] or [h for _, hs in found for h in hs]
    out, seen = [], set()
    for need_id, phrase in hits:
        if need_id in seen or need_id not in vocab.needs:
            continue
        seen.add(need_id)
        out.append(Need(need_id, vocab.needs[need_id].name, phrase, vocab.needs[need_id].indicators))
    return out


def _role(scenario: str) -> str:
    if re.search(r"咨询|诊断服务", scenario):
        return "consultant"
    if re.search(r"集成商|系统集成服务|解决方案提供商|服务商", scenario):
        return "provider"
    if re.search(r"平台运营|运营.{0,8}平台|为.{0,12}家.{0,8}提供", scenario):
        return "platform"
    return "manufacturer"


# ---- coverage: which group member serves which need ----------------------------------------------------


def _coverage(ctx: Context, group: Suggestion, rows: list[GroupRow], needs: list[Need],
              corpus_dir: Path) -> dict[str, list[str]]:
    """need id → numbers of the group that serve it (suggest's coverage map when present)."""
    listed = getattr(group, "coverage", None)
    if listed:
        return {_get(c, "need_id"): list(_get(c, "standards") or []) for c in listed if not _get(c, "uncovered")}
    out: dict[str, list[str]] = {}
    for row in rows:
        served = _served(ctx, row, corpus_dir)
        for need in needs:
            if need.need_id in served:
                out.setdefault(need.need_id, []).append(row.number)
    return out


def _get(item, key: str):
    return item.get(key) if isinstance(item, dict) else getattr(item, key, None)


def _served(ctx: Context, row: GroupRow, corpus_dir: Path) -> set[str]:
    """Need ids a standard serves: the catalog's `needs` field, else its title and keywords against the phrases."""
    entry = ctx.corpus.catalog.get(row.number)
    declared = getattr(entry, "needs", None) if entry is not None else None
    if declared:
        return set(declared)
    words = " ".join([row.title] + (list(entry.keywords) if entry is not None else []))
    return {need_id for need_id, _ in _needs_in(words, corpus_dir)}


def _use(ctx: Context, row: GroupRow, scenes: list[PlannedScene], needs: list[Need],
         covered: dict[str, list[str]]) -> StandardUse:
    mine = [n for n in needs if row.number in covered.get(n.need_id, [])]
    ids = {n.need_id for n in mine}
    entry = ctx.corpus.catalog.get(row.number)
    scope = (getattr(entry, "scope", "") or "").strip() if entry is not None else ""
    return StandardUse(row.number, row.title, row.role, [s for s in scenes if ids & set(s.need_ids)], mine, scope)


# ---- references: public cases that belong -------------------------------------------------------------

_INDUSTRY_SPLIT = re.compile(r"[（）()、，,；;/\s]+|行业|服务对象为|企业")


def industry_terms(industry: str) -> list[str]:
    """The words of a case's industry that a scenario would use ("陶瓷（建材）" → 陶瓷, 建材)."""
    return [t for t in _INDUSTRY_SPLIT.split(industry or "") if len(t) >= 2 and t != "跨行业"]


def _industry_text(ctx: Context, scenario: str, industry: str | None, role: str = "unknown") -> str:
    """Where a case's industry words are looked for: the sentence where the applicant says who it is (the first),
    its industry false friends (汽车衡) blanked, and the analysis' industry. Not the whole text: a tractor maker's
    发动机转速 (engine speed) does not make it an engine maker."""
    from assistant.suggest.scenario import _blank, _settled_spans, load_hints, without_false_friends

    # (what the sentence puts out of scope, 二期再推广到发动机分装线, names no industry of the applicant's)
    plain = _blank(scenario, _settled_spans(scenario, ctx.settings.corpus_dir))
    first = re.split(r"[。！？!?\n]", plain.strip(), maxsplit=1)[0]
    return f"{without_false_friends(load_hints(ctx.settings.corpus_dir), first, role)} {industry or ''}"


def same_industry(case, text: str) -> bool:
    return any(t in text for t in industry_terms(case.industry))


def relevant_cases(ctx: Context, basis: DraftBasis) -> list[dict]:
    """Public cases of the applicant's industry, each with why it is cited. Invented illustrations
    (kind: example) are never references; another industry's case is not one either."""
    text = basis.industry_text
    out = []
    for case in ctx.corpus.cases:
        if case.kind != "public" or not same_industry(case, text):
            continue
        terms = [t for t in industry_terms(case.industry) if t in text]
        out.append({"title": case.title, "company": case.company, "batch": case.batch or "",
                    "source": f"cases/{case.id}.yaml", "why": f"同属{'、'.join(terms)}行业（{case.direction}）"})
    return out


def case_allowed(ctx: Context, source: str, basis: DraftBasis, location: str = "") -> bool:
    """May a retrieved passage from this source be quoted? Cases only when public and of the same industry;
    a catalog entry restricted to industries or technologies only when the scenario names one (as in suggest), and
    never a replaced or abolished edition, nor a plan number since published (20202868—T—339 → GB/T 43553.1): a plan
    is written against the edition in force, as its group is."""
    if source == "standards/catalog.yaml":
        from assistant.suggest.candidates import fits_scenario

        entry = ctx.corpus.catalog.get(location) if location else None
        return entry is None or (entry.status in ("published", "plan") and not entry.replaced_by
                                 and fits_scenario(entry, basis.industry_terms, basis.places))
    if not source.startswith("cases/"):
        return True
    case_id = source.removeprefix("cases/").removesuffix(".yaml")
    case = next((c for c in ctx.corpus.cases if c.id == case_id), None)
    return (case is not None and case.kind == "public"
            and same_industry(case, basis.industry_text))


def basis_vars(basis: DraftBasis, references: list[dict]) -> dict:
    """The basis as plain template data."""
    names = {n.need_id: n.name for n in basis.needs}
    scenes = [{"label": s.label, "number": s.number, "text": s.text, "title": s.title or "",
               "needs": [names[i] for i in s.need_ids if i in names]} for s in basis.scenes]  # never a bare id
    uses = [{"number": u.number, "title": u.title, "role": u.role, "scope": u.scope,
             "scenes": [s.label for s in u.scenes], "scene_texts": [s.text for s in u.scenes],
             "needs": [n.name for n in u.needs]} for u in basis.uses]
    indicators = [{"need": n.name, "indicators": list(n.indicators)} for n in basis.needs if n.indicators]
    return {"subject": basis.subject, "role": basis.role, "goal": basis.goal or "", "background": basis.background,
            "scenes": scenes, "uses": uses, "indicators": indicators,
            "indicator_names": [i for n in basis.needs for i in n.indicators],
            "uncovered": [n.name for n in basis.uncovered], "references": references,
            "scene_labels": "、".join(s["label"] for s in scenes)}
