"""Scenario analysis, once: role, industry, products, needs with quoted phrases, scenes, language, direction.

Every later stage (candidates, group, result; draft and review too) reads the ScenarioAnalysis, never the raw
string. Offline and deterministic: the needs vocabulary (corpus/needs.yaml) and the reading aids
(corpus/plan/suggest_hints.yaml) are data; this module only applies them.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from assistant.clauses import BUILD, WILL, read_clauses
from assistant.context import Context
from assistant.corpus import Direction
from assistant.errors import InputError
from assistant.suggest.needs import PhraseHit, Vocabulary, find_phrases, folded, load_vocabulary, needs_of_terms
from assistant.textnorm import to_simplified
from assistant.yamlio import load_yaml

HINTS_FILE = Path("plan") / "suggest_hints.yaml"
_CLAUSE = re.compile(r"[^,.;:!?。！？；，：\n]+")
_CONTENT = re.compile(r"[A-Za-z\u4e00-\u9fff]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_PRODUCTS = re.compile(r"(?:主要|主营)?(?:生产|制造|产品(?:是|为|包括|有)?|主营)[:：]?([^,.;:!?。！？；，：\n]{2,30})")
ROLE_WEIGHT = 0.75  # the applicant's role moves a direction of its plan category by this much (a need votes 1)
KEYWORD_WEIGHT, KEYWORD_CAP = 0.2, 0.6  # a direction's own plan keywords: weak evidence, capped
LONG_CHARS = 3000
TRADITIONAL_NOTE = "场景用繁体字书写：已转为简体后识别需求，下文引用的场景用语为简体。"


@dataclass(frozen=True)
class NeedHit:
    need_id: str
    name: str
    phrase: str  # quoted verbatim from the scenario
    also: tuple[str, ...] = ()  # the need's other phrases in the scenario (they order its candidates)
    parts: tuple[str, ...] = ()  # for a need named by its parts (needs.yaml composed_of): their phrases, verbatim


@dataclass(frozen=True)
class Scene:
    text: str  # a clause of the scenario that commits to needs
    need_ids: tuple[str, ...]


@dataclass
class ScenarioAnalysis:
    text: str
    language: str  # "zh" | "en" | "mixed"
    role: str  # "manufacturer" | "provider" | "consultant" | "platform" | "unknown"
    role_phrase: str | None
    industry: str | None
    products: list[str]
    needs: list[NeedHit]
    scenes: list[Scene]
    direction: str  # direction id from plan.yaml
    direction_reason: str
    notes: list[str] = field(default_factory=list)
    industry_terms: list[str] = field(default_factory=list)  # every industry word named (for restricted entries)
    places: list[str] = field(default_factory=list)  # the local standards' regions it names (江苏, 嘉兴…)
    direction_confidence: float = 0.0  # the winner's share of the direction evidence (not shown as a score)
    direction_keywords: list[str] = field(default_factory=list)  # the direction's plan keywords the text uses
    outside: list[str] = field(default_factory=list)  # sectors outside manufacturing it names (医院, 餐饮)
    set_aside: list[str] = field(default_factory=list)  # needs phrases it says exist already or are out of scope
    set_aside_needs: list[str] = field(default_factory=list)  # the needs of those phrases, named nowhere else
    named_standards: dict[str, str] = field(default_factory=dict)  # catalog number → how the text cites it
    committed_text: str = ""  # the text with what is settled (done, someone else's, out of scope) blanked

    def need(self, need_id: str) -> NeedHit | None:
        return next((n for n in self.needs if n.need_id == need_id), None)

    def to_json(self) -> dict:
        """Plain JSON values (tuples as lists), so that a suggestion survives its own JSON round trip."""
        return json.loads(json.dumps(asdict(self), ensure_ascii=False))


@dataclass(frozen=True)
class Hints:
    english: tuple[tuple[re.Pattern, tuple[str, ...]], ...]
    roles: tuple[tuple[str, str, str, str | None, tuple[re.Pattern, ...]], ...]  # name, label, category, direction
    counterparts: dict[str, dict[str, str]]  # role → {need direction: the direction it counts for}
    negations: tuple[str, ...]
    settled: tuple[str, ...]  # said after a phrase: 数字化车间去年已经建完 / 这次不在申报范围内
    existing: tuple[str, ...]  # 已有机器人: equipment already in place is a fact, not a commitment
    industries: tuple[str, ...]
    industry_false_friends: tuple[str, ...]  # 汽车衡 at a steel plant is a weighbridge, not the car industry
    outside: tuple[str, ...]
    product_leads: re.Pattern | None = None  # 主营…, 主要产品为…, …是我们卖给客户的产品: what a maker sells
    customer_leads: re.Pattern | None = None  # 主要给新能源汽车驱动电机…供货: whom a maker sells to, not its industry
    partners: tuple[str, ...] = ()  # 我们的合作咨询机构: a serving role named right after these is a partner's


def _english_pattern(term: str) -> re.Pattern:
    t = re.escape(term.lower()).replace(r"\ ", r"[\s\-]+")
    if term.endswith("y"):
        return re.compile(rf"(?<![a-z0-9]){t[:-1]}(?:y|ies)(?![a-z0-9])")
    return re.compile(rf"(?<![a-z0-9]){t}(?:s|es)?(?![a-z0-9])")


@lru_cache(maxsize=4)
def load_hints(corpus_root: Path) -> Hints:
    data = load_yaml((Path(corpus_root) / HINTS_FILE).read_text(encoding="utf-8")) or {}
    english = tuple((_english_pattern(str(k)), tuple(str(x) for x in v))
                    for k, v in sorted((data.get("english") or {}).items(), key=lambda kv: -len(str(kv[0]))))
    roles = tuple((name, str(r.get("label", name)), str(r["category"]), r.get("direction"),
                   tuple(re.compile(c) for c in r.get("cues") or [])) for name, r in (data.get("roles") or {}).items())
    industries = tuple(sorted((str(i) for i in data.get("industries") or []), key=len, reverse=True))
    return Hints(english, roles, data.get("counterparts") or {}, tuple(data.get("negations") or []),
                 tuple(data.get("settled_after") or []),
                 tuple(data.get("existing") or []), industries,
                 tuple(sorted((str(w) for w in data.get("industry_false_friends") or []), key=len, reverse=True)),
                 tuple(str(o) for o in data.get("outside") or []),
                 re.compile("|".join(data["product_leads"])) if data.get("product_leads") else None,
                 re.compile("|".join(data["customer_leads"])) if data.get("customer_leads") else None,
                 tuple(str(p) for p in data.get("partner_leads") or []))


# ---- the analysis ----------------------------------------------------------------------------------------


def analyse_scenario(ctx: Context, text: str) -> ScenarioAnalysis:
    """Read the scenario once into the typed analysis; an empty or content-free text is an InputError."""
    text = (text or "").strip()
    if not text:
        raise InputError("场景描述为空：请写明企业、行业和要开展的标准应用场景")
    if not _CONTENT.search(text):
        raise InputError("场景描述里没有文字，只有符号或数字")
    text, traditional = to_simplified(text)  # the needs, cues and catalog are in the simplified script
    root = ctx.settings.corpus_dir
    vocab, hints = load_vocabulary(root), load_hints(root)
    settled = _settled_spans(text, root)
    role, role_phrase = _role(hints, text)
    # 本次申报系统集成服务类试点 names a direction, not the need 系统集成: direction names are read as such only.
    named = [d for d in ctx.corpus.plan.directions if d.name in text]
    plain = _blank(text, [(m.start(), m.end()) for d in named for m in re.finditer(re.escape(d.name), text)])
    products = _product_spans(hints, text, role)
    hits, aside = _need_hits(vocab, hints, plain, settled + products)
    # A robot maker's 已售机器人 and 机器人远程运维平台 name its product again: the word it sells is no need anywhere.
    sold = {(h.need_id, h.phrase) for h in find_phrases(vocab, text) if any(a <= h.start < b for a, b in products)}
    hits = [h for h in hits if not any(n == h.need_id and (h.phrase in p or p in h.phrase) for n, p in sold)]
    needs = _distinct_needs(vocab, hits)
    # An industry or technology named only where the text says it is done or out of scope (去年已通过绿色工厂评价，
    # 本次不再涉及) does not open the entries restricted to it.
    industry_terms = _industry_terms(ctx, hints, _blank(text, settled), role)
    directions = {d.id: d for d in ctx.corpus.plan.directions}
    keywords = _direction_keywords(ctx, vocab, text)
    direction, reason, confidence = _direction(ctx, hints, vocab, needs, role, role_phrase, keywords,
                                               named[0] if len(named) == 1 else _theme_named(ctx, vocab, text), text)
    needs += _composed(vocab, needs, direction.id)
    analysis = ScenarioAnalysis(
        text=text, language=_language(text), role=role, role_phrase=role_phrase,
        industry=next((t for t in industry_terms if t in hints.industries), industry_terms[0] if industry_terms else None),
        products=_products(text), needs=needs, scenes=_scenes(text, hits), direction=direction.id,
        direction_reason=reason, industry_terms=industry_terms, direction_confidence=confidence,
        direction_keywords=keywords.get(direction.id, []),
        places=sorted({r for s in ctx.corpus.catalog.standards for r in s.regions if r in text}),
        set_aside=list(dict.fromkeys(h.phrase for h in aside if all(h.phrase != n.phrase and h.phrase not in n.also
                                                                     for n in needs))),
        set_aside_needs=list(dict.fromkeys(h.need_id for h in aside if all(h.need_id != n.need_id for n in needs))),
        named_standards=_named_standards(ctx, _blank(text, settled)), committed_text=_blank(text, settled + products))
    analysis.notes += _notes(analysis, directions)
    if traditional:
        analysis.notes.append(TRADITIONAL_NOTE)
    # (a sector named only where the text puts it out, 供应链金融由合作银行负责，不属于本次试点, is not the applicant's)
    analysis.outside = _outside(hints, _blank(text, settled), industry_terms)
    return analysis


def _product_spans(hints: Hints, text: str, role: str) -> list[tuple[int, int]]:
    """Clauses where a manufacturer says what it sells (主营储能变流器和能源管理系统（EMS）软件; 主要产品为工业机器人):
    its products, not its needs. A provider's product is its pilot (供给能力提升), so a serving role's are not read so."""
    if role in SERVING or hints.product_leads is None:
        return []
    return [(m.start(), m.end()) for m in _CLAUSE.finditer(text) if hints.product_leads.search(m.group(0))]


_MAKING = re.compile(r"生产|制造|加工|工厂|厂|产线|产品|零部件|装备|材料")  # not 车间: a dealer has 维修车间


def _outside(hints: Hints, text: str, industry_terms: list[str]) -> list[str]:
    """Sectors outside manufacturing the applicant belongs to: named anywhere when no industry is named, or named
    where the applicant says who it is (the first sentence: 我院是一家三级甲等综合医院) with no making there; the
    hospital's 医疗设备 later on are what it uses, and a car dealer's 汽车 what it sells, not what it makes."""
    first = re.split(r"[。！？!?\n]", text.strip(), maxsplit=1)[0]
    named = [o for o in hints.outside if o in text]
    if not industry_terms:
        return named
    if _MAKING.search(first):
        return []
    return [o for o in named if o in first]


# 我想申报个性化定制那个试点, 拟申报远程运维方向: the pilot named by its theme rather than by its plan name.
_THEME = re.compile(r"(?:申报|想报|要报|准备报|打算报|拟报)(?P<what>[^，,。；;！？!?\n\s]{2,16}?)(?:那个|这个|那一|这一|的)?"
                    r"(?:试点|方向|类别|类)")


def _theme_named(ctx: Context, vocab: Vocabulary, text: str) -> Direction | None:
    """The direction a pilot named by a need's phrase belongs to (the need's home direction), if exactly one."""
    homes = {vocab.needs[h.need_id].directions[0] for m in _THEME.finditer(text)
             for h in find_phrases(vocab, m.group("what")) if vocab.needs[h.need_id].directions}
    if len(homes) != 1:
        return None
    home = homes.pop()
    return next((d for d in ctx.corpus.plan.directions if d.id == home), None)


def _language(text: str) -> str:
    cjk, latin = len(_CJK.findall(text)), sum(len(w) for w in _LATIN_WORD.findall(text))
    if cjk and latin > cjk:
        return "mixed"
    return "zh" if cjk else "en"


def _negated(text: str, hit: PhraseHit, negations: tuple[str, ...]) -> bool:
    start = max(text.rfind(ch, 0, hit.start) for ch in ",.;:!?。！？；，：\n") + 1
    return any(n in text[start:hit.start] for n in negations)


SETTLED_GAP = 16  # 数字化车间去年已经建完，这次不在申报范围内: the cue may follow in the same sentence


def _settled(text: str, hit: PhraseHit, cues: tuple[str, ...], others: list[PhraseHit]) -> bool:
    """The sentence goes on to say the phrase's thing exists already or is outside this application. A cue
    after another need phrase is that one's (要上线MES，暂不考虑能源管理: the MES stays)."""
    end = min((i for i in (text.find(ch, hit.end) for ch in "。！？；;!?\n") if i >= 0), default=len(text))
    after = text[hit.end:min(end, hit.end + SETTLED_GAP + 8)]
    for cue in cues:
        at = after.find(cue)
        governed = hit.end + at + len(cue)  # a need phrase right after the cue is what the cue is about
        if 0 <= at <= SETTLED_GAP and not any(hit.end <= o.start < governed + 2 for o in others if o is not hit):
            return True
    return False


