"""What the offline composer writes from: the scenario's scenes and needs, and which standard serves which.

The suggest step owns scenario analysis (`assistant.suggest.analyse_scenario`, `Suggestion.coverage`). This
module is the one adapter to it: when suggest does not (yet) provide them, an equivalent analysis is made here
from corpus/needs.yaml, so a change of suggest's interface is a change in this file only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from assistant.context import Context
from assistant.draft.result import GroupRow
from assistant.suggest import Suggestion
from assistant.yamlio import load_yaml

# Who the applicant is, in formal third person (no pasted first-person text in a draft).
SUBJECT = {"manufacturer": "该企业", "provider": "该单位", "consultant": "该单位", "platform": "该平台运营单位"}
_FIRST_PERSON = re.compile(r"我们公司|我们|我司|我公司|我厂|我单位|本公司|本单位|本企业|本厂|^(?:公司|企业|单位)(?=[^\u4e00-\u9fff]|[是为有将拟计])")
# A clause commits the applicant to something when it has one of these verbs; a clause naming a need without
# one describes the situation (现状: "采购、仓储和配送分属不同系统") and goes to the background.
_COMMIT = re.compile(r"建设|实现|上线|开展|实施|打通|建立|推进|推动|引入|导入|通过|提供|做|完成|统一|部署|改造|形成|搭建|"
                     r"采用|构建|升级|接入|进行|推行|打造|开发|建成|应用|引进|替代|对接|优化")
_LEAD = re.compile(r"^(?:并且|并|同时|另外|此外|以及|还要|还|[一二三四五六七八九十]是|第[一二三四五六七八九十](?:是|，)?|其[一二三四五六七八九十]，?)")
# Verbs of building something (a narrower set than _COMMIT: 做/提供/通过 also describe what a company is or does).
_BUILD = re.compile(r"建设|上线|开展|实施|打通|建立|推进|引入|导入|部署|改造|搭建|构建|升级|接入|推行|打造|开发|建成|引进|对接")
_EXISTING = re.compile(r"已经|已|现有|目前|原有|曾")  # what the applicant has, not what it will do
_LIST_MARK = re.compile(r"^(?:\d{1,2}\s*[.．、)）]\s*|[（(][\d一二三四五六七八九十]{1,2}[）)]\s*|[①②③④⑤⑥⑦⑧⑨⑩]\s*|"
                        r"[•·▪◆●■\-*]\s*)")  # "1. 建设…", "• 建设…"
_INTENT = re.compile(r"^(?:(?:这次|本次|此次|今年|明年|下一步|本项目|项目)(?:还|也|就)?)?(?:计划|拟|想要|想|准备|打算|希望|要|将|需要)")
_CLAUSE = re.compile(r"[^，,。；;：:！？!?\n]+[：:]?")
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


def draft_basis(ctx: Context, scenario: str, group: Suggestion, rows: list[GroupRow]) -> DraftBasis:
    """The scenes, needs and per-standard uses of one draft (from suggest's analysis when it has one)."""
    vocab = _needs_vocabulary(Path(ctx.settings.corpus_dir))
    analysis = _suggest_analysis(ctx, scenario)
    role = getattr(analysis, "role", None) or _role(scenario)
    subject = SUBJECT.get(role, "申报单位")
    goal, background, scenes, needs = _split(scenario, vocab, subject, analysis)
    covered = _coverage(ctx, group, rows, needs, vocab)
    uses = [_use(ctx, r, scenes, needs, covered) for r in rows]
    uncovered = [n for n in needs if not covered.get(n.need_id)]
    industry = getattr(analysis, "industry", None)
    return DraftBasis(subject, role, industry, goal, background, scenes, needs, uses, uncovered,
                      list(getattr(analysis, "industry_terms", []) or []), list(getattr(analysis, "places", []) or []))


def third_person(clause: str, subject: str) -> str:
    """A scenario clause as the draft states it: no 我们/我司/公司计划, no leading connective."""
    text = _LEAD.sub("", _LIST_MARK.sub("", clause.strip(" ，,：:；;")))
    text = _FIRST_PERSON.sub(subject, text)
    text = re.sub(rf"^{subject}(?:是|为)?", "", text) if text.startswith(subject) and len(text) > 8 else text
    return _INTENT.sub("", text).strip(" ，,")


# ---- analysis: suggest's, else the needs vocabulary ----------------------------------------------------


def _suggest_analysis(ctx: Context, scenario: str):
    try:
        from assistant.suggest import analyse_scenario  # type: ignore[attr-defined]
    except ImportError:
        return None
    return analyse_scenario(ctx, scenario)


@lru_cache(maxsize=4)
def _needs_vocabulary(corpus_dir: Path) -> dict[str, dict]:
    path = corpus_dir / "needs.yaml"
    data = load_yaml(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return {n["id"]: n for n in (data or {}).get("needs", [])}


def _needs_in(clause: str, vocab: dict[str, dict]) -> list[tuple[str, str]]:
    """(need id, phrase) named in a clause; a phrase inside a longer matched phrase does not count twice."""
    low = clause.lower()
    found = []
    for need_id, need in vocab.items():
        phrases = sorted(need.get("phrases", []), key=len, reverse=True)
        hit = next((m.group(0) for p in phrases if (m := _phrase_re(p.lower()).search(low))), None)
        if hit:
            found.append((need_id, hit))
    return found


@lru_cache(maxsize=2048)
def _phrase_re(phrase: str) -> re.Pattern:
    """A Chinese phrase of four or more characters also matches with up to two characters inside it
    (能耗监测 in 能耗在线监测, 设备联网 in 设备全面联网)."""
    if len(phrase) >= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in phrase):
        half = len(phrase) // 2
        return re.compile(re.escape(phrase[:half]) + r"[\u4e00-\u9fff]{0,2}" + re.escape(phrase[half:]))
    return re.compile(re.escape(phrase))


def _split(scenario: str, vocab: dict[str, dict], subject: str, analysis) -> tuple:
    """Clauses into goal, background and numbered scenes; needs in scenario order."""
    spans = [(m.start(), m.group()) for m in _CLAUSE.finditer(scenario) if m.group().strip(" ，,：:")]
    # "首先，…；其次，…；最后，…": a bare enumerator marks the next clause as a listed item and is not itself text.
    marked = {i + 1 for i, (_, c) in enumerate(spans) if _BARE_ENUMERATOR.fullmatch(c.strip(" ，,、"))}
    kept = [i for i, (_, c) in enumerate(spans) if not _BARE_ENUMERATOR.fullmatch(c.strip(" ，,、"))]
    listed_at = {j for j, i in enumerate(kept) if i in marked}
    spans = [spans[i] for i in kept]
    clauses = [c for _, c in spans]
    # A clause after a comma is in the same sentence as the one before ("对压接机实施设备联网，采集压接高度数据").
    same_sentence = [at > 0 and scenario[at - 1] in "，,、" for at, _ in spans]
    segment = [at == 0 or scenario[at - 1] in "；;\n。！？!?：:" or bool(_ENUMERATED.match(c)) for at, c in spans]
    sentence = _sentences_of(scenario, spans)
    settled = _settled_clauses(spans, sentence)
    zone = _plan_zone(spans, sentence)
    named = [_needs_in(c, vocab) for c in clauses]
    committed = [bool(_COMMIT.search(c) or _WILL.search(c) or (zone[i] and segment[i])) and not settled[i]
                 and not (zone[i] and segment[i] and not _WILL.search(c) and _EXISTING.search(c))
                 for i, c in enumerate(clauses)]
    found = [(c, hits if committed[i] or c.rstrip().endswith(("：", ":")) else [])
             for i, (c, hits) in enumerate(zip(clauses, named))]
    goal, background, groups = None, [], []
    previous_in_scene, item = False, -1  # item: the number of groups when the last listed item began
    for i, (clause, hits) in enumerate(found):
        later = any(h for _, h in found[i + 1:])
        in_scene = True
        # "一是…；二是…；三是…": the applicant lists its commitments itself; each item is a scene even when
        # it has no verb of ours (三是和供应商共享库存) or no need of the vocabulary.
        listed = ((i in listed_at or bool(_ENUMERATED.match(clause)) or (zone[i] and segment[i]))
                  and not _EXISTING.search(clause) and not settled[i])
        if hits and clause.rstrip().endswith(("：", ":")) and later:
            goal = third_person(clause, subject)
            in_scene = False
        elif listed and not clause.rstrip().endswith(("：", ":")):
            groups.append(([clause], [h[0] for h in named[i]]))
            item = len(groups)
        elif item == len(groups) and previous_in_scene and same_sentence[i] and not settled[i]:
            # The rest of a listed item's sentence is that item (三是…开展机床远程运维服务，提供故障诊断和备件推荐).
            groups[-1][0].append(clause)
            groups[-1][1].extend(h[0] for h in named[i] if h[0] not in groups[-1][1])
        elif not hits:  # nothing the applicant wrote is lost: a clause is a scene's, or background
            adds = _ADDS.match(clause)  # "并对主要客户实现…": a further commitment, not the previous scene's tail
            if groups and not adds and (_continues(clause) or (previous_in_scene and same_sentence[i]
                                                               and not _BUILD.search(clause))):
                groups[-1][0].append(clause)
                # The tail of a scene's sentence may name its need (联网后能主动推送故障预警).
                groups[-1][1].extend(h[0] for h in named[i] if h[0] not in groups[-1][1])
            elif ((_BUILD.search(clause) or _WILL.search(clause) or (adds and "实现" in clause))
                  and not _EXISTING.search(clause) and not settled[i] and not clause.rstrip().endswith(("：", ":"))):
                # Something the applicant will build that no need of the vocabulary names (碳足迹核算, 在线配色):
                # still a scene, shown as one the catalog does not cover, never dropped into the background.
                groups.append(([clause], []))
            else:
                background.append(third_person(clause, subject))
                in_scene = False
        elif groups and set(h[0] for h in hits) & set(groups[-1][1]):
            groups[-1][0].append(clause)
            groups[-1][1].extend(h[0] for h in hits if h[0] not in groups[-1][1])
        else:
            groups.append(([clause], [h[0] for h in hits]))
        previous_in_scene = in_scene
    scenes = [PlannedScene(i + 1, "，".join(third_person(c, subject) for c in cs), tuple(ids))
              for i, (cs, ids) in enumerate(groups)]
    needs = _needs_of(analysis, found, vocab)
    return goal, [b for b in background if b], scenes, needs


_ADDS = re.compile(r"\s*(?:并且?|同时|另外|此外|还将|还要)")
_BARE_ENUMERATOR = re.compile(r"首先|其次|再次|然后|最后|此外|另外|第[一二三四五六七八九十]|其[一二三四五六七八九十]")
_ENUMERATED = re.compile(r"\s*(?:[一二三四五六七八九十]是|第[一二三四五六七八九十](?:是|[，,、])|其[一二三四五六七八九十][，,、]?|"
                         r"\d{1,2}\s*[.．、)）]|[（(][一二三四五六七八九十\d]{1,2}[）)]|[①②③④⑤⑥⑦⑧⑨⑩]|[•·▪◆●■*]|-\s)")
# Intent plus an action: what the applicant will do, in the words people use (想做…, 准备建…, 要上…, 打算改造…).
_WILL = re.compile(r"(?:想|准备|打算|拟|计划|将|力争|争取|(?<![需主重只])要(?!求))(?:[\u4e00-\u9fff]{0,3}?)"
                   r"(?:做|建|上|搞|把|给|对|用|实现|开展|推进|完成|引入|改造|达到|下降|提升|降低|联网|形成|开发|编制|组织)")
# A sentence that puts its subject outside this application (…这次就不动了, …不在本次范围内).
_OUT_OF_SCOPE = re.compile(r"不在(?:本次|这次|此次|申报|试点)?(?:的)?(?:申报)?范围|不动了|(?:这次|本次|此次)就?不动|不纳入|"
                           r"不是(?:这次|本次)?(?:的)?重点|"
                           r"不再(?:改造|建设|重复|投入)|保持不变|维持现状")
# Done already: 2016年就上了ERP, 撮合交易功能去年上线 (a year word before a verb of completion).
_PAST = re.compile(r"(?:建成|上线|上|引入|部署|完成|通过|实施|有)了|(?:去年|前年|上年|此前|早已|已于)[\u4e00-\u9fff\d]{0,6}?"
                   r"(?:上线|建成|投用|投运|投产|完成|部署|实施|引入|建设)|(?:已经|已)(?:建成|上线|部署|实施|完成|引入|投用|投运)")
# Opens the list of what the pilot will do: its segments (after ；, a new line or a bullet) are commitments.
_PLAN_OPEN = re.compile(r"试点期内|试点期间|本次试点|试点工作内容|工作内容|建设内容|重点(?:有|是|工作|任务)|拟开展|主要任务")


def _continues(clause: str) -> bool:
    """A clause that finishes the previous scene's sentence (purpose or effect, or a pronoun for it), not a new
    fact."""
    return bool(re.match(r"\s*(?:以|用于|从而|实现|降低|提高|提升|减少|缩短|解决|这个|这些|这项|此项|它们?|其[^一二三四五六七八九十])",
                         clause))


def _sentences_of(scenario: str, spans: list[tuple[int, str]]) -> list[int]:
    """The sentence number of each clause (a sentence ends at 。！？ or a new line)."""
    out, n = [], 0
    for at, clause in spans:
        out.append(n)
        end = at + len(clause)
        if end < len(scenario) and scenario[end] in "。！？!?\n":
            n += 1
    return out


def _settled_clauses(spans: list[tuple[int, str]], sentence: list[int]) -> list[bool]:
    """Clauses about what exists (2016年就上了ERP) or is out of scope: an out-of-scope clause and the clause of
    its sentence just before it (至于焦化厂的改造，不在本次范围内; 这些都已经有了，这次就不动了)."""
    out = [bool(_PAST.search(c)) and not _WILL.search(c) for _, c in spans]
    for k, (_, clause) in enumerate(spans):
        if _OUT_OF_SCOPE.search(clause):
            out[k] = True
            if k and sentence[k - 1] == sentence[k]:
                out[k - 1] = True
    return out


def _plan_zone(spans: list[tuple[int, str]], sentence: list[int]) -> list[bool]:
    """Clauses inside the list of what the pilot will do: after an opener (试点期内，…; 本次试点工作内容：…) to the
    end of its sentence, or to the end of the text when the opener ends with a colon."""
    out, open_until = [], None  # None: no zone; -1: to the end; n: to the end of sentence n
    for k, (_, clause) in enumerate(spans):
        inside = open_until is not None and (open_until == -1 or sentence[k] <= open_until)
        out.append(inside)
        if _PLAN_OPEN.search(clause) and len(clause) <= 24:
            open_until = -1 if clause.rstrip().endswith(("：", ":")) else sentence[k]
    return out


def _needs_of(analysis, found, vocab) -> list[Need]:
    hits = [(h.need_id, h.phrase) for h in getattr(analysis, "needs", [])] if analysis is not None else []
    hits = hits or [h for _, hs in found for h in hs]
    out, seen = [], set()
    for need_id, phrase in hits:
        if need_id in seen or need_id not in vocab:
            continue
        seen.add(need_id)
        out.append(Need(need_id, vocab[need_id]["name"], phrase, tuple(vocab[need_id].get("indicators", []))))
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
              vocab: dict[str, dict]) -> dict[str, list[str]]:
    """need id → numbers of the group that serve it (suggest's coverage map when present)."""
    listed = getattr(group, "coverage", None)
    if listed:
        return {_get(c, "need_id"): list(_get(c, "standards") or []) for c in listed if not _get(c, "uncovered")}
    out: dict[str, list[str]] = {}
    for row in rows:
        served = _served(ctx, row, vocab)
        for need in needs:
            if need.need_id in served:
                out.setdefault(need.need_id, []).append(row.number)
    return out


