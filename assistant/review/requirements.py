"""Requirement matching: keyword and section candidates, dense re-ranking, verdicts and advice."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from assistant.context import Context
from assistant.corpus import Requirement, Rubric
from assistant.errors import AssistantError, ModelError
from assistant.loaders import Document
from assistant.review.result import MAX_EVIDENCE, MAX_QUOTE, Evidence, RequirementVerdict, Stage, Status
from assistant.review.sentences import _UNIT_DONE, ClauseState, Markers, Sentence, _alternation, clause_state
from assistant.standards import LEVEL_ZH, find_numbers
from assistant.textnorm import HEADING_RE
from assistant.textnorm import nfkc as _nfkc_uncached

# Every sentence is normalised once per requirement and per test on it; the same texts come back each time.
nfkc = functools.lru_cache(maxsize=8192)(_nfkc_uncached)

# Dense similarity only orders the evidence (at most 3 quotes per requirement are shown); it never changes a
# verdict. So only the best lexical candidates are embedded: embedding was most of a batch review's time.
MAX_EMBED = 24  # distinct candidate sentences embedded per document
MAX_EMBED_PER_REQ = 5
DENSE_WEIGHT = 0.5
# Keywords that say little on their own (weight 0.34); shared keywords weigh 0.5; the rest 1.
GENERIC_KEYWORDS = {"数据", "提升", "降低", "工具", "软件", "平台", "装备", "模板", "版本", "补充", "条款", "缺失", "不适用",
                    "示范", "带动", "复制", "低成本", "轻量化", "实施情况", "落地", "服务企业", "辐射"}
# Headings such as 项目概况 describe the project, not a requirement, even when a rubric keyword is in them.
_NEUTRAL_HEADING = re.compile(r"概况|背景|简介|基本情况|目录|前言")
# "按照/采用/应用 … GB/T …": a standard cited as applied is evidence for requirement 1 wherever it appears.
_APPLIED = re.compile(r"(?:按照|依据|根据|按|应用|采用|贯彻|执行|实施|遵循|对照|用在|落到)[^，。；]{0,40}?"
                      r"(?:GB|[A-Z]{2}\s*/|T\s*/|DB\d|Q\s*/|(?:19|20)\d{6})"
                      # …or the number first, then what it was used for (GB/T 38158—2019照着搭了追溯系统)
                      r"|(?:GB|[A-Z]{2}\s*/|T\s*/|DB\d|Q\s*/)[^，。；]{0,16}?\d(?:—|-)?(?:19|20)?\d{0,2}"
                      r"(?:用来|用于|照着|拿来|管)")
APPLIED_KEY = "〈应用标准〉"
APPLIED_REQ = 1

# ---- requirement matching -------------------------------------------------------------------------


@dataclass
class KeywordIndex:
    """Every rubric keyword with its requirement(s) and weight."""

    owners: dict[str, set[int]]
    weight: dict[str, float]
    pattern: re.Pattern

    @classmethod
    def build(cls, rubric: Rubric) -> KeywordIndex:
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


@dataclass(frozen=True)
class Senses:
    """A requirement's senses from the rubric: what its deliverable looks like, and its false friends."""

    deliverable: re.Pattern | None
    false_friend: re.Pattern | None

    @classmethod
    def of(cls, req: Requirement) -> Senses:
        def join(patterns: list[str]) -> re.Pattern | None:
            return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
        return cls(join(req.deliverable), join(req.false_friends))

    def mask(self, text: str) -> str:
        """The (NFKC) text with its false friends blanked out, same length."""
        norm = nfkc(text)
        if self.false_friend is None:
            return norm
        return self.false_friend.sub(lambda m: "＿" * len(m.group()), norm)

    def speaks_of_deliverable(self, text: str) -> bool:
        # A cited standard's own title (GB/T 20720.1—2019《企业控制系统集成…》) says nothing of what was done with it.
        masked = _CITED_TITLE.sub(lambda m: m.group(1) + "＿" * (len(m.group(0)) - len(m.group(1))), self.mask(text))
        return self.deliverable is None or bool(self.deliverable.search(masked))


