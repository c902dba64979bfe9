"""Clauses of a scenario and their stance: what the applicant commits to, what is settled, what is context.

Read once per scenario and shared by suggest (a need phrase in a settled clause is no commitment) and draft
(scenes are the committed clauses, grouped):
- segment: clauses, each with its sentence and segment (a segment begins after ；, a colon, a new line or at an
  enumerator), whether it is an item the applicant enumerates, opens with an additive lead (同时, 另外) or is a
  heading (ends with a colon);
- stance: each clause is settled (exists already, someone else's, out of this application), committed (inside
  the list of what the pilot will do, in a sentence of intent, with a verb of building, an enumerated item), weak
  (a verb of committing and a need only) or context.
The cue words are data (corpus/plan/scene_cues.yaml).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from assistant.yamlio import load_yaml

CUES_FILE = Path("plan") / "scene_cues.yaml"

# A clause ends at Chinese or ASCII punctuation, a new line, or an English full stop before a capital letter
# (English applicants write sentences, not 。).
_CLAUSE = re.compile(r"(?:[^，,。；;：:！？!?\n.]|\.(?!\s+[A-Z(]))+[：:]?")
# Verbs of committing: a clause with one names a need it will act on ("建设MES"); with none it describes the
# situation ("采购、仓储和配送分属不同系统").
COMMIT = re.compile(r"建设|实现|上线|开展|实施|打通|建立|推进|推动|引入|导入|通过|提供|做|完成|统一|部署|改造|形成|搭建|"
                     r"采用|构建|升级|接入|进行|推行|打造|开发|建成|应用|引进|替代|对接|优化|"
                     r"\b(?:deploy|build|implement|introduce|connect|assign|establish|set up|roll out)")
# Verbs of building something (narrower: 做/提供/通过 also describe what a company is or does).
BUILD = re.compile(r"建设|上线|开展|实施|打通|建立|推进|引入|导入|部署|改造|搭建|构建|升级|接入|推行|打造|开发|建成|引进|对接|"
                   r"编制|制定|研制|"
                    r"\b(?:deploy|build|implement|introduce|connect|assign|establish|set up|roll out)")
# Intent plus an action, in the words people use (想做…, 准备建…, 要上…, 打算改造…, the Company will …).
WILL = re.compile(r"(?:想|准备|打算|拟|计划|将|力争|争取|(?<![需主重只])要(?!求))(?:[\u4e00-\u9fff]{0,3}?)"
                   r"(?:做|建|上|搞|把|给|对|用|弄|记|实现|开展|推进|完成|引入|改造|达到|下降|提升|降低|联网|形成|开发|编制|组织|扩展|扩大|"
                   r"延伸|推广|升级|覆盖|接入)"
                   r"|\b(?:will|plans? to|intends? to)\b", re.IGNORECASE)
_INTENT = re.compile(r"^(?:(?:这次|本次|此次|本期|今年|明年|下一步|本项目|项目|我们|公司|我司|企业|集团)(?:还|也|就)?)?"
                     r"(?:计划|拟|想要|想|准备|打算|希望|要(?!求)|将|需要)|^(?:这次|本次|此次|本期)")
# 拟 is intent wherever it stands (本期拟基于…建设), and so is what this application covers (本次只申报…)
_INTENT_ANYWHERE = re.compile(r"拟(?!定)|(?:本次|这次|此次|本期)(?:只|主要|重点)?(?:申报|做|建|包括|涉及|实施)")
_ENUMERATED = re.compile(r"\s*(?:[一二三四五六七八九十]是|[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十](?:是|[，,、])|其[一二三四五六七八九十][，,、]?|"
                         r"第[一二三四五六七八九十]个(?:是)?|\d\ufe0f?\u20e3|"
                         r"\d{1,2}\s*[.．、)）](?!\d)|[（(](?:[一二三四五六七八九十\d]{1,2}|[a-zA-Z])[）)]|[①②③④⑤⑥⑦⑧⑨⑩]|"
                         r"[•·▪◆●■*▶►➤✅✔☑☐□]|-\s)")
# An item's marker, to leave out of its text: 1. / （一） / (a) / ① / • ▶ / 1️⃣ / 一、 / 第一个是 (not the 2. of 2.5万吨)
LIST_MARK = re.compile(r"^\s*(?:\d{1,2}\s*[.．、)）](?!\d)|[（(](?:[\d一二三四五六七八九十]{1,2}|[a-zA-Z])[）)]|[一二三四五六七八九十]{1,3}、|"
                       r"[①②③④⑤⑥⑦⑧⑨⑩]|[•·▪◆●■*▶►➤✅✔☑☐□\-]|\d\ufe0f?\u20e3|第[一二三四五六七八九十]个(?:是)?)\s*")
_ACTS_ON = re.compile(r"(?:对|把|将|在|基于|围绕|依托|利用|针对|结合)[^，,。；;]{0,12}$")
# A dated completion (2016年上线用友ERP, 设备上云1.1万台（2022—2025年完成）): done when the year is past.
_DATED = re.compile(r"(\d{4})\s*年(?:\d{1,2}\s*月)?[^，,。；;\d]{0,10}?(?:上线|建成|投用|投运|投产|完成|部署|实施|引入|交付|拿到|获得|"
                    r"通过|验收|上了|引进|改造)")
# Pasted tables: cells separated by tabs or |; spoken text: clauses separated by spaces only.
_CELL = re.compile(r"\t+| ?[|｜] ?")
_SPOKEN_GAP = re.compile(r"(?<=[\u4e00-\u9fff])[ \u3000]+(?=[\u4e00-\u9fff])")
# "首先，…；其次，…", "场景一：…": the enumerator marks the next clause as an item and is not itself text.
_BARE_ENUMERATOR = re.compile(r"首先|其次|再次|然后|最后|此外|另外|第[一二三四五六七八九十]|其[一二三四五六七八九十]|"
                              r"场景[一二三四五六七八九十\d]{1,2}")
# Purpose or effect of the previous clause, or a pronoun for it: the clause finishes that scene's sentence.
CONTINUES = re.compile(r"\s*(?:以|用于|从而|实现|降低|提高|提升|减少|缩短|解决|这个|这些|这项|此项|它们?|其[^一二三四五六七八九十余他])")
# After a settled clause, also what it was done to (2020年建成能源管控中心，对窑炉天然气…进行分项计量); after a
# committed one, 对… starts a scene of its own (建设能源管理系统，对压机进行联网), so scenes read CONTINUES only.
_SETTLED_TAIL = re.compile(CONTINUES.pattern + r"|\s*对")
# "现在 → 试点后": the part after the arrow is what the pilot makes of it.
_ARROW = re.compile(r"→|->|⟶|➡")
# The thing a correcting item names first (无菌灌装线这次不做了, 原来说的熔铸车间改造去掉).
_CORRECTED = re.compile(r"^(?:原来说的|本来想说的?|之前说的|上次说的)?(?P<topic>[\u4e00-\u9fffA-Za-z]{2,10}?)"
                        r"(?:这次|本次|此次|也|暂|不|已|就|先|去掉|删掉|改为|的)")
# The thing a settling line points back to (烘缸那块…, 熔铸车间那部分…): a demonstrative says it was named before;
# a plain subject (ERP是2019年上线的) may be new, so it settles only itself.
_TOPIC = re.compile(r"^(?P<topic>[\u4e00-\u9fffA-Za-z]{2,8}?)(?:那块|那个|那边|这块|那部分|这部分|那件事)")
# Things listed back by a demonstrative (上述能源、绿色工厂两块内容…, 以上MES和WMS两项…): named before, all of them.
_ABOVE = re.compile(r"^(?:上述|以上|前述|前面(?:说的|提到的)?)(?P<topics>[\u4e00-\u9fffA-Za-z、和与及]{2,24}?)"
                    r"(?:两块|三块|几块|两项|三项|几项|两部分|这些|内容|部分|工作)")
_SENTENCE_END = "。！？!?\n"
_SEGMENT_START = "；;\n。！？!?：:"


@dataclass(frozen=True)
class Cues:
    plan_openers: re.Pattern
    heading_intent: re.Pattern
    labels: frozenset[str]
    past: re.Pattern
    existing: re.Pattern
    others: re.Pattern
    out_of_scope: re.Pattern
    fillers: tuple[str, ...]
    leads: re.Pattern
    self_description: re.Pattern
    heading_chars: int = 6
    table_headers: frozenset[str] = frozenset()
    settled_headings: re.Pattern = re.compile(r"(?!)")
    form_labels: frozenset[str] = frozenset()
    meta: re.Pattern = re.compile(r"(?!)")
    corrections: re.Pattern = re.compile(r"(?!)")
    checklist_done: frozenset[str] = frozenset()
    checklist_todo: frozenset[str] = frozenset()
    slogans: re.Pattern = re.compile(r"(?!)")
    slogan_fillers: tuple[str, ...] = ()
    background_labels: re.Pattern = re.compile(r"(?!)")
    omit: re.Pattern = re.compile(r"(?!)")


def _any(patterns: list[str], anchor: str = "") -> re.Pattern:
    return re.compile(anchor + "(?:" + "|".join(f"(?:{p})" for p in patterns) + ")", re.IGNORECASE) if patterns \
        else re.compile(r"(?!)")


@lru_cache(maxsize=4)
def load_cues(corpus_root: Path) -> Cues:
    data = load_yaml((Path(corpus_root) / CUES_FILE).read_text(encoding="utf-8")) or {}

    def words(key: str) -> list[str]:
        return [str(w) for w in data.get(key) or []]

    return Cues(_any(words("plan_openers")), _any(words("heading_intent")), frozenset(words("labels")),
                _any(words("past")), _any([re.escape(w) for w in words("existing")]), _any(words("others")),
                _any(words("out_of_scope")),
                tuple(sorted(words("out_of_scope_fillers"), key=len, reverse=True)),
                _any(words("leads"), r"^\s*"), _any(words("self_description")), int(data.get("heading_chars") or 6),
                frozenset(words("table_headers")), _any(words("settled_headings"), "^"),
                frozenset(words("form_labels")), _any(words("meta")),
                _any([re.escape(w) for w in words("corrections")]), frozenset(words("checklist_done")),
                frozenset(words("checklist_todo")), _any(words("slogans")),
                tuple(sorted(words("slogan_fillers"), key=len, reverse=True)), _any(words("background_labels")),
                _any([re.escape(w) for w in words("omit")]))


@dataclass
class Clause:
    text: str
    start: int
    sentence: int
    segment: int  # clauses of one segment share it; a segment begins after ；, a colon, a new line, an item
    listed: bool  # an item the applicant enumerates (一是…, 1., ①, (a), the clause after 首先 or 场景一：)
    lead: bool  # opens with 同时/另外/再就是…: a further commitment
    heading: bool  # ends with a colon: introduces what follows
    needs: list[tuple[str, str]]  # (need id, phrase) the clause names
    line_end: bool = False  # the clause ends its line (▶ 本期试点（2026—2027） on a line of its own)
    row: bool = False  # a cell of a pasted table row
    end: int = -1  # where the clause ends in the scenario (a table cell's text is tidied, so not start + len)
    quoted: bool = False  # on a line quoting an earlier message (> 原邮件：…): superseded, never a commitment
    mark: str = ""  # the symbol its line opens with (☐, ☑, ▶…), for checklists
    aside: bool = False  # opens a bracketed aside that holds clauses of its own (…（按GB/T 23331建立，后转版）)
    asked: bool = False  # ends with a question mark (发泡要不要加？): a question commits to nothing
    stance: str = "context"  # "settled" | "committed" | "weak" (a verb of committing and a need only) | "context"


def _normalised(scenario: str) -> tuple[str, set[int]]:
    """The text with table cells and spoken pauses turned into commas (same length, so spans stay), and the
    starts of the lines that are table rows."""
    chars, rows = list(scenario), set()
    at = 0
    for line in scenario.split("\n"):
        if "\t" in line or line.count("|") >= 2:
            rows.add(at)
            for m in _CELL.finditer(line):
                chars[at + m.start()] = "，"
                for k in range(at + m.start() + 1, at + m.end()):
                    chars[k] = " "
        elif not re.search(r"[，。；,;]", line) and len(_SPOKEN_GAP.findall(line)) >= 2:
            for m in _SPOKEN_GAP.finditer(line):
                chars[at + m.start()] = "，"
        at += len(line) + 1
    # An aside in brackets that holds clauses of its own (…柔性排产（商城小程序2023年已经上线，这块不用写）) begins a clause:
    # what it says (done, not to be written) is not said of the words before it.
    for m in _ASIDE.finditer(scenario):
        chars[m.start()] = "，"
    return "".join(chars), rows


def _untagged(scenario: str) -> str:
    """A chat export's speaker tags ([张工 09:12] …, [语音转文字 3] …) blanked (same length, so spans stay): they say
    who spoke, not what, and their colons and digits would cut and number the clauses."""
    tags = list(_SPEAKER.finditer(scenario))
    if len(tags) < 2:
        return scenario
    chars = list(scenario)
    for m in tags:
        chars[m.start("tag"):m.end("tag")] = " " * (m.end("tag") - m.start("tag"))
    return "".join(chars)


# (…with the speaker's name after the bracket: [2026-11-20 14:02] 周经理：…)
_SPEAKER = re.compile(r"^[ \t]*(?P<tag>[\[［][^\]］\n]{1,24}[\]］](?:[ \t]*(?:[\u4e00-\u9fff]{1,3}(?:经理|工程师|工|总|主任|厂长|"
                      r"部长|科长|老师|师傅|主管|助理|秘书|总监)|[小老][\u4e00-\u9fff])[：:])?)[ \t]*(?=\S)", re.M)
_ASIDE = re.compile(r"[（(](?=[^（）()\n]{2,60}[，,][^（）()\n]{1,40}[）)])")


def segment(scenario: str, needs_in, headers: frozenset[str] = frozenset()) -> list[Clause]:
    """The scenario's clauses; bare enumerators (首先, 场景一：) and row numbers are dropped and mark the next clause
    as an item; a table row is one item; a table's header row is no text."""
    text_, rows = _normalised(scenario)
    raw = [(m.start(), scenario[m.start():m.end()]) for m in _CLAUSE.finditer(text_)
           if m.group().strip(" ，,：:.")]
    out: list[Clause] = []
    sentence = seg = 0
    mark_next, header_line = False, -1
    for k, (at, text) in enumerate(raw):
        line_start = text_.rfind("\n", 0, at) + 1
        before = text_[at - 1] if at > 0 else "\n"
        if k and (before in _SENTENCE_END or (before == "." and text_[at - 2:at - 1] != ".")):
            sentence += 1
        row_start = line_start in rows and not text_[line_start:at].strip(" ，")
        text = _CELL.sub("，", text).strip(" ，") if line_start in rows else text
        cells = [c.strip(" ，") for c in re.split(r"[，,]", text)]
        if line_start == header_line or (line_start in rows and row_start and cells
                                         and all(c in headers for c in cells if c)):
            header_line = line_start
            continue  # 序号  建设内容  预期目标  完成时间
        new_segment = k == 0 or before in _SEGMENT_START or before == "." or bool(_ENUMERATED.match(text)) or row_start
        bare = text.strip(" ，,、：:")
        if _BARE_ENUMERATOR.fullmatch(bare) or (line_start in rows and re.fullmatch(r"\d{1,3}", bare)):
            mark_next = True
            seg += 1
            continue
        if new_segment or mark_next:
            seg += k > 0
        end = at + len(raw[k][1])
        out.append(Clause(text, at, sentence, seg, mark_next or row_start or bool(_ENUMERATED.match(text)), False,
                          text.rstrip().endswith(("：", ":")), needs_in(text),
                          line_end=end >= len(text_) or text_[end] == "\n", row=line_start in rows, end=end,
                          quoted=text_[line_start:line_start + 1] in (">", "＞"), mark=_line_mark(text_, line_start),
                          aside=at > 0 and scenario[at - 1] in "（(", asked=(end < len(text_) and text_[end] in "？?")
                          or text.rstrip().endswith(("呢", "吗"))))
        mark_next = False
    return out