EXISTING_GAP = 6  # 已有20台机器人: at most this many characters between the cue and the phrase it describes


def _existing(text: str, hit: PhraseHit, cues: tuple[str, ...]) -> bool:
    """The phrase names what the applicant already has (现有的MES, 已有机器人), not what it plans to do."""
    before = text[max(0, hit.start - EXISTING_GAP - 4):hit.start]
    for cue in cues:
        at = before.rfind(cue)
        gap = before[at + len(cue):] if at >= 0 else ""
        if at >= 0 and len(gap) <= EXISTING_GAP and not any(ch in gap for ch in ",.;:!?。！？；，：、\n"):
            return True
    return False


_COORDINATED = re.compile(r"\s*(?:和|及|与|、|以及)\s*")


def _heads(vocab: Vocabulary, hits: list[PhraseHit]) -> list[PhraseHit]:
    """Drop a phrase that only qualifies the next one (焊接机器人设备联网: the robots are what gets networked; in a
    Chinese noun compound the last noun is the head, so the need is 设备联网, not 机器人). Not before an
    activity on a thing (车间级数字化改造规划): what it plans is what the pilot will build; nor when it is the way the
    next one is done (机器视觉在线检测: the vision system is what gets built; needs.yaml `means_of`)."""
    return [h for h, nxt in zip(hits, [*hits[1:], None])
            if nxt is None or nxt.start != h.end or nxt.need_id == h.need_id or vocab.needs[nxt.need_id].takes_object
            or nxt.need_id in vocab.needs[h.need_id].means_of]