# A table row that dates or counts something reports it (a 推广 table: enterprise, date, attendees).
_ROW_FACT = re.compile(r"(?:19|20)\d{2}\s*(?:年|[-./]\s*\d{1,2})|\d+\s*(?:家|人次|场|次|人|项|个|期|套|份)")


_CITED_TITLE = re.compile(r"(\d{4}\s*)《[^《》]{2,60}》")


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
    masked = {r.id: Senses.of(r).mask(norm) for r in rubric.requirements}
    for k, a, b in kw.matches(norm):
        if kw.weight[k] >= 1.0:
            for rid in kw.owners[k]:
                if "＿" not in masked[rid][a:b]:  # "四、市场推广" does not announce requirement 4
                    scores[rid] = scores.get(rid, 0.0) + 1.0
    top = max(scores.values(), default=0.0)
    return {rid for rid, s in scores.items() if s == top} if top else set()


def _status_for(sentence: Sentence, hit_spans: list[tuple[int, int]], req: Requirement | None = None,
                markers: Markers | None = None, kw: KeywordIndex | None = None) -> ClauseState:
    """A sentence's state for one requirement: clauses holding its keywords decide first. Unfinished work in a
    clause about nothing else ("案例已完成，尚未定稿") qualifies the sentence's done clauses: it is incomplete."""
    clauses = sentence.clauses
    if req is not None and markers is not None and req.not_incomplete:
        clauses = [(c, clause_state(c, markers, req.not_incomplete) if st == "incomplete" else st) for c, st in clauses]
    spans, pos = [], 0
    for clause, state in clauses:
        start = nfkc(sentence.text).find(nfkc(clause), pos)
        start = pos if start < 0 else start
        spans.append((start, start + len(clause), state))
        pos = start + len(clause)
    keyed = [state for s, e, state in spans if any(s <= hs < e for hs, _ in hit_spans)]
    states = [state for _, _, state in spans]
    if "incomplete" in keyed:
        return "incomplete"
    if "done" in keyed and any(st == "incomplete" and (kw is None or not kw.matches(c)) for c, st in clauses):
        return "incomplete"
    for wanted in ("done", "promise", "negated"):
        if wanted in keyed:
            return wanted  # type: ignore[return-value]
    if "done" in states and not {"promise", "negated", "incomplete"} & set(states):
        return "done"
    if "incomplete" in states:
        return "incomplete"
    if "promise" in states:
        return "promise"
    if "negated" in states:
        return "negated"
    return "neutral"


def _row_status(s: Sentence, markers: Markers | None) -> ClauseState:
    """A table row read with its header: a plan table (计划时间…) is a promise, a dated or counted row is done."""
    if markers is None:
        return "neutral"
    both = f"{s.header} {s.text}"
    state = clause_state(both, markers)
    if state in ("promise", "negated", "incomplete"):
        return state
    if markers.plan_heading is not None and any(markers.plan_heading.search(h) for h in s.sections):
        return "promise"  # a schedule table under 进度安排 lists what will be done
    if state == "done" or _ROW_FACT.search(s.text):
        return "done"
    return "neutral"