_INDENT_THEN = re.compile(r"[ \t\u3000]*(\S)")


def _line_mark(text: str, line_start: int) -> str:
    """The first character of the line after its indent (☑ in "  ☑ 冲压线联网")."""
    m = _INDENT_THEN.match(text, line_start)
    return m.group(1) if m else ""


def _residue(text: str, cue: re.Match, fillers: tuple[str, ...]) -> str:
    rest = text[:cue.start()] + text[cue.end():]
    for w in fillers:
        rest = rest.replace(w, "")
    return re.sub(r"[\W_\d]+", "", rest)


def stance(clauses: list[Clause], cues: Cues) -> None:
    """Settled, committed, weak or context, for every clause in place."""
    this_year = date.today().year
    # A checklist (☑ done, ☐ to do, both used): the mark says it, whatever the words.
    marks = {c.mark for c in clauses}
    checklist = bool(marks & cues.checklist_done) and bool(marks & cues.checklist_todo)
    for c in clauses:
        c.lead = bool(cues.leads.match(c.text))
        if checklist and c.mark in cues.checklist_done:
            c.stance = "settled"
            continue
        if checklist and c.mark in cues.checklist_todo and c.text.lstrip().startswith(c.mark):
            c.listed = True  # ☐ 阀体机加工车间联网: an item to do, whatever its words
        dated = any(int(m.group(1)) < this_year for m in _DATED.finditer(c.text))
        # A heading's past participle names its item (已交付车辆：…); headings settle by settled_headings only.
        if not c.heading and ((cues.past.search(c.text) or dated) and not WILL.search(c.text)
                              or cues.others.search(c.text)):
            c.stance = "settled"
    for k, c in enumerate(clauses):
        m = cues.out_of_scope.search(c.text)
        if not m:
            continue
        c.stance = "settled"
        if c.listed and marker_kind(c.text) and len(_residue(LIST_MARK.sub("", c.text), m, cues.fillers)) <= 2:
            # "4. 不在本次范围" then "(1) …; (2) …": an item that is only the cue settles its sub-items (an item
            # counted in words, 另外，刚才说的第三个不算, has no sub-items: what follows is a new commitment)
            for j in _sub_items(clauses, k):
                clauses[j].stance = "settled"
        if len(_residue(c.text, m, cues.fillers)) <= 2:  # "…，不属于本项目": the cue is about its segment
            # back to the segment's start, or to a clause already settled (清梳联改造去年已经做完了，不用写: the cue
            # is about that one, not the commitment before it)
            for earlier in reversed(clauses[:k]):
                if earlier.segment != c.segment or earlier.sentence != c.sentence or earlier.stance == "settled":
                    break
                earlier.stance = "settled"
    # A heading that says its list is done, someone else's or later (已建系统：…, 二期再做：…, 不在范围：…) settles
    # the block it introduces, to the next item or heading.
    for k, c in enumerate(clauses):
        if c.heading and (c.stance == "settled" or cues.settled_headings.search(_label(c))):
            for j in (k, *_block(clauses, k)):
                clauses[j].stance = "settled"
    # A form field (时间：…, 联系人：…) and what follows it to the next item or heading are context.
    form = {j for k, c in enumerate(clauses) if c.heading and _label(c).strip(" ，,：:") in cues.form_labels
            for j in (k, *_block(clauses, k))}
    # A table row is one item: a cell saying it is done or someone else's (已上线, 合作方负责, 客户项目，不申报)
    # settles the row.
    settled_rows = {c.segment for c in clauses if c.row and c.stance == "settled"}
    for c in clauses:
        if c.row and c.segment in settled_rows:
            c.stance = "settled"
    # A later line that settles a topic it points back to (烘缸那块去年已经做过了，别重复) settles the earlier clauses
    # that proposed it: in chats and minutes the decision follows the proposal.
    for k, c in enumerate(clauses):
        topic = _TOPIC.match(c.text.strip()) if c.stance == "settled" else None
        if topic:
            _settle_mentions(clauses[:k], topic.group("topic"))
        listed = _ABOVE.match(c.text.strip()) if c.stance == "settled" else None
        for name in re.split(r"[、和与及]", listed.group("topics")) if listed else ():
            if len(name) >= 2:  # 上述能源、绿色工厂两块内容本次不再纳入: each thing named before is out
                _settle_mentions(clauses[:k], name)
    # Under a correction (补充：, 更正：) an item that is settled drops what was said of the same thing before it.
    fix_at = next((k for k, c in enumerate(clauses) if c.heading and cues.corrections.search(c.text)), None)
    if fix_at is not None:
        for c in clauses[fix_at + 1:]:
            topic = _CORRECTED.match(LIST_MARK.sub("", c.text).strip()) if c.stance == "settled" else None
            if topic:
                _settle_mentions(clauses[:fix_at], topic.group("topic"))
    for c in clauses:
        if c.quoted:
            c.stance = "settled"
    # An aside says more of the clause it follows: after a settled one (2021年通过能源管理体系认证（按GB/T 23331—2012
    # 建立，后转版）) it is settled too; after a commitment it stands on its own (…柔性排产（小程序去年已经上线…）).
    for prev, c in pairwise(clauses):
        if c.aside and prev.stance == "settled" and c.stance != "settled":
            c.stance = "settled"
    # A settled clause's tail (…于2022年全面上线，实现了采购与财务一体化) is settled with it.
    for prev, c in pairwise(clauses):
        if prev.stance == "settled" and c.stance != "settled" and c.sentence == prev.sentence \
                and not c.lead and not c.listed and not WILL.search(c.text) and _SETTLED_TAIL.match(c.text):
            c.stance = "settled"
    zone_until: int | None = None  # None: no plan list; -1: to the end of the text; n: to the end of sentence n
    intent_sentence = committed_segment = -1
    for k, c in enumerate(clauses):
        if c.stance == "settled":
            continue
        if k in form or cues.meta.search(c.text.strip(" ，,")):
            c.stance = "context"
            continue
        in_zone = zone_until is not None and (zone_until == -1 or c.sentence <= zone_until)
        opener = bool(cues.plan_openers.search(c.text)) and len(c.text) <= 30
        opens = opener or (c.heading and bool(cues.heading_intent.search(c.text) or WILL.search(c.text)))
        if opens:
            # to the end of the text after a colon, 如下, or an opener that is a line of its own (▶ 本期试点（2026—2027）)
            ends_list = c.heading or bool(re.search(r"如下|以下", c.text)) or (c.line_end and len(c.text.strip()) <= 30)
            zone_until = -1 if ends_list or zone_until == -1 else c.sentence  # sentences only grow
        intent = bool(WILL.search(c.text) or _INTENT.match(c.text.strip()) or _INTENT_ANYWHERE.search(c.text))
        if intent:
            intent_sentence = c.sentence
        # 现有的MES is what exists; 对基地现有23套信息系统做架构梳理 acts on it (an object marker before the cue)
        cue = cues.existing.search(c.text)
        existing = bool(cue) and not intent and not _ACTS_ON.search(c.text[:cue.start()])
        if cues.self_description.search(c.text.strip(" ，,")) and not intent and not c.listed:
            c.stance = "context"
        elif c.listed and not existing and (in_zone or intent or c.sentence == intent_sentence or c.needs
                                            or COMMIT.search(c.text) or not c.line_end or c.row):
            # an enumerated item, unless it is a verbless, needless name listed outside any plan (集团下属三家子公司：
            # 一是XX热轧公司，二是…)
            c.stance = "committed"
        elif intent or not existing and (BUILD.search(c.text) or in_zone or c.sentence == intent_sentence
                                         or c.segment == committed_segment or _ARROW.search(c.text)):
            # a verb of building, inside the plan list, in a sentence of intent, or the tail of a commitment
            c.stance = "committed"
        elif COMMIT.search(c.text) and c.needs and not existing:
            c.stance = "weak"
        if c.stance == "committed":
            committed_segment = c.segment
    # The titles of one item list share their stance: when one title commits (1. 灌装工序：12台灌装机接入系统…), so
    # do its siblings (2. 称重复核：), unless settled or only background (企业概况：).
    titles = [k for k, c in enumerate(clauses) if c.heading and c.listed]
    for k in titles:
        if clauses[k].stance == "context" and any(clauses[j].stance == "committed" for j in _block(clauses, k)):
            clauses[k].stance = "committed"
    kinds = {marker_kind(clauses[k].text) for k in titles if clauses[k].stance == "committed"}
    for k in titles:
        c = clauses[k]
        if c.stance == "context" and marker_kind(c.text) in kinds and k not in form \
                and not cues.background_labels.search(_label(c)) and len(_label(c).strip(" ，,：:")) <= 10:
            c.stance = "committed"
    # An enumerated item's title (2. 导通检测：) commits its block (所有线束100%电检，测试结果与线束条码绑定): the item is
    # what the pilot will do, whatever verbs its lines use; what the block says exists (目前…) stays as it is.
    for k, c in enumerate(clauses):
        if c.heading and c.listed and c.stance == "committed":
            for j in _block(clauses, k):
                b = clauses[j]
                if b.stance == "context" and j not in form and not (cues.existing.search(b.text) and not WILL.search(b.text)):
                    b.stance = "committed"
    # A question (郑工：发泡要不要加？ 面套缝纫那个排产系统呢？) proposes; the answer, if any, commits or settles.
    for c in clauses:
        if c.asked and c.stance in ("committed", "weak"):
            c.stance = "context"
    # A slogan (全面推进数字化转型，提升管理水平，打造行业标杆) names nothing to build: it commits to no scene.
    for c in clauses:
        if c.stance in ("committed", "weak") and not c.needs and not c.heading and cues.slogans.search(c.text) \
                and len(_slogan_residue(c.text, cues)) <= 1:
            c.stance = "context"
    # A terse note (钢结构厂。套料排版+数控切割联网；构件二维码从车间跟到工地吊装。) names what it will do without a
    # verb of intent: when nothing else commits, a clause that names a need and says it does not exist yet commits.
    if not any(c.stance in ("committed", "weak") for c in clauses):
        for k, c in enumerate(clauses):
            if c.stance == "context" and c.needs and not c.asked and k not in form and not cues.existing.search(c.text) \
                    and not cues.self_description.search(c.text.strip(" ，,")) and not cues.meta.search(c.text.strip(" ，,")):
                c.stance = "committed"
    # A heading or item label whose whole block is settled (· 比例阀：配套厂供货 → 不变，不在试点) is settled with it.
    for k, c in enumerate(clauses):
        block = _block(clauses, k) if c.heading else []
        if block and c.stance != "settled" and all(clauses[j].stance == "settled" for j in block):
            c.stance = "settled"