def _settled_spans(text: str, corpus_root: Path) -> list[tuple[int, int]]:
    """The clauses the scene reader finds settled: done already, someone else's, out of this application."""
    clauses = read_clauses(text, lambda _: [], corpus_root)
    return [(c.start, c.end) for c in clauses if c.stance == "settled"]


NAMED_TITLE_CHARS = 8  # 数字孪生通用要求: a shorter title (智能工厂) is a topic, not the name of a standard


def _named_standards(ctx: Context, text: str) -> dict[str, str]:
    """Catalog entries the applicant cites by number (依据GB/T 42405.1) or by title (按智能制造单元成熟度评估方法,
    依据北京市中成药智能制造技术规范), outside what it says is done or out of scope."""
    from assistant.standards import find_numbers
    from assistant.suggest.candidates import _pieces, _squeeze, title_forms

    cited = {n.key: text[a:b] for n, a, b in find_numbers(text)}
    # 的 comes and goes in how people say a title (企业的应用水平与绩效评价): compare without it, quote the original
    kept = [i for i, ch in enumerate(text) if ch != "的"]
    low = "".join(text[i] for i in kept).lower()
    out: dict[str, str] = {}
    for std in ctx.corpus.catalog.standards:
        key = std.number.split("—")[0]
        forms = [t.replace("的", "") for t in title_forms(std)] + [_squeeze(p).replace("的", "")
                                                                  for p in _pieces(std.title)[1:]]
        titled = next((t for t in forms if len(t) >= NAMED_TITLE_CHARS and t in low), None)
        if key in cited or titled:
            at = low.find(titled) if titled else -1
            out[std.number] = cited.get(key) or text[kept[at]:kept[at + len(titled) - 1] + 1]
    return out


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    for a, b in spans:
        text = text[:a] + " " * (b - a) + text[b:]
    return text