def find_candidates(sentences: list[Sentence], req: Requirement, kw: KeywordIndex,
                    owners: dict[str, set[int]], markers: Markers | None = None,
                    gaps: list[tuple[Sentence, str]] | None = None) -> list[Candidate]:
    """The sentences that may be evidence for `req`. `gaps` collects, for a "missing" verdict's advice, the
    sentences that looked like evidence but are not: ("negated", "尚未形成…") or ("false_friend", a sales 推广)."""
    gaps = [] if gaps is None else gaps
    out: list[Candidate] = []
    negated: set[str] = set()
    senses = Senses.of(req)
    referred = _referred(sentences, req, owners)
    for s in sentences:
        if s.instruction or s.cover:  # addressed to the assistant (issue 20), or a cover field: never evidence
            continue
        if s.kind != "table_row" and s.text.rstrip().endswith(("？", "?")):
            continue  # 问2：是否提出了…修订建议？: a question, however it names the deliverable
        owned = [owners.get(h, set()) for h in s.sections]
        in_section = any(req.id in o for o in owned) or id(s) in referred
        elsewhere = not in_section and any(o for o in owned)
        if s.kind == "heading":
            # A heading is never evidence by itself; one that announces this requirement is a weak mention, unless
            # it answers itself after a colon with an admission (（四）标准应用案例：本阶段未开展。).
            if owners.get(s.text) and req.id in owners[s.text]:
                tail = re.split(r"[：:]", s.text, maxsplit=1)[1:]
                if tail and markers is not None and markers.negation.search(tail[0]):
                    gaps.append((s, "negated"))
                    negated.add(s.text)
                    continue
                out.append(Candidate(s, 0.0, 0, True, "neutral", "weak"))
            continue
        row = s.kind == "table_row" and bool(s.header)
        text = _evidence_text(s)
        masked = senses.mask(text)
        own = [(k, a, b) for k, a, b in kw.matches(text) if req.id in kw.owners[k]]
        hits = [(k, a, b) for k, a, b in own if "＿" not in masked[a:b]]
        if own and not hits:  # it speaks only of a false friend (a sales 推广, someone else's 案例)
            negated.update(s.sections[-1:])
            gaps.append((s, "false_friend"))
            continue
        if row:  # keyword places are the header's and the row's; the row's state comes from both
            hits = [(k, 0, 0) for k, _, _ in hits]
        applied = req.id == APPLIED_REQ and s.kind != "table_row" and _APPLIED.search(nfkc(s.text))
        if applied:
            hits.append((APPLIED_KEY, applied.start(), applied.end()))
        elif req.id == APPLIED_REQ and row and find_numbers(s.text) and _APPLIED.search(nfkc(text)) \
                and senses.speaks_of_deliverable(text):
            # a row of a table headed 依据 | 在车间怎么用 | 用了以后: a standard, where it was applied, its result (a
            # bare member list, 序号 | 标准编号 | 名称, has no verb of applying and no result)
            hits.append((APPLIED_KEY, 0, 0))
            applied = True
        distinct = {k for k, _, _ in hits}
        score = sum(kw.weight.get(k, 1.0) for k in distinct)
        unique = sum(1 for k in distinct if kw.weight.get(k, 1.0) >= 1.0)
        # A sentence in another requirement's section must be clearly about this one (two specific keywords),
        # except a standard cited as applied, which always speaks to requirement 1.
        need = 2 if elsewhere else 1
        # …or names its deliverable by title: 《汽车零部件工业数据空间标准应用实施指南》1部 under 预期成果与推广.
        titled = any(a >= m.start() and b <= m.end() for m in _BOOK_TITLE.finditer(text) for k, a, b in hits
                     if kw.weight.get(k, 1.0) >= 1.0)
        if not in_section and unique < need and not ((applied or titled) and unique >= 1):
            continue
        status = _row_status(s, markers) if row else _status_for(s, [(a, b) for _, a, b in hits], req, markers, kw)
        if status == "negated":  # "尚未形成立项建议" confirms the gap; it is not evidence
            negated.update(s.sections[-1:])
            gaps.append((s, "negated"))
            continue
        deliverable = senses.speaks_of_deliverable(text)
        # In the requirement's own section a sentence about the deliverable counts without a keyword of its own
        # ("试点期间上云企业由86家增加到412家" under 标准群应用情况).
        relevant = (unique >= need and score >= 1.0) or (in_section and (score > 0 or row or
                                                                          (deliverable and senses.deliverable is not None)))
        if status == "done" and relevant and deliverable:
            strength = "strong"
        elif status in ("promise", "incomplete") and (deliverable or senses.deliverable is None):
            # A plan counts for this requirement only when it speaks of the deliverable, as a done sentence must:
            # "销售部门将加大产品的推广力度" promises sales, not 面向中小企业推广.
            strength = "promise"
        else:
            strength = "weak"
        out.append(Candidate(s, score, unique, in_section, status, strength))
    # A heading whose section only says "暂无…" is an admitted gap, not a mention.
    backed = {c.sentence.sections[-1] for c in out if c.sentence.kind != "heading" and c.sentence.sections}
    return [c for c in out if not (c.sentence.kind == "heading" and c.sentence.text in negated
                                   and c.sentence.text not in backed)]


_QUERY_CACHE: dict[tuple[str, str], list[float]] = {}


