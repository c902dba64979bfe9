"""Document structure: paragraphs of a text or file, template sections, issue locations; the section-order and
length rules."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from assistant.polish.data import EXACT, PolishData
from assistant.polish.result import RULES, PolishIssue
from assistant.standards import Catalog, find_numbers
from assistant.textnorm import HEADING_RE, heading_level, is_heading, join_lines, split_sentences

ZH_ORDINAL = "一二三四五六七八九十"
PREAMBLE = "正文开头"

# ---- document structure --------------------------------------------------------------------------


@dataclass
class _Para:
    text: str
    where: str = ""  # loader location: 第12行 / 表1第2行 / 第3页 (line of the paragraph start for text)
    kind: str = "paragraph"  # heading | paragraph | table_row
    level: int | None = None  # heading level (None: a bare known section name)
    lines: list[tuple[int, int]] | None = None  # (offset in text, line number) for text files
    scheme: str | None = None  # how a heading is marked: markdown | ordinal | bold | docx_style | bare
    raw: str = ""  # a row as the entry wrote it, where that differs from `text` (tab-separated cells)

    @property
    def written(self) -> str:
        """The paragraph as the entry writes it, for quoting."""
        return self.raw or self.text

    def line_at(self, offset: int) -> str:
        if not self.lines:
            return self.where
        line = self.lines[0][1]
        for start, number in self.lines:
            if start <= offset:
                line = number
        return f"第{line}行"


@dataclass
class _Section:
    name: str | None  # canonical template name, None for an unknown section / the preamble
    written: str
    heading: _Para | None = None
    paras: list[_Para] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.name or self.written

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paras)


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
# A line that is bold and nothing else (**项目概况**, __一、项目概况__), short and not a sentence: a heading.
_BOLD_LINE = re.compile(r"^(\*\*|__)(?P<text>[^*_\n]{1,30}?)\1[：:]?$")
_PARA_END = tuple("。！？；!?;")
_PREFIX_END = re.compile(r"(?<![A-Za-z])(?:GB|[A-Z]{2}|T\s*/\s*[A-Z]{2,12}|DB\d{2,6})\s*[/／]\s*[TZ]$|(?<![A-Za-z])GB[TZ]?$")


def _strip_heading(text: str) -> str:
    s = re.sub(r"^#{1,6}\s*", "", _unmarked(text.strip()))
    s = s.strip("*_ \u3000")
    s = HEADING_RE.sub("", s, count=1)
    s = _SPACED_NUMBER.sub("", s, count=1)  # "2 标准群构建", "1 Project Overview｜项目概况": a clause number
    s = _SPACED_NUMERAL.sub("", s, count=1)  # "四 取得成效": a bulletin's typesetting puts a space for the 、
    if _OUTLINE_MARK.match(s):
        s = _RULE_END.sub("", _OUTLINE_MARK.sub("", s, count=1))
    s = re.sub(r"[\s\u3000]+", "", s)
    return s.strip("*_：:。.").strip()


def known_section(text: str, marked: bool, names: dict[str, str]) -> str | None:
    """The template section a heading names (`names`: every name and alias → template name): exact, or (for a
    marked heading) a short one containing a name. 的 comes and goes (标准群的构成, 实施的路径); a slide's page
    label (第2页 标准群) is no part of the name."""
    s = _SLIDE.sub("", _strip_heading(text)).replace("的", "") or _strip_heading(text)
    if s not in names and (part := next((x for x in re.split(r"[｜|/／]", s) if re.search(r"[\u4e00-\u9fff]", x)),
                                        None)) and part != s:
        s = part  # "Standards Portfolio｜标准群构成": the Chinese half of a bilingual heading
    if s not in names:  # a bilingual heading (实施路径 Implementation, Project Overview 项目概况): its Chinese part
        s = re.sub(r"^[A-Za-z][A-Za-z&/,.-]*(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff）)])[A-Za-z][A-Za-z&/,.-]*$", "", s)
    if s in names:
        return names[s]
    # 标准群（共7项）, 标准群构成（Standards Cluster）, 应用成效（2022年全年 vs 2024年全年）: an aside is no part of the name
    bare = re.sub(r"[（(](?:[^（）()]{0,12}|[A-Za-z0-9&/,.' -]{1,40}|[^（）()]{0,20}\d{4}[^（）()]{0,20})[）)]$", "", s)
    if EXACT + bare in names or bare in names:
        return names.get(EXACT + bare) or names[bare]
    said = _SLIDE.sub("", _strip_heading(text))  # an exact name written with its 的 (我们用的标准)
    if EXACT + said in names:
        return names[EXACT + said]
    aside = re.search(r"[（(]([^（）()]{2,12})[）)]$", s)  # 用的标准（标准群）: the aside names the section
    if aside and (EXACT + aside.group(1) in names or aside.group(1) in names):
        return names.get(EXACT + aside.group(1)) or names[aside.group(1)]
    if marked and len(bare) <= 16:  # (the name without its aside: 所应用的标准（Standards Applied）)
        for name, canonical in names.items():
            if name in bare:
                return canonical
    return None


def _marker_end(line: str) -> int:
    """Length of the symbols a line opens with (■, ▶, 📌, 1️⃣ keycaps, ✅): marks that stand for a heading level or a
    bullet in WeChat posts and slides, never words."""
    i = 0
    while i < len(line) and (unicodedata.category(line[i]).startswith("S") or line[i] in "\ufe0f\u200d\u20e3"
                             or (line[i].isdigit() and line[i + 1:i + 2] in ("\ufe0f", "\u20e3"))):
        i += 1
    return i if i < len(line) else 0


def _unmarked(line: str) -> str:
    return line[_marker_end(line):].strip()


def _marker_heading(line: str, names: dict[str, str]) -> str | None:
    """A short line opened by symbols whose words name a template section (📌项目概况, ■ 推进路线): a heading."""
    if not _marker_end(line):
        return None
    text = _unmarked(line)
    if len(text) > 20 or any(p in text for p in "。；！？，,") or not known_section(text, True, names):
        return None
    return text


_SLIDE = re.compile(r"^第[\d一二三四五六七八九十]+页")
# 2 标准群构建, 04 | 效果如何 (a WeChat post's numbered bar), Section 4 推广经验 (a translation)
_SPACED_NUMBER = re.compile(r"^(?:(?:Section|Part|Chapter)\s*)?\d{1,2}(?:\.\d{1,2})*(?:\s+|\s*[|｜丨]\s*)"
                            r"(?=[\u4e00-\u9fffA-Za-z])")
_SPACED_NUMERAL = re.compile(r"^[一二三四五六七八九十]{1,3}[ \u3000]+(?=[\u4e00-\u9fff])")
# Other outline marks editors meet: A. 项目概述 (a translation), §1 项目概况, 一｜标准群构成 (a bulletin's bar),
# —— 01 项目概况 —— (a WeChat post's rule-wrapped number)
_OUTLINE_MARK = re.compile(r"^(?:[A-H][.．、)）]\s*|§\s*\d{1,2}(?:\.\d{1,2})*\s*|[一二三四五六七八九十]{1,3}\s*[|｜丨]\s*"
                           r"|[—–=~]{1,4}\s*\d{0,2}\s*)(?=[\u4e00-\u9fffA-Za-z])")
_RUNS_ON = re.compile(r"[，,、；;。]|[：:].")
_RULE_END = re.compile(r"[\s\u3000]*[—–=~]{1,4}$")
_SENTENCE_MARKS = "。；！？，,：:"
LIST_ITEM = re.compile(r"^(?:[-•·▪*]\s|\d{1,2}[.、)）](?!\d)\s*\S|[（(]\d{1,2}[)）])")
_BRACKET_LINE = re.compile(r"^【(?P<text>[^【】]{1,20})】$")
# "项目概况：某企业……", "一、项目概况：……", "【项目概况】某企业……": a section label that starts a line of text.
_LABEL_LINE = re.compile(r"^(?P<head>【[^【】]{1,20}】|[^：:。；，,\t]{2,20}?(?:[：:]|\t+))\s*(?P<body>\S.*)$")


def _label_split(line: str, names: dict[str, str]) -> tuple[str, str, str] | None:
    """(heading, scheme, rest of the line) when a line opens with a template section label."""
    m = _LABEL_LINE.match(line)
    if m is None:
        return None
    head = m.group("head").strip("【】：: \t")
    if not known_section(head, marked=True, names=names) or len(_strip_heading(head)) > 12:
        return None
    return head, ("bracket" if m.group("head").startswith("【") else "label"), m.group("body")


def _bold_heading(line: str) -> str | None:
    m = _BOLD_LINE.match(line)
    if m is None or any(p in m.group("text") for p in "。；！？，,"):
        return None
    return m.group("text").strip()


def _tab_cells(line: str) -> list[str] | None:
    """The cells of a spreadsheet row pasted as text: tab-separated, three cells or more, or two after a leading tab
    (the first column left empty under a label). "项目概况\t公司位于…" (label and text) is no row."""
    if "\t" not in line:
        return None
    cells = [c.strip() for c in line.rstrip().split("\t")]
    lead = not cells[0]
    cells = [c for c in cells if c]
    return cells if len(cells) >= 3 or (lead and len(cells) >= 2) else None


# A line that is a label and a value ending in a figure: 注塑不良率：2.9% → 1.1%, 单套产品装配工时：14.5 → 9.8
_VALUE_LINE = re.compile(r"^[^：:。；，,]{2,20}[：:][^。；]{0,40}\d[%％]?\s*[\u4e00-\u9fffA-Za-z]{0,4}$")


def _bare_title(s: str, lines: list[str], number: int) -> bool:
    """A short unmarked line (≤10 characters, no digit or punctuation) between a blank line and a line of text reads
    as a heading, so it may name a section by containing the name (效果怎么样, 我们怎么做的), like a marked one."""
    before = lines[number - 2].strip() if number >= 2 else ""
    after = lines[number].strip() if number < len(lines) else ""
    return (len(s) <= 10 and not before and bool(after) and not re.search(r"[\d" + _SENTENCE_MARKS + "、]", s)
            and not after.startswith("|"))


def text_paras(text: str, names: dict[str, str]) -> list[_Para]:
    """Paragraphs of plain text / Markdown: '#' lines, outline-marked lines, bold-only lines and bare section names
    are headings; lines join into one paragraph until a blank line or a sentence end."""
    paras: list[_Para] = []
    buf, offsets = "", []

    def flush() -> None:
        nonlocal buf, offsets
        if buf:
            paras.append(_Para(buf, f"第{offsets[0][1]}行", lines=offsets))
        buf, offsets = "", []

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        s = line.strip()
        md = _MD_HEADING.match(s)
        if not s:
            flush()
        elif s.startswith("|") and s.endswith("|"):
            flush()
            cells = [c.strip() for c in s.strip("|").split("|")]
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                # (quoted as written, border bars and all, so an editor can find the row)
                paras.append(_Para(" | ".join(cells), f"第{number}行", "table_row", raw=s))
        elif md:
            flush()
            paras.append(_Para(md.group(2).strip(), f"第{number}行", "heading", len(md.group(1)), scheme="markdown"))
        elif (bracket := _BRACKET_LINE.match(s)) is not None:
            flush()
            paras.append(_Para(bracket.group("text"), f"第{number}行", "heading", None, scheme="bracket"))
        elif (cells := _tab_cells(line)) is not None and not known_section(cells[0], marked=True, names=names):
            flush()  # a spreadsheet row pasted as text (\t产品一次检验合格率\t98.6%\t99.5%)
            paras.append(_Para(" | ".join(cells), f"第{number}行", "table_row", raw=line.strip()))
        elif (label := _label_split(s, names)) is not None:
            flush()
            head, scheme, rest = label
            level = heading_level(head) if HEADING_RE.match(head) else None
            paras.append(_Para(head, f"第{number}行", "heading", level, scheme=scheme))
            if (cells := _tab_cells("\t" + rest)) is not None:  # 应用成效\t指标\t试点前\t试点后: the table's header row
                paras.append(_Para(" | ".join(cells), f"第{number}行", "table_row", raw=rest))
                continue
            buf, offsets = rest, [(0, number)]
            if rest.endswith(_PARA_END):
                flush()
        elif is_heading(s) and not find_numbers(s) and not (LIST_ITEM.match(s) and _RUNS_ON.search(s)):
            # (an outline-numbered line that carries a standard number, "5. GB/T 211", is a list item, as the
            # loaders read it: a number wrapped onto the next line then joins it; so is a list item that is a
            # clause, "（1）窑系统：在2条熟料线部署…，分解炉温度、", wrapped onto the next line)
            flush()
            paras.append(_Para(s, f"第{number}行", "heading", heading_level(s), scheme="ordinal"))
        elif (marker := _marker_heading(s, names)) is not None:
            flush()
            paras.append(_Para(marker, f"第{number}行", "heading", None, scheme="marker"))
        elif (bold := _bold_heading(s)) is not None:
            flush()
            level = heading_level(bold) if HEADING_RE.match(bold) else None
            paras.append(_Para(bold, f"第{number}行", "heading", level, scheme="bold"))
        elif (_SPACED_NUMBER.match(s) or _OUTLINE_MARK.match(s)) and len(s) <= 40 \
                and not any(p in s for p in _SENTENCE_MARKS) and known_section(s, marked=True, names=names):
            flush()  # "1 Project Overview｜项目概况", "3 实施方法与技术路线": a clause-numbered heading
            scheme = "ordinal" if _SPACED_NUMBER.match(s) else "outline"  # (A. / §2 / 三｜ / —— 04 … ——)
            paras.append(_Para(s, f"第{number}行", "heading", heading_level(s), scheme=scheme))
        elif known_section(s, marked=not buf and _bare_title(s, lines, number), names=names):
            flush()  # "效果怎么样" alone on its line after a blank one, with text under it: a plain-spoken heading
            paras.append(_Para(s, f"第{number}行", "heading", None, scheme="bare"))
        else:
            previous = lines[number - 2].strip() if number >= 2 else ""
            if buf and (_marker_end(s) or LIST_ITEM.match(s) or _VALUE_LINE.match(previous)):
                # ✅ …, 📉 …, 1️⃣ …, - …: each bulleted line is an item of its own, not a wrapped sentence; so is the
                # line after a result given as a label and its value (注塑不良率：2.9% → 1.1%)
                flush()
            # a number wrapped right after its prefix (GB/T⏎39116—2020): the break stood for the space there
            joined = f"{buf} {s}" if _PREFIX_END.search(buf) and s[:1].isdigit() else join_lines(buf, s)
            offsets.append((len(joined) - len(s), number))
            buf = joined
            if s.endswith(_PARA_END):
                flush()
    flush()
    return paras


def _docx_headings(path: Path) -> tuple[dict[str, int], set[str]]:
    """Heading level of each styled heading paragraph (Heading N / 标题 N / Title), and the bold-only short lines."""
    import docx

    from assistant.loaders import paragraph_style_names

    levels: dict[str, int] = {}
    bold: set[str] = set()
    try:
        document = docx.Document(str(path))
    except Exception:  # the loader already reported unreadable files
        return levels, bold
    style_of = paragraph_style_names(document)
    for p in document.paragraphs:
        style = style_of(p._p)
        m = re.match(r"(?:heading|标题)\s*(\d)", style, re.IGNORECASE)
        text = p.text.strip()
        if m:
            levels.setdefault(text, int(m.group(1)))
        elif style.lower().startswith("title"):
            levels.setdefault(text, 0)
        elif text and len(text) <= 30 and all(r.bold for r in p.runs if r.text.strip()) and \
                not any(c in text for c in "。；！？，,"):
            bold.add(text)
    return levels, bold


def _file_paras(path: Path, max_mb: float, max_pages: int, names: dict[str, str],
                max_unpacked_mb: float = 200.0) -> list[_Para]:
    from assistant.loaders import decode_text, load_document

    doc = load_document(path, max_mb, max_pages, max_unpacked_mb=max_unpacked_mb)  # validates the file; every failure is one InputError line
    suffix = path.suffix.lower()
    if suffix in {".txt", ".md", ".markdown"}:
        return text_paras(decode_text(path.read_bytes(), path), names)
    levels, bold = _docx_headings(path) if suffix == ".docx" else ({}, set())
    paras = []
    for b in doc.blocks:
        text = b.text.strip()
        if b.kind == "heading" or text in bold or known_section(b.text, marked=False, names=names):
            level = levels.get(text)
            if level is None and HEADING_RE.match(b.text):
                level = heading_level(b.text)
            scheme = ("docx_style" if text in levels else "bold" if text in bold
                      else "ordinal" if HEADING_RE.match(b.text) else "bare")
            paras.append(_Para(b.text, b.location, "heading", level, scheme=scheme))
        elif b.kind == "paragraph" and (label := _label_split(text, names)) is not None:
            head, scheme, rest = label  # "项目概况：某企业……" typed as one Word paragraph
            level = heading_level(head) if HEADING_RE.match(head) else None
            paras.append(_Para(head, b.location, "heading", level, scheme=scheme))
            paras.append(_Para(rest, b.location if b.page else "", "paragraph"))
        else:
            where = b.location if b.kind == "table_row" or b.page else ""
            paras.append(_Para(b.text, where, b.kind))
    return paras


def build_sections(paras: list[_Para], names: dict[str, str]) -> list[_Section]:
    """Group paragraphs under template sections; the first entry is the preamble (title, notes).

    A heading marked the way the template sections are (all Markdown, all bold…) starts a section of its own;
    one marked otherwise (a bold line under Markdown sections) is a sub-heading inside the current section."""
    known = [p for p in paras if p.kind == "heading" and known_section(p.text, True, names)]
    top = min([p.level for p in known if p.level is not None], default=1)
    schemes = {p.scheme for p in known}
    sections = [_Section(None, PREAMBLE)]
    for p in paras:
        if p.kind == "heading":
            name = known_section(p.text, marked=True, names=names)
            marked = bool(HEADING_RE.match(p.text))
            top_level = (p.level is None or p.level <= top) and (p.scheme != "bold" or "bold" in schemes)
            # "1）企业基本情况：…" under 一、项目概况: a labelled item of the section it stands in, not a second one
            if name and p.scheme == "label" and name == sections[-1].name:
                sections[-1].paras.append(replace(p, kind="paragraph"))
                continue
            if name:
                sections.append(_Section(name, p.text, p))
                continue
            if top_level and p.level != 0 and (len(sections) > 1 or (marked and heading_level(p.text) == 1)):
                sections.append(_Section(None, p.text, p))
                continue
        sections[-1].paras.append(p)
    return sections


# ---- checks --------------------------------------------------------------------------------------

def heading_scheme(sections: list[_Section], data: PolishData) -> str:
    """How the write-up marks its section headings, in words (shown in the report)."""
    found = [s.heading for s in sections if s.name and s.heading is not None]
    if not found:
        return "未识别出案例模板的章节标题（全文按一节处理）"
    names = data.structure.schemes
    schemes = list(dict.fromkeys(p.scheme or "bare" for p in found))
    if any(p.scheme != "ordinal" and HEADING_RE.match(_strip_marks(p.text)) for p in found) \
            and "ordinal" not in schemes:
        schemes.append("ordinal")
    return "、".join(names.get(k, k) for k in schemes)


def _strip_marks(text: str) -> str:
    return re.sub(r"^#{1,6}\s*", "", text.strip()).strip("*_ \u3000")


@dataclass
class _Checker:
    catalog: Catalog
    glossary: object
    data: PolishData
    sections: list[_Section]
    issues: list[tuple[tuple, PolishIssue]] = field(default_factory=list)
    _order: int = 0

    @property
    def template(self) -> list[str]:
        return self.data.structure.names

    # -- locations

    def where(self, sec: _Section, para: _Para, offset: int = 0) -> str:
        head = sec.written if sec.name or sec.written != PREAMBLE else PREAMBLE
        if para.kind == "table_row":
            return f"{head} {para.where}"
        body = [p for p in sec.paras if p.kind != "table_row"]
        n = next((i for i, p in enumerate(body, 1) if p is para), 0)
        label = f"{head} 第{n}段"
        detail = para.line_at(offset) if para.lines else para.where
        return f"{label}（{detail}）" if detail else label

    def heading_where(self, sec: _Section) -> str:
        if sec.heading is None:
            return sec.written
        return f"{sec.written}（{sec.heading.where}）" if sec.heading.where else sec.written

    def add(self, rule: str, sec_label: str, location: str, message: str, fix: str, pos: tuple,
            kinds: tuple[str, ...] = (), quote: str = "", context: str = "") -> None:
        """Record one issue. `kinds` are the problem kinds it reports (number_form, wording:ranking…), `quote` the
        text it is about; `context` defaults to the sentence of the paragraph at `pos`."""
        self.issues.append(((*pos, RULES.index(rule)), PolishIssue(
            rule=rule, location=location, message=message, fix=fix,
            section="" if sec_label == PREAMBLE else sec_label, kinds=list(kinds or (rule,)), quote=quote,
            context=context or self._sentence_at(pos))))

    def _sentence_at(self, pos: tuple) -> str:
        si, pi, offset = pos[0], pos[1], pos[2]
        if not (0 <= si < len(self.sections)) or not (0 <= pi < len(self.sections[si].paras)):
            return ""
        text = self.sections[si].paras[pi].text
        for start, sent in _sentences(text):
            if start <= offset < start + len(sent):
                return sent
        return text

    def body(self):
        """(section index, section, paragraph index, paragraph) for every body paragraph, in order."""
        for si, sec in enumerate(self.sections):
            for pi, para in enumerate(sec.paras):
                yield si, sec, pi, para


# -- 1 sections

def check_sections(ck: _Checker) -> None:
    template = ck.template
    found = [(si, s) for si, s in enumerate(ck.sections) if s.name]
    seen: dict[str, int] = {}
    firsts: list[tuple[int, _Section]] = []
    for si, s in found:
        if s.name in seen:
            ck.add("sections", s.name, ck.heading_where(s), f"章节“{s.name}”重复出现",
                   f"把本节内容并入前面的“{ck.sections[seen[s.name]].written}”，删除重复的标题", (si, -1, 0),
                   ("section_duplicate",), s.written, s.written)
        else:
            seen[s.name] = si
            firsts.append((si, s))
    _order_problems(ck, firsts, seen)
    for t, name in enumerate(template):
        if name in seen:
            continue
        ck.add("sections", name, f"{name}（缺失）", f"缺少案例模板要求的章节“{ZH_ORDINAL[t]}、{name}”",
               f"{_insert_point(ck, seen, t)}增加“{ZH_ORDINAL[t]}、{name}”一节，写明{ck.data.structure.hint(name)}",
               (len(ck.sections), t, 0), ("missing_section",), name, name)
    for si, s in enumerate(ck.sections):
        if si == 0:
            continue
        if s.name is None:
            ck.add("sections", s.written, ck.heading_where(s), f"“{s.written}”不是案例模板中的章节",
                   "将本节内容并入模板中的相应章节（" + "、".join(template) + "），并删除该标题", (si, -1, 0),
                   ("section_unknown",), s.written, s.written)
        elif not "".join(p.text for p in s.paras).strip() and not _has_subsections(ck.sections, si):
            ck.add("sections", s.name, ck.heading_where(s), f"章节“{s.name}”没有正文",
                   f"补写本节：{ck.data.structure.hint(s.name)}", (si, -1, 0), ("section_empty", "missing_section"),
                   s.written, s.written)  # a heading without text leaves the section missing all the same


def _order_problems(ck: _Checker, firsts: list[tuple[int, _Section]], seen: dict[str, int]) -> None:
    """Sections off the longest run that follows the template order are out of order."""
    template = ck.template
    keep = _lis([template.index(s.name) for _, s in firsts])
    for k, (si, s) in enumerate(firsts):
        if k in keep:
            continue
        t = template.index(s.name)
        prev = next((template[j] for j in range(t - 1, -1, -1) if template[j] in seen), None)
        after = next((template[j] for j in range(t + 1, len(template)) if template[j] in seen), None)
        fix = (f"将“{s.written}”移到“{ck.sections[seen[prev]].written}”之后" if prev
               else f"将“{s.written}”移到“{ck.sections[seen[after]].written}”之前" if after
               else f"将“{s.written}”移到其他章节之前")
        ck.add("sections", s.name, ck.heading_where(s),
               f"章节顺序与案例模板不一致：“{s.name}”应为第{t + 1}节",
               fix + "；模板顺序：" + " ".join(f"{ZH_ORDINAL[i]}、{n}" for i, n in enumerate(template)),
               (si, -1, 0), ("section_order",), s.written, s.written)


def _insert_point(ck: _Checker, seen: dict[str, int], t: int) -> str:
    """Where the missing template section t goes: after the section before it in the template (an existing one,
    or the one added for it just before), before the next existing one, or at the end of the write-up."""
    template = ck.template
    if t > 0:
        prev = template[t - 1]
        if prev not in seen:
            return f"在新增的“{ZH_ORDINAL[t - 1]}、{prev}”一节之后"
        si = seen[prev]
        last = si == len(ck.sections) - 1
        return f"在“{ck.sections[si].written}”一节之后" + ("（文末）" if last else "")
    after = next((template[j] for j in range(1, len(template)) if template[j] in seen), None)
    if after is not None:
        return f"在“{ck.sections[seen[after]].written}”一节之前（作为第一节）"
    return "在文末"


# -- 7 length

def check_length(ck: _Checker) -> None:
    limits = ck.glossary.section_limits
    for si, sec in enumerate(ck.sections):
        limit = limits.get(sec.name or "")
        chars = _chars(sec.text)
        if limit and chars > limit:
            ck.add("length", sec.label, ck.heading_where(sec),
                   f"“{sec.label}”共 {chars} 字（不含空白），超过上限 {limit} 字",
                   f"精简约 {chars - limit} 字：删去重复表述和背景铺陈，保留标准、做法和可核实的数据", (si, -1, 1),
                   ("section_length",), sec.written, sec.written)


def _lis(seq: list[int]) -> set[int]:
    """Indices of one longest strictly increasing subsequence (ties: the earliest)."""
    n = len(seq)
    if not n:
        return set()
    best = [1] * n
    prev = [-1] * n
    for i in range(n):
        for j in range(i):
            if seq[j] < seq[i] and best[j] + 1 >= best[i]:
                best[i], prev[i] = best[j] + 1, j
    i = max(range(n), key=lambda k: (best[k], -k))
    out = set()
    while i != -1:
        out.add(i)
        i = prev[i]
    return out


def _chars(text: str) -> int:
    return len(re.sub(r"\s+", "", text))


def _sentences(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for s in split_sentences(text):
        start = text.find(s, pos)
        start = pos if start < 0 else start
        out.append((start, s))
        pos = start + len(s)
    return out


def _has_subsections(sections: list[_Section], si: int) -> bool:
    """"1 项目概况" followed by "1.1 企业基本情况": its text sits in numbered subsections, it is not empty."""
    number = re.match(r"\s*(\d+)(?:\s|[.．、](?!\d))", sections[si].written)
    nxt = sections[si + 1].written if si + 1 < len(sections) else ""
    return bool(number) and bool(re.match(rf"\s*{number.group(1)}[.．]\d", nxt))