def _need_hits(vocab: Vocabulary, hints: Hints, text: str,
               settled: list[tuple[int, int]]) -> tuple[list[PhraseHit], list[PhraseHit]]:
    """The needs phrases the text commits to, plus English words whose Chinese terms are needs phrases; and the
    phrases it sets aside (exist already, negated, out of scope)."""
    found = _heads(vocab, find_phrases(vocab, text))
    existing: list[PhraseHit] = []
    for h in found:  # 已经建了工业互联网平台和数据中台: what follows an existing thing after 和/及/、 exists too
        if _existing(text, h, hints.existing) or (existing and _COORDINATED.fullmatch(text[existing[-1].end:h.start])):
            existing.append(h)
    hits = [h for h in found if not _negated(text, h, hints.negations) and h not in existing
            and not _settled(text, h, hints.settled, found)
            and not any(a <= h.start < b for a, b in settled)]
    # A system said to exist (ERP、MES…都已上线) and named again later in a sentence that builds nothing (物料在PLM、ERP、
    # MES里编码不一致) is still the existing one: the later mention is where a problem sits, not a new commitment.
    done_at = {}
    for h in found:
        if h not in hits:
            done_at.setdefault(h.phrase, h.start)
    hits = [h for h in hits if not (h.phrase in done_at and done_at[h.phrase] < h.start
                                    and not (WILL.search(sentence := _sentence_at(text, h.start))
                                             or BUILD.search(sentence)))]
    taken = [(h.start, h.end) for h in found]  # a phrase set aside (existing, negated) is not read again in English
    low = folded(text)
    for pattern, terms in hints.english:
        for m in pattern.finditer(low):
            # (English words, like Chinese phrases, name no need where the text is settled or names a product)
            if any(a < m.end() and m.start() < b for a, b in taken) or any(a <= m.start() < b for a, b in settled):
                continue
            # (…and, like them, not where the clause denies it: 我们不做3D printing)
            if _negated(low, PhraseHit("", "", m.start(), m.end()), hints.negations):
                continue
            for need_id in needs_of_terms(vocab, list(terms)):
                hits.append(PhraseHit(need_id, text[m.start():m.end()], m.start(), m.end()))
                taken.append((m.start(), m.end()))
    aside = [h for h in found if h not in hits]  # (an absorbed step is neither a need nor set aside)
    return sorted(_unabsorbed(vocab, text, hits), key=lambda h: h.start), aside