def apart_from_group(req: Requirement, cands: list[Candidate], members: set[str]) -> list[Candidate]:
    """Requirement 1 asks how the group's standards were applied: a done sentence whose standards are all outside
    the group the document lists (产品按GB/T 12706.1—2020组织生产, a product standard it has always followed) says
    nothing of that, however done it sounds. `members`: year-less keys of the listed group (empty: no list found,
    nothing is judged)."""
    if req.id != APPLIED_REQ or not members:
        return cands
    out = []
    for c in cands:
        keys = {n.key for n, _, _ in find_numbers(c.sentence.text)}
        if c.strength == "strong" and keys and not keys & members:
            c = replace(c, strength="weak")
        out.append(c)
    return out


_REFERENCE = re.compile(r"见(?:上文|前文|问\d+|第[一二三四五六七八九十\d]+(?:部分|节|条))[^。；]{0,12}?“(?P<name>[^”]{2,30})”")


def _referred(sentences: list[Sentence], req: Requirement, owners: dict[str, set[int]]) -> set[int]:
    """Sentences an answer in this requirement's section refers back to by name (答：见问1答复中的“酿造批控制平台”):
    the named thing, where the text above introduced it, answers here too (ids of those sentences)."""
    names = [m.group("name") for s in sentences if any(req.id in owners.get(h, set()) for h in s.sections)
             for m in _REFERENCE.finditer(s.text)]
    return {id(s) for s in sentences for name in names if name in s.text and not _REFERENCE.search(s.text)}


def requirement_vectors(embedder, reqs: list[Requirement]) -> list[list[float]]:
    """The requirements' query vectors, embedded once per process and model (they are the same for every file)."""
    texts = [f"{r.name}：{r.description} {'；'.join(r.evidence)}" for r in reqs]
    name = getattr(embedder, "name", type(embedder).__name__)
    missing = [t for t in texts if (name, t) not in _QUERY_CACHE]
    if missing:
        _QUERY_CACHE.update({(name, t): v for t, v in zip(missing, embedder.embed(missing, query=True))})
    return [_QUERY_CACHE[(name, t)] for t in texts]


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
        queries = requirement_vectors(embedder, reqs)
        vectors = dict(zip(texts, embedder.embed(texts)))
    except (ModelError, OSError, RuntimeError) as exc:
        why = (str(exc).splitlines() or [""])[0][:120] if isinstance(exc, ModelError) else type(exc).__name__
        notices.append(f"未能加载嵌入模型，仅按关键词和章节判断：{why}")
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
    if quote not in block_text:  # never report a quote the document does not contain, even under python -O
        raise AssistantError(f"内部错误：引文与原文不一致（{sentence.location}）")
    return Evidence(quote=quote, location=sentence.location)


_BOOK_TITLE = re.compile(r"《[^《》]{2,80}》")
_NAMED = re.compile(r"《[^《》]{2,}》|“[^“”]{2,}”")
_FIGURE = re.compile(_UNIT_DONE)
_NOT_CONTENT = re.compile(r"[\s，。；：、,.;:！？!?（）()“”《》]")


def has_substance(req: Requirement, sentences: list[Sentence]) -> bool:
    """Done evidence that is more than a bare count, for requirements that ask for it (min_evidence_chars): a
    named item (《》/“”), or that many characters of content across the done sentences."""
    if req.substance:  # 共形成标准修订建议3条 names no standard: a count, not a suggestion one can check
        return any(find_numbers(s.text) or any(re.search(p, s.text) for p in req.substance) for s in sentences)
    if req.min_evidence_chars <= 0:
        return True
    if any(_NAMED.search(s.text) for s in sentences):
        return True
    return sum(len(_NOT_CONTENT.sub("", s.text)) for s in sentences) >= req.min_evidence_chars


# A concrete plan says when, or names what ("形成一套解决方案" without either is an intention).
# Schedules inside a two-year pilot are often relative: 第8个月, 第二年, 12个月内.
_CONCRETE = re.compile(r"(?:19|20)\d{2}\s*年|\d{1,2}\s*个?月|第[一二两三四五六七八九十\d]+\s*(?:个月|年|阶段)|季度|上半年|下半年"
                       r"|期满前|验收前|《[^》]{2,}》|“[^”]{2,}”")


