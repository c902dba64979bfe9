"""The document as sentences: done/promise/negation markers, clause states, enclosing headings."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from assistant.corpus import Rubric
from assistant.loaders import Document
from assistant.textnorm import HEADING_RE, heading_level, nfkc, split_sentences

# ---- markers -----------------------------------------------------------------------------------------

GENERIC_DONE = ["已", "完成", "形成", "发布", "编制了", "累计", "举办了", "开展了", "建成", "取得", "获得", "通过"]
_COUNT_DONE = r"共(?:计|有|\d|[一二三四五六七八九十两])"
_UNIT_DONE = (r"\d+(?:\.\d+)?\s*(?:%|％|个百分点|家|项|人次|名|人|场|次|条|套|台|篇|份|件|万元|亿元|元|小时|分钟|秒|"
              r"天|吨|千瓦时|kWh|个|倍)")
EXTRA_PROMISE = ["目标是", "目标为", "目标值", "期望", "希望", "即将", "将会", "将要"]
# 计划 as a noun (生产计划, 计划号) and 待 inside other words are not promises;
# …and 于2025年6月至11月将…推广至: 将 after a dated 于 is 把 (it moved something), not the future 将于.
_NOT_PROMISE = re.compile(r"于(?:19|20)\d{2}年[^，。；将]{0,10}将|"
                          r"(?:生产|排产|实施|工作|采购|作业|年度|项目|物料|发展|行动|研究|主)计划|计划号|计划的|"
                          r"(?:期|对|接|等|招|优)待|待遇|将近|将军")
# 将 as 把: an object, then a verb that turns it into something, after a done clause in the same sentence.
_BA = re.compile(r"将(?=[^。；]{1,60}?(?:转化为|转化成|固化为|固化到|整合为|变成|写入|嵌入|落实到|集成到|映射为))")
_DONE_BEFORE_BA = re.compile(r"(?:了|已)[^。；]{0,40}?[，,]将")
# (未发生工艺安全事件, 没有出现质量问题: a result, not a deliverable denied)
NEGATION = ["尚未", "暂未", "未能", "没有(?!发生|出现|造成)", "暂无", "不具备", "未(?!来|发生|出现|造成|超标|超过)", r"^\s*(?:无|不涉及|无此项|不适用)\s*[。.]?\s*$",
            # plain-spoken: 没提修订意见, 立项建议也没弄 (not a result: 两年没出过一起事故, 哪一条没做到就报警)
            "没(?:提|弄|做(?!到)|搞|写|开展|形成|报|出(?!过))",
            # "本项目不涉及标准修订和新标准立项": a deliverable itself denied (不涉及供应链协同场景 is only scope)
            r"不(?:涉及|开展|包括|安排)[^。；，]{0,12}?(?:标准修订|修订建议|标准立项|立项建议|实施指南|解决方案|推广|案例)"]
_CLAUSE_SPLIT = re.compile(r"[，,；;：:]")


@dataclass
class Markers:
    done: re.Pattern
    promise: re.Pattern
    negation: re.Pattern
    incomplete: re.Pattern | None = None  # unfinished work (初稿, 进行中…): partial, never covered
    plan_heading: re.Pattern | None = None  # sections that describe plans (试点目标, 实施计划…)


def _alternation(words: list[str]) -> str:
    return "|".join(w if any(c in w for c in "(?[") else re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def instruction_pattern(rubric: Rubric) -> re.Pattern | None:
    return re.compile("|".join(f"(?:{p})" for p in rubric.instruction_markers)) if rubric.instruction_markers else None


def cover_pattern(rubric: Rubric) -> re.Pattern | None:
    """A sentence that opens with a cover field, or with the title a PDF glued before it ("…申报书项目名称：…")."""
    patterns = [f"(?:{p})" for p in rubric.signature_lines]
    if rubric.cover_labels:
        patterns.append(rf"^[^。；！？]{{0,60}}?(?:{'|'.join(map(re.escape, rubric.cover_labels))})\s*(?:[：:]|\s\|\s)")
    return re.compile("|".join(patterns)) if patterns else None


def build_markers(rubric: Rubric) -> Markers:
    done_words = list(GENERIC_DONE)
    for r in rubric.requirements:
        done_words += r.done_markers
    done_words = [re.escape(w) if w != "立项" else "立项(?!建议)" for w in done_words]
    done = re.compile(rf"(?:{'|'.join(sorted(set(done_words), key=len, reverse=True))}|{_COUNT_DONE}|{_UNIT_DONE})")
    promise = re.compile(f"(?:{_alternation(rubric.promise_markers + EXTRA_PROMISE)})")
    negation = re.compile(f"(?:{_alternation(NEGATION)})")
    incomplete = re.compile(f"(?:{_alternation(rubric.incomplete_markers)})") if rubric.incomplete_markers else None
    plan = re.compile("|".join(f"(?:{p})" for p in rubric.plan_headings)) if rubric.plan_headings else None
    return Markers(done, promise, negation, incomplete, plan)


# What was done, said outright: it stands even inside a sentence that also plans ("已完成…，下一步将…").
_PAST = re.compile(r"已|曾|累计|了(?!解)")


def carry_promise(clauses: list[tuple[str, ClauseState]], planned: bool) -> list[tuple[str, ClauseState]]:
    """A promise governs the rest of its sentence ("下一步，我们将…，向标委会提出修订建议"), and a plan section
    governs all of its sentences; only a clause that says outright it was done escapes."""
    out = []
    for clause, state in clauses:
        if state == "promise":
            planned = True
        elif planned and state in ("done", "neutral") and not _PAST.search(clause):
            state = "promise"
        out.append((clause, state))
    return out


ClauseState = Literal["done", "promise", "negated", "incomplete", "neutral"]


_TOPIC = re.compile(r"(?:在|关于|对于|至于)?[^，,。；;]{1,16}(?:方面|而言|来说)")


def clause_state(clause: str, markers: Markers, not_incomplete: list[str] = ()) -> ClauseState:
    """The first marker in the clause decides: "已将…推广" is done, "将完成…" is a promise. Unfinished work
    ("已完成初稿", "正在编写") is incomplete wherever its marker sits, unless a negation comes first; words in
    `not_incomplete` (a requirement's own milestones) are not counted as unfinished."""
    if _TOPIC.fullmatch(clause.strip()):
        return "neutral"  # 新的标准立项方面 names a topic; the clause after it says whether it is done
    masked = _NOT_PROMISE.sub(lambda m: "＿" * len(m.group()), clause)
    found: list[tuple[int, int, ClauseState]] = []
    for kind, pattern in (("negated", markers.negation), ("promise", markers.promise), ("done", markers.done)):
        m = pattern.search(masked if kind == "promise" else clause)
        if m:
            found.append((m.start(), -len(m.group()), kind))  # type: ignore[arg-type]
    if markers.incomplete is not None:
        text = clause
        for word in not_incomplete:
            text = text.replace(word, "＿" * len(word))
        m = markers.incomplete.search(text)
        negated_first = any(k == "negated" and (st, ln) < (m.start(), -len(m.group())) for st, ln, k in found) if m else False
        if m and not negated_first:
            return "incomplete"
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
    header: str = ""  # a table row's header row (what its cells mean), "" elsewhere
    instruction: bool = False  # the sentence addresses the reviewing assistant (never evidence)
    cover: bool = False  # a cover form field (项目名称：…), glued to the title or not (never evidence)


def _level(heading: str, style_level: int | None = None) -> int:
    """Outline markers (一、 > （一） > 1.) decide; else the heading style's level (Word "Heading 2"); else 1."""
    return heading_level(heading) if HEADING_RE.match(heading) else (style_level or 1)


def _table_key(block) -> str:
    return block.location.split("第")[0] if block.location.startswith("表") else ""


def table_headers(doc: Document) -> dict[int, str]:
    """The header row of every table row's table: its first row (a DOCX table "表N", or a run of flattened rows)."""
    headers: dict[int, str] = {}
    header, previous, key = "", -2, None
    for i, block in enumerate(doc.blocks):
        if block.kind != "table_row":
            continue
        this = _table_key(block)
        if previous != i - 1 or (this and this != key):
            header = block.text
        else:
            headers[i] = header
        previous, key = i, this
    return headers


_NOT_TITLE = re.compile(r"[。；;！？!?：:，,]|\d")


def heading_like(block, announces, markers: Markers) -> bool:
    """A short line on its own that names a requirement's section ("推广应用情况" set in bold, no outline number):
    read as a heading, so the sentences under it belong to that section. A line that reports or promises
    something ("已举办宣贯会") stays a sentence."""
    text = block.text.strip()
    return (block.kind == "paragraph" and 2 <= len(text) <= 20 and not _NOT_TITLE.search(text)
            and announces is not None and not any(p.search(text) for p in (markers.done, markers.promise,
                                                                          markers.negation))
            and announces(text))


def _question(block, announces) -> bool:
    """A question that names a requirement (问4：是否面向中小企业和同行业推广了试点经验？): in a Q&A report it heads
    its answer, which then belongs to that requirement; it is never evidence itself."""
    text = block.text.strip()
    return (block.kind == "paragraph" and len(text) <= 60 and text.endswith(("？", "?")) and announces is not None
            and bool(announces(text)))


# 一是标准群应用。/ 三是实施指南： a letter's or a briefing's enumerated label, a heading written inline
_INLINE_LABEL = re.compile(r"^\s*[一二三四五六七八九十]是(?P<name>[^，。；：:,;]{2,16})[。：:]\s*$")


def _inline_label(part: str, announces) -> bool:
    m = _INLINE_LABEL.match(part)
    return bool(m and announces is not None and announces(m["name"]))


def document_sentences(doc: Document, markers: Markers, instructions: re.Pattern | None = None,
                       announces=None, cover: re.Pattern | None = None) -> list[Sentence]:
    """`announces(text)`: does a short line name a requirement's section (then it is read as a heading)?"""
    out: list[Sentence] = []
    stack: list[tuple[int, str]] = []
    headers = table_headers(doc)
    for i, block in enumerate(doc.blocks):
        text = block.text
        if block.kind == "heading" or heading_like(block, announces, markers) or _question(block, announces):
            # A style level only orders headings without outline markers ("附：…" styled Heading 2 after a typed
            # "四、…" is not inside it: the two scales do not compare).
            untyped_parent = bool(stack) and not HEADING_RE.match(stack[-1][1])
            level = _level(text, block.level if untyped_parent else None)
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, text))
            out.append(Sentence(text, i, block.location, "heading", tuple(h for _, h in stack)))
            continue
        sections = tuple(h for _, h in stack) or ((block.section,) if block.section else ())
        parts = [text] if block.kind == "table_row" else split_sentences(text)
        pos = 0
        for part in parts:
            at = text.find(part, pos)
            if at < 0:  # split_sentences strips; a piece is always a substring, but never trust it
                continue
            pos = at + len(part)
            if block.kind == "paragraph" and _inline_label(part, announces):
                # 三是实施指南。试点期间，…: an enumerated label that names a requirement heads the rest of its paragraph
                sections = (*sections, part)
                out.append(Sentence(part, i, block.location_at(at), "heading", sections))
                continue
            # (形成了…系统，将GB/T…的要求…转化为数据包模板: that 将 is 把, describing what was done; read so)
            read = _BA.sub("把", part) if _DONE_BEFORE_BA.search(part) else part  # same length: clauses pair up
            clauses = [(c, clause_state(r, markers)) for c, r in zip(_CLAUSE_SPLIT.split(part), _CLAUSE_SPLIT.split(read))
                       if c.strip()]
            in_plan = bool(markers.plan_heading and any(markers.plan_heading.search(h) for h in sections))
            clauses = carry_promise(clauses, in_plan)
            # A text file's block may join several lines: the sentence is located on the line it starts on.
            suspect = bool(instructions and instructions.search(part))
            out.append(Sentence(part, i, block.location_at(at), block.kind, sections, clauses, headers.get(i, ""),
                                suspect, bool(cover and cover.match(nfkc(part)))))
    return out