def _unabsorbed(vocab: Vocabulary, text: str, hits: list[PhraseHit]) -> list[PhraseHit]:
    """Drop a phrase that, in a sentence naming a need that absorbs it (needs.yaml `absorbs`), is that need's own
    step (排产 beside 个性化定制); the need it would bring stays if the text names it elsewhere."""
    def absorbed(h: PhraseHit) -> bool:
        sentence = _sentence_at(text, h.start)
        return any(o.need_id != h.need_id and h.phrase.lower() in vocab.needs[o.need_id].absorbs
                   and o.phrase in sentence for o in hits)
    return [h for h in hits if not absorbed(h)]


_SENTENCE_END = re.compile(r"[。；;！？!?\n]")


def _sentence_at(text: str, at: int) -> str:
    """The sentence (or ；-segment) around a position."""
    start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, at)), default=0)
    end = next((m.start() for m in _SENTENCE_END.finditer(text, at)), len(text))
    return text[start:end]


def _distinct_needs(vocab: Vocabulary, hits: list[PhraseHit]) -> list[NeedHit]:
    """One NeedHit per need, in order of first mention, quoting its first (longest at that place) phrase."""
    phrases: dict[str, list[str]] = {}
    for h in hits:
        if h.phrase not in phrases.setdefault(h.need_id, []):
            phrases[h.need_id].append(h.phrase)
    return [NeedHit(nid, vocab.needs[nid].name, ps[0], tuple(ps[1:])) for nid, ps in phrases.items()]