def concrete_plans(req: Requirement, cands: list[Candidate]) -> list[Candidate]:
    """Plans that say what, when or how many (a date, a count, a name) about the deliverable itself."""
    senses = Senses.of(req)
    # A standard's number names what ("拟对GB/T 19892.1提出在印染行业应用的修订建议").
    return [c for c in cands if c.status == "promise" and c.sentence.kind != "heading"
            and (_CONCRETE.search(c.sentence.text) or find_numbers(c.sentence.text))
            and senses.speaks_of_deliverable(_evidence_text(c.sentence))]


_SCHEDULED = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月?\s*(?:[—–~～-]{1,2}|至)\s*(?:(?:19|20)\d{2}\s*年)?\s*\d{1,2}\s*月"
                        r"|\|\s*(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月)?(?:底|前|末)?\s*\|?\s*$")
# "见附件2（扫描件）": the text only points at material elsewhere in the file.
# A contents line or an annex list (五、宣贯推广（第2页）; 附件3：推广活动证明材料（第3页，盖章扫描件）) points too.
# A page named (六、案例（第3页）, 见第2页) or the next one (……见下页): resolved against the pages that could not be read.
_PAGE_REF = re.compile(r"[（(][^（）()]{0,12}?第\s*(\d+)\s*页|见\s*第\s*(\d+)\s*页|见(?:下|次|后)一?页")
_POINTER = re.compile(r"见(?:附件|附表|附录|后附|下附|上文|前文)|详见|附后|另附|同上|" + _PAGE_REF.pattern
                      + r"|^\s*附件\s*\d*\s*[：:]")


def _answers(req: Requirement, false_friend: Sentence, doc: Document) -> bool:
    """Does readable text found to be a false friend answer the requirement? When pages could not be read, only
    under the requirement's own heading (五、经验推广: 参加展会…); one elsewhere (page 4's 推广到本厂另一条生产线) says
    nothing of what the unread page holds. Requirement 1's false friend, a bare member list, answers wherever it is,
    unless it points at an unread page itself."""
    if doc.unreadable and _points_unread(false_friend, doc):
        return False  # 标准群共11项…见表1（第2页）with page 2 unread: the list points at what could not be read
    return not doc.unreadable or req.id == APPLIED_REQ or _under_own_heading(req, false_friend)


def _under_own_heading(req: Requirement, s: Sentence) -> bool:
    """The sentence stands under a heading that names this requirement (五、经验推广 for promotion)."""
    return any(h in section for section in s.sections for h in req.headings)


def _points_unread(s: Sentence, doc: Document) -> bool:
    """A pointer whose target may be what could not be read: 见附件3, or a page named that is unreadable (第2页, or
    下页 from the sentence's own page). A contents line that names a page that was read (六、案例（第2页）) points at
    text that answers for itself."""
    if not _POINTER.search(s.text):
        return False
    if _POINTER.search(_PAGE_REF.sub("", s.text)):
        return True  # 见附件3, 见上文: whatever page the line also names
    here = doc.blocks[s.block].page if 0 <= s.block < len(doc.blocks) else None
    pages = {int(m.group(1) or m.group(2)) if (m.group(1) or m.group(2)) else (here or 0) + 1
             for m in _PAGE_REF.finditer(s.text)}
    return bool(pages & {q.page for q in doc.unreadable})


def _future_year(text: str) -> bool:
    this_year = date.today().year
    return any(int(y) > this_year for y in re.findall(r"(?<![\d—–-])((?:19|20)\d{2})\s*年", text))


def _evidence_text(s: Sentence) -> str:
    """What a sentence says as evidence: a table row with its header row ("推广企业 | 2024年 | 27家")."""
    return f"{s.header} | {s.text}" if s.kind == "table_row" and s.header else s.text


def _about(req: Requirement, c: Candidate) -> bool:
    """Does a candidate say anything of this requirement's deliverable (done, promised, or named)? A sentence that
    only shares a word with it ("企业年度统计报表") is no reason to think the readable text answers it."""
    return c.strength in ("strong", "promise") or Senses.of(req).speaks_of_deliverable(_evidence_text(c.sentence))