def _get(item, key: str):
    return item.get(key) if isinstance(item, dict) else getattr(item, key, None)


def _served(ctx: Context, row: GroupRow, vocab: dict[str, dict]) -> set[str]:
    """Need ids a standard serves: the catalog's `needs` field, else its title and keywords against the phrases."""
    entry = ctx.corpus.catalog.get(row.number)
    declared = getattr(entry, "needs", None) if entry is not None else None
    if declared:
        return set(declared)
    words = " ".join([row.title] + (list(entry.keywords) if entry is not None else []))
    return {need_id for need_id, _ in _needs_in(words, vocab)}


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


def _industry_text(ctx: Context, scenario: str, industry: str | None) -> str:
    """Where a case's industry words are looked for: the scenario, its industry false friends (汽车衡) blanked,
    and the analysis' industry."""
    from assistant.suggest.scenario import load_hints, without_false_friends

    return f"{without_false_friends(load_hints(ctx.settings.corpus_dir), scenario)} {industry or ''}"


def same_industry(case, text: str) -> bool:
    return any(t in text for t in industry_terms(case.industry))


def relevant_cases(ctx: Context, scenario: str, basis: DraftBasis) -> list[dict]:
    """Public cases of the applicant's industry, each with why it is cited. Invented illustrations
    (kind: example) are never references; another industry's case is not one either."""
    text = _industry_text(ctx, scenario, basis.industry)
    out = []
    for case in ctx.corpus.cases:
        if case.kind != "public" or not same_industry(case, text):
            continue
        terms = [t for t in industry_terms(case.industry) if t in text]
        out.append({"title": case.title, "company": case.company, "batch": case.batch or "",
                    "source": f"cases/{case.id}.yaml", "why": f"同属{'、'.join(terms)}行业（{case.direction}）"})
    return out


def case_allowed(ctx: Context, source: str, scenario: str, basis: DraftBasis, location: str = "") -> bool:
    """May a retrieved passage from this source be quoted? Cases only when public and of the same industry;
    a catalog entry restricted to industries or technologies only when the scenario names one (as in suggest)."""
    if source == "standards/catalog.yaml":
        from assistant.suggest.candidates import fits_scenario

        entry = ctx.corpus.catalog.get(location) if location else None
        return entry is None or fits_scenario(entry, basis.industry_terms, basis.places)
    if not source.startswith("cases/"):
        return True
    case_id = source.removeprefix("cases/").removesuffix(".yaml")
    case = next((c for c in ctx.corpus.cases if c.id == case_id), None)
    return (case is not None and case.kind == "public"
            and same_industry(case, _industry_text(ctx, scenario, basis.industry)))


def basis_vars(basis: DraftBasis, references: list[dict]) -> dict:
    """The basis as plain template data."""
    names = {n.need_id: n.name for n in basis.needs}
    scenes = [{"label": s.label, "number": s.number, "text": s.text,
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