def _composed(vocab: Vocabulary, needs: list[NeedHit], direction: str) -> list[NeedHit]:
    """Needs the scenario names by their parts (needs.yaml `composed_of`), in a pilot of the need's own direction:
    MES and equipment networking in a smart-factory pilot build a digital workshop; in a supply-chain pilot, or
    sold as a platform's SaaS, they do not."""
    have = {n.need_id: n for n in needs}
    out = []
    for need in vocab.needs.values():
        parts = [have[p] for p in need.composed_of if p in have]
        if (need.id not in have and need.composed_at_least and len(parts) >= need.composed_at_least
                and all(w in have for w in need.composed_with) and direction in need.directions):
            out.append(NeedHit(need.id, need.name, parts[0].phrase, (), tuple(p.phrase for p in parts)))
    return out


def _scenes(text: str, hits: list[PhraseHit]) -> list[Scene]:
    scenes = []
    for m in _CLAUSE.finditer(text):
        ids = tuple(dict.fromkeys(h.need_id for h in hits if m.start() <= h.start < m.end()))
        if ids:
            scenes.append(Scene(m.group(0).strip(), ids))
    return scenes


SERVING = ("consultant", "platform", "provider")  # most specific first


def _role(hints: Hints, text: str) -> tuple[str, str | None]:
    """The applicant's role from its cues; a serving role's cue silences own-operations cues in that clause.

    Between a manufacturer and a serving role, the one introduced first is the applicant (a shipyard working
    with a design institute is the shipyard); among serving roles the most specific wins.
    """
    low = folded(text)
    found: dict[str, list[tuple[int, str]]] = {}
    for clause in _CLAUSE.finditer(low):
        here = {name: [(clause.start() + m.start(), m.group(0)) for p in cues for m in [p.search(clause.group(0))] if m
                       and not (name in SERVING and _partner(hints, clause.group(0)[:m.start()]))]
                for name, _, _, _, cues in hints.roles}
        serving_at = min((c[0] for k in SERVING for c in here.get(k, [])), default=None)
        if serving_at is not None:  # 帮中小企业摸清自己的水平: the own-operations words after it are the client's
            here["manufacturer"] = [c for c in here.get("manufacturer", []) if c[0] < serving_at]
        for name, cues in here.items():
            found.setdefault(name, []).extend(cues)
    serving = next((r for r in SERVING if found.get(r)), None)
    first = {name: min(cues) for name, cues in found.items() if cues}
    if serving and "manufacturer" in first:
        earliest_serving = min(first[r] for r in SERVING if r in first)
        role = "manufacturer" if first["manufacturer"] < earliest_serving else serving
    else:
        role = serving or ("manufacturer" if "manufacturer" in first else None)
    if role is None:
        return "unknown", None
    start, cue = max(found[role], key=lambda c: len(c[1]))
    return role, text[start:start + len(cue)]