# A level named in words (国家标准, 团体标准 …, and the short forms people write)
_LEVEL_WORDS = tuple((zh, lv) for lv, zh in LEVEL_ZH.items()) + (("国标", "national"), ("行标", "industry"),
                                                                 ("企标", "enterprise"))


def missing_parts(req: Requirement, cands: list[Candidate]) -> list[str]:
    """The halves of a requirement (rubric `parts`) that no candidate among `cands` speaks of."""
    senses = Senses.of(req)  # a half named only by a false friend (修订了管理制度) is not there

    def speaks(name: str, pattern: str, c: Candidate) -> bool:
        text = senses.mask(f"{c.sentence.header} {c.sentence.text}")
        if not re.search(pattern, text):
            return False
        levels = req.part_levels.get(name)
        cited = [n.level for n, _, _ in find_numbers(c.sentence.text)]
        cited += [lv for word, lv in _LEVEL_WORDS if word in c.sentence.text]
        # 修订企业标准Q/…，使其与GB/T 19892.4相衔接: the standard right after the verb is the one revised
        verb = re.search(pattern, c.sentence.text)
        if levels and verb:
            right_after = _level_at(c.sentence.text, verb.end())
            cited = [right_after] if right_after else cited
        # 针对T/CBCSA 68—2025…提交修订意见: a group standard's revision is not the national/industry one asked for
        return not levels or not cited or any(lv in levels for lv in cited)

    return [name for name, pattern in req.parts.items() if not any(speaks(name, pattern, c) for c in cands)]


def _level_at(text: str, at: int) -> str | None:
    """The level of the standard named right at `at` (修订|企业标准Q/…, 修订|GB/T …), if one is."""
    rest = text[at:at + 12]
    words = [(rest.find(word), lv) for word, lv in _LEVEL_WORDS if 0 <= rest.find(word) <= 2]
    numbers = [(a - at, n.level) for n, a, _ in find_numbers(text) if 0 <= a - at <= 2]
    return min(words + numbers)[1] if words + numbers else None