def _slogan_residue(text: str, cues: Cues) -> str:
    """What a clause says besides slogans, verbs of committing or intent and degree words."""
    rest = WILL.sub("", COMMIT.sub("", cues.slogans.sub("", LIST_MARK.sub("", text))))
    for w in cues.slogan_fillers:
        rest = rest.replace(w, "")
    return re.sub(r"[\W_\d]+", "", rest)


def _settle_mentions(earlier: list[Clause], topic: str) -> None:
    """The clauses (not headings) that named a thing a later line rules out are settled with it."""
    for c in earlier:
        if topic in c.text and not c.heading:
            c.stance = "settled"


def marker_kind(text: str) -> str:
    """The shape of an item's marker (4. and 5. are one kind, (1) another, 一、 a third)."""
    m = LIST_MARK.match(text)
    return re.sub(r"[一二三四五六七八九十]", "一", re.sub(r"\d", "9", re.sub(r"[a-zA-Z]", "a", m.group(0).strip()))) \
        if m else ""


def _sub_items(clauses: list[Clause], k: int) -> list[int]:
    """The clauses after item k up to the next item of its own kind or a heading: its sub-items."""
    kind, out = marker_kind(clauses[k].text), []
    for j in range(k + 1, len(clauses)):
        if (clauses[j].listed and marker_kind(clauses[j].text) == kind) or (clauses[j].heading and not clauses[j].listed):
            break
        out.append(j)
    return out


def _label(c: Clause) -> str:
    """A heading's words without its item marker (3. 已建系统： → 已建系统：)."""
    return LIST_MARK.sub("", c.text.strip())


def _block(clauses: list[Clause], k: int) -> list[int]:
    """The clauses a heading introduces: those after it, to the next item or heading."""
    out = []
    for j in range(k + 1, len(clauses)):
        if clauses[j].listed or clauses[j].heading:
            break
        out.append(j)
    return out


def read_clauses(text: str, needs_in, corpus_root: Path) -> list[Clause]:
    """The scenario's clauses with their stance; `needs_in(clause)` gives the (need id, phrase) pairs it names."""
    cues = load_cues(Path(corpus_root))
    clauses = segment(_untagged(text), needs_in, cues.table_headers)
    if len(_SPEAKER.findall(text)) < 2:  # a question in a chat is a colleague's proposal; one put to us
        for c in clauses:                # (能不能把…也写进去？…这两个我们是打算一起干的) may be a commitment
            c.asked = False
    stance(clauses, cues)
    return clauses