def _partner(hints: Hints, before: str) -> bool:
    """A serving role named as a partner (由我们的合作咨询机构做, 委托第三方评估机构): not the applicant."""
    return any(p in before[-8:] for p in hints.partners)


def without_false_friends(hints: Hints, text: str, role: str = "unknown") -> str:
    """The text with words that only contain an industry's name (汽车衡, 汽车吊) blanked, same length, and the
    customers a manufacturer names (主要给新能源汽车驱动电机、风电…): their industry is not the applicant's. (A
    provider's customers, 主要给复合肥厂做改造, are the plants its pilot serves: their industry is the one.)"""
    for word in hints.industry_false_friends:
        text = text.replace(word, "＿" * len(word))
    if hints.customer_leads is not None and role == "manufacturer":
        text = hints.customer_leads.sub(lambda m: "＿" * len(m.group(0)), text)
    return text


def _industry_terms(ctx: Context, hints: Hints, text: str, role: str = "unknown") -> list[str]:
    """Industry words the text names: the hints' industries and every restricted catalog entry's industries.
    The applicant's own industry is usually named first (我们是一家钢铁联合企业…汽车衡): earliest first."""
    from assistant.tokenize import tokenize_query

    text = without_false_friends(hints, text, role)
    terms = list(hints.industries)
    for s in ctx.corpus.catalog.standards:
        terms += [t for t in s.industries if t not in terms]
    low, tokens = folded(text), set(tokenize_query(text, ctx.settings.data_dir / "cache"))
    # A term of one or two characters must begin a word: 增材 in 增材制造, but not 化工 inside 固化工序, 船 in 船舶.
    found = [t for t in sorted(terms, key=len, reverse=True)
             if (any(w.startswith(t) for w in tokens) if len(t) <= 2 else t.lower() in low)]
    return sorted(found, key=lambda t: low.find(t.lower()) if t.lower() in low else len(low))


def _products(text: str) -> list[str]:
    m = _PRODUCTS.search(text)
    if not m:
        return []
    return [p.strip() for p in re.split(r"[和及与、/]|以及", m.group(1)) if 1 < len(p.strip()) <= 12][:6]


def _direction_keywords(ctx: Context, vocab: Vocabulary, text: str) -> dict[str, list[str]]:
    """Each direction's own plan keywords the text uses (generic words never count)."""
    low = folded(text)
    out = {}
    for d in ctx.corpus.plan.directions:
        words = [k for k in d.keywords if k not in vocab.generic and len(k) >= 2 and k.lower() in low]
        out[d.id] = [k for k in words if not any(k != o and k in o for o in words)]
    return out


# ---- direction: role and needs together ------------------------------------------------------------------


FIRST_NEED, LATER_NEED = 1.0, 0.6  # the need a scenario names first is usually what it is about
MODE_NEED = 2.0  # a mode of business the scenario commits to is what it is about, wherever it is named
PRIMARY_EDGE = 0.01