def verdict_for(req: Requirement, cands: list[Candidate], doc: Document,
                stage: Stage = "acceptance", gaps: list[tuple[Sentence, str]] = ()) -> RequirementVerdict:
    if stage == "application":
        # In an application a scheduled step ("2025年5月—2025年12月，按…完成…改造", a table row ending in its
        # deadline) is what will be done, not what was: a plan however it is worded.
        # So is anything dated in a year still to come (2027年10月形成标准应用案例1个; an acceptance report, written
        # at the pilot's end, may date its results later than today, so this holds for applications only).
        cands = [replace(c, status="promise", strength="promise")
                 if c.strength == "strong" and (_SCHEDULED.search(_evidence_text(c.sentence))
                                                or _future_year(_evidence_text(c.sentence))) else c for c in cands]
        # A step taken for a dated plan, in the plan's own paragraph ("2027年10月起举办2期公开培训；已确定邀请8家中小
        # 企业参加"), is part of that plan: the training it prepares is still to come.
        planned_blocks = {c.sentence.block for c in cands if c.strength == "promise" and c.sentence.kind == "paragraph"
                          and _CONCRETE.search(c.sentence.text)}
        cands = [replace(c, status="promise", strength="promise")
                 if c.strength == "strong" and c.sentence.kind == "paragraph" and c.sentence.block in planned_blocks
                 else c for c in cands]
    # A sentence holding a false friend of this requirement that, once it is masked, no longer speaks of the
    # deliverable (将SaaS平台向中小企业推广销售，新增付费客户32家) says nothing of it, whatever keyword is left.
    senses = Senses.of(req)
    kept = [c for c in cands if not (senses.false_friend is not None
                                     and senses.false_friend.search(nfkc(_evidence_text(c.sentence)))
                                     and not senses.speaks_of_deliverable(_evidence_text(c.sentence)))]
    # A false friend in the requirement's own section answers it (四、实施指南: 购买了…指南); one elsewhere (推广到本厂
    # 另一条生产线, on page 4) says nothing of what an unread page may hold.
    friends = any(c.in_section and not (doc.unreadable and _points_unread(c.sentence, doc))
                  for c in cands if c not in kept) or (len(cands) > len(kept) and not doc.unreadable)
    # A sentence in the section that names a half of the wrong level (修订企业标准Q/…，使其与GB/T…相衔接) was read and
    # found not to be it, like a false friend: the heading over it is no evidence either.
    friends = friends or any(
        c.in_section and c.sentence.kind != "heading" and len(missing_parts(req, [c])) == len(req.parts)
        and any(re.search(p, senses.mask(c.sentence.text)) for p in req.parts.values())
        for c in kept if req.parts and req.part_levels)
    cands = kept
    read = [c for c in cands if c.sentence.kind != "heading"]  # before headings and pointers may be set aside
    if cands and all(c.sentence.kind == "heading" or _POINTER.search(c.sentence.text) for c in cands) and (
            friends or any(k == "false_friend" for _, k in gaps)):
        cands = []  # 五、推广应用 (and 见上文) over nothing but product sales: the heading is no evidence of its own
    strong = [c for c in cands if c.strength == "strong"]
    promises = [c for c in cands if c.strength == "promise"]
    thin = bool(strong) and not has_substance(req, list({id(c.sentence): c.sentence for c in strong}.values()))
    plans = concrete_plans(req, cands) if stage == "application" else []
    # A half is there when a done or plainly stated sentence speaks of it ("建议GB/T …修订时补充…" states the
    # suggestion itself); a promise of it is not.
    stated = [c for c in cands if c.strength in ("strong", "weak") and c.sentence.kind != "heading"]
    lacking = missing_parts(req, stated)
    # "…已盖章报送，报送函扫描件附后" with that page unread: the done sentence only points at what cannot be read.
    pointer_only = bool(strong) and doc.unreadable and all(_points_unread(c.sentence, doc) for c in strong)
    # At acceptance an admission under the requirement's own heading (五、推广：…暂未对外推广) with nothing done beside
    # it is missing, whatever is promised next.
    admitted = stage == "acceptance" and not strong and any(kind == "negated" and _under_own_heading(req, g)
                                                            for g, kind in gaps)
    if pointer_only and not any(kind == "negated" for _, kind in gaps):
        status: Status = "unreadable"
        chosen = []
    elif strong and not thin and not lacking:
        status = "covered"
        chosen = sorted(strong, key=lambda c: -c.rank)
    elif admitted:
        status, chosen = "missing", []
    elif (plans or strong) and not missing_parts(req, stated + plans) and stage == "application":
        status = "planned"
        chosen = sorted(strong + plans, key=lambda c: -c.rank)
    elif doc.unreadable and not any(kind == "negated" for _, kind in gaps) and not friends and not (
            any(kind == "false_friend" and _answers(req, g, doc) for g, kind in gaps)) and (
            all(_points_unread(c.sentence, doc) or not _about(req, c) for c in read)):
        # (An admission in the readable text, 暂未开展…推广, answers the question whatever the unread pages hold;
        # so does readable text that was read and found to be only a false friend, such as a bare member list.)
        # Nothing in the readable text, or only a pointer to an annex: the evidence may sit on the pages that
        # could not be read.
        status, chosen = "unreadable", []
    # (when the section's text was read and found a false friend or an admission, its heading alone is no partial
    # evidence either)
    elif _listed_only(req, friends, gaps) or _partial(req, [
            c for c in cands if not _POINTER.search(c.sentence.text)
            and not ((friends or any(k == "negated" for _, k in gaps)) and c.sentence.kind == "heading")]):
        # (A contents line or a pointer to an annex that is not there, all pages read, is no evidence: 五、案例（第3页）.)
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
    incomplete = any(c.status == "incomplete" for c in cands)
    reason = "thin" if thin else ("part" if strong and lacking else ("incomplete" if incomplete and not strong else
                                                                   ("promise" if promises and not strong else "")))
    advice = advice_for(req, status, reason == "promise", reason=reason,
                        figures=any(_FIGURE.search(e.quote) for e in evidence), stage=stage,
                        unreadable=[q.where for q in doc.unreadable])
    if status == "missing" and gaps:
        advice = _gap_advice(req, gaps, doc)
    if reason == "part" and status == "partial":
        advice = f"只有{'、'.join(n for n in req.parts if n not in lacking)}，缺少{'、'.join(lacking)}。{req.advice}"
    return RequirementVerdict(id=req.id, name=req.name, status=status, evidence=evidence, advice=advice)