def _direction(ctx: Context, hints: Hints, vocab: Vocabulary, needs: list[NeedHit], role: str,
               role_phrase: str | None, keywords: dict[str, list[str]],
               named: Direction | None = None, text: str = "") -> tuple[Direction, str, float]:
    plan = ctx.corpus.plan
    if named is not None:  # the applicant says which direction it applies under, by its name or its theme
        said = next((m.group("what") for m in _THEME.finditer(text)), "") if named.name not in text else ""
        return named, (f"场景写明申报“{said}”的试点，属于“{named.name}”。" if said
                       else f"场景写明申报“{named.name}”。"), 1.0
    role_info = next((r for r in hints.roles if r[0] == role), None)
    moves = hints.counterparts.get(role, {})
    votes = {d.id: 0.0 for d in plan.directions}
    because: dict[str, list[str]] = {d.id: [] for d in plan.directions}
    for i, n in enumerate(needs):
        dirs = [d for d in vocab.needs[n.need_id].directions if d in votes]
        for j, d in enumerate(dirs):
            target = moves.get(d, d)
            # A need's first direction is its home: it settles a tie (仓储 alone is supply chain).
            # (a provider or platform serving others applies on the supply side whatever mode its users run)
            mode = vocab.needs[n.need_id].mode and role not in SERVING
            weight = MODE_NEED if mode else (FIRST_NEED if i == 0 else LATER_NEED)
            votes[target] += weight / len(dirs) + (PRIMARY_EDGE if j == 0 else 0)
            because[target].append(n.phrase)
    for d, words in keywords.items() if not needs else ():  # the plan's keywords only when no need is named
        votes[moves.get(d, d)] += min(KEYWORD_CAP, KEYWORD_WEIGHT * len(words))
    if role_info and role in SERVING:
        for d in plan.directions:
            if d.category == role_info[2] and role != "platform":
                votes[d.id] += ROLE_WEIGHT / 3
        if role_info[3] in votes:
            votes[role_info[3]] += ROLE_WEIGHT
    order = sorted(plan.directions, key=lambda d: -votes[d.id])  # stable: plan order breaks ties
    best = order[0]
    total = sum(votes.values())
    confidence = round(votes[best.id] / total, 3) if total else 0.0
    return best, _direction_reason(best, role_info, role_phrase, because[best.id], keywords[best.id]), confidence


def _direction_reason(d: Direction, role_info, role_phrase: str | None, phrases: list[str], words: list[str]) -> str:
    parts = []
    if role_info:
        who = f"申报主体看来是{role_info[1]}（场景写到“{role_phrase}”）"
        parts.append(who + (f"，方案中“{role_info[2]}”各方向由这类主体申报" if role_info[0] in SERVING else ""))
    quoted = list(dict.fromkeys(phrases))[:4] or words[:3]
    if quoted:
        parts.append("场景中的" + "、".join(f"“{p}”" for p in quoted) + f"属于“{d.name}”的范围")
    if not parts:
        parts.append(f"场景没有写出申报主体和具体需求，暂按“{d.name}”处理，请用 --direction 指定")
    return "；".join(parts) + "。"


def _notes(a: ScenarioAnalysis, directions: dict[str, Direction]) -> list[str]:
    notes = []
    if a.language != "zh":
        notes.append("场景主要是英文：只有对照表中的英文用词能识别为需求，建议用中文描述，中文描述能识别得更完整。")
    if len(a.text) > LONG_CHARS:
        notes.append(f"场景描述很长（{len(a.text)} 字）：需求从全文识别，请核对下方覆盖表是否都是要做的事。")
    if not a.needs:
        notes.append("场景中没有识别到具体的智能制造需求（如 MES、设备联网、成熟度评估、供应链协同、远程运维、"
                     "能源管理）：请写明要建设或解决的具体事项。")
    return notes


def infer_direction(ctx: Context, text: str) -> tuple[Direction, float, dict]:
    """The direction alone (for callers that have only a scenario): (direction, confidence, evidence)."""
    a = analyse_scenario(ctx, text)
    d = next(x for x in ctx.corpus.plan.directions if x.id == a.direction)
    return d, a.direction_confidence, {"reason": a.direction_reason, "keywords": [n.phrase for n in a.needs]}