def _listed_only(req: Requirement, friends: bool, gaps: list[tuple[Sentence, str]]) -> bool:
    """Requirement 1 read only as a bare member list (its false friend, a sentence of numbers and titles): the plan
    calls that partial wherever it stands."""
    return req.id == APPLIED_REQ and (friends or any(k == "false_friend" and find_numbers(g.text) for g, k in gaps))


def _partial(req: Requirement, read: list[Candidate]) -> bool:
    """Is there something short of evidence (`read`: candidates that are more than a pointer)? A mention of the
    deliverable is; a sentence that only shares a word or a section with it (通过行业协会递交了立项提案, or a 推广
    section about trade fairs and new dealers) is not. Requirement 1's false friend is a bare member list, which
    the plan counts as partial: it stays so."""
    # A requirement of halves is mentioned only by a sentence that speaks of one of them: 修订企业标准Q/… names neither
    # the national/industry revision nor a new standard.
    if any(_about(req, c) and (not req.parts or len(missing_parts(req, [c])) < len(req.parts)) for c in read
           if c.sentence.kind != "heading") or any(_about(req, c) for c in read if c.sentence.kind == "heading"):
        return True
    return bool(read) and req.id == APPLIED_REQ


def _gap_advice(req: Requirement, gaps: list[tuple[Sentence, str]], doc: Document) -> str:
    """A "missing" the document itself explains: what it said instead, quoted, so the reviewer sees it was read."""
    # (an admission first; else what the requirement's own section said, not a neighbour's false friend)
    sentence, kind = next((g for g in gaps if g[1] == "negated"),
                          next((g for g in gaps if _under_own_heading(req, g[0])), gaps[0]))
    e = quote_of(sentence, doc)
    said = f"文中写到“{e.quote}”（{e.location}）"
    if kind == "negated":
        return f"{said}，即尚未完成，没有“{req.name}”的成果。{req.advice}"
    return f"{said}：{req.false_friend_note or f'只是字面相近，不是“{req.name}”'}。{req.advice}"


def advice_for(req: Requirement, status: Status, promised: bool, reason: str = "", figures: bool = False,
               stage: Stage = "acceptance", unreadable: list[str] = ()) -> str:
    """The advice for a verdict. `reason` says why a partial is partial ("promise", "incomplete", "thin");
    the data-source reminder is given only when the evidence holds figures."""
    if status == "unreadable":
        pages = "、".join(unreadable[:6]) + ("等" if len(unreadable) > 6 else "")
        return (f"可读的文字中没有找到“{req.name}”的内容，而{pages}无法读取，相关内容可能就在其中，无法判断。"
                f"请提供文字层完好的文件（如原始 Word 或重新导出的 PDF）后再评审。")
    if status == "planned":
        return f"申报阶段：已有具体计划，验收时需提供已完成的成果。{req.advice}"
    if status == "covered":
        check = "建议核对数据来源和统计口径；" if figures else ""
        return f"已有已完成的证据。{check}如有缺项可参照：{req.advice}"
    if status == "missing":
        return f"文中未找到“{req.name}”的相关内容。{req.advice}"
    if reason == "thin":
        return f"只有笼统的完成表述（如只给数量），没有写出名称或具体内容，难以核查。{req.advice}"
    if reason == "incomplete":
        return f"相关工作尚未完成（如初稿、进行中、尚未定稿），缺少已完成、可核查的成果。{req.advice}"
    if stage == "application" and (promised or reason == "promise"):
        return f"申报阶段：只有笼统的打算，缺少具体计划（时间、数量、名称）。{req.advice}"
    if promised or reason == "promise":
        return f"目前只有计划或承诺（如“将……”“拟……”），缺少已完成、可核查的事实。{req.advice}"
    return f"有相关表述，但缺少具体、已完成的证据（名称、数量、时间、编号）。{req.advice}"
