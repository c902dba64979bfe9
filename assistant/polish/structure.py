"""Document structure: paragraphs of a text or file, template sections, issue locations; the section-order and
length rules."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.polish.result import RULES, PolishIssue
from assistant.standards import Catalog
from assistant.textnorm import HEADING_RE, heading_level, is_heading, join_lines, split_sentences

TEMPLATE = ["项目概况", "标准群构成", "实施路径", "应用成效", "推广经验"]
ZH_ORDINAL = "一二三四五六七八九十"
SECTION_HINT = {
    "项目概况": "企业与项目的基本情况、改造前的问题",
    "标准群构成": "标准群的全部标准（《标题》（编号））、核心标准和各标准的作用",
    "实施路径": "标准如何落地：步骤、系统、组织方式",
    "应用成效": "可核实的成效数据，写明指标、基准和结果",
    "推广经验": "可复制的做法和推广方式",
}
PREAMBLE = "正文开头"

# ---- document structure --------------------------------------------------------------------------


@dataclass
class _Para:
    text: str
    where: str = ""  # loader location: 第12行 / 表1第2行 / 第3页 (line of the paragraph start for text)
    kind: str = "paragraph"  # heading | paragraph | table_row
    level: int | None = None  # heading level (None: a bare known section name)
    lines: list[tuple[int, int]] | None = None  # (offset in text, line number) for text files

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
_PARA_END = tuple("。！？；!?;")


def _strip_heading(text: str) -> str:
    s = re.sub(r"^#{1,6}\s*", "", text.strip())
    s = s.strip("*_ \u3000")
    s = HEADING_RE.sub("", s, count=1)
    s = re.sub(r"[\s\u3000]+", "", s)
    return s.strip("*_：:。.").strip()


def known_section(text: str, marked: bool) -> str | None:
    """The template section a heading names: exact name, or (for a marked heading) a short one containing it."""
    s = _strip_heading(text)
    if s in TEMPLATE:
        return s
    if marked and len(s) <= 16:
        for name in TEMPLATE:
            if name in s:
                return name
    return None


def text_paras(text: str) -> list[_Para]:
    """Paragraphs of plain text / Markdown: '#' lines, outline-marked lines and bare section names are headings;
    lines join into one paragraph until a blank line or a sentence end."""
    paras: list[_Para] = []
    buf, offsets = "", []

    def flush() -> None:
        nonlocal buf, offsets
        if buf:
            paras.append(_Para(buf, f"第{offsets[0][1]}行", lines=offsets))
        buf, offsets = "", []

    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        s = line.strip()
        md = _MD_HEADING.match(s)
        if not s:
            flush()
        elif s.startswith("|") and s.endswith("|"):
            flush()
            cells = [c.strip() for c in s.strip("|").split("|")]
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                paras.append(_Para(" | ".join(cells), f"第{number}行", "table_row"))
        elif md:
            flush()
            paras.append(_Para(md.group(2).strip(), f"第{number}行", "heading", len(md.group(1))))
        elif is_heading(s):
            flush()
            paras.append(_Para(s, f"第{number}行", "heading", heading_level(s)))
        elif known_section(s, marked=False):
            flush()
            paras.append(_Para(s, f"第{number}行", "heading", None))
        else:
            joined = join_lines(buf, s)
            offsets.append((len(joined) - len(s), number))
            buf = joined
            if s.endswith(_PARA_END):
                flush()
    flush()
    return paras


def _docx_levels(path: Path) -> dict[str, int]:
    """Heading level of each styled heading paragraph (Heading N / 标题 N / Title)."""
    import docx

    levels: dict[str, int] = {}
    try:
        document = docx.Document(str(path))
    except Exception:  # the loader already reported unreadable files
        return levels
    for p in document.paragraphs:
        style = (p.style.name if p.style is not None else "") or ""
        m = re.match(r"(?:heading|标题)\s*(\d)", style, re.I)
        if m:
            levels.setdefault(p.text.strip(), int(m.group(1)))
        elif style.lower().startswith("title"):
            levels.setdefault(p.text.strip(), 0)
    return levels


def _file_paras(path: Path, max_mb: float, max_pages: int, max_unpacked_mb: float = 200.0) -> list[_Para]:
    from assistant.loaders import decode_text, load_document

    doc = load_document(path, max_mb, max_pages, max_unpacked_mb=max_unpacked_mb)  # validates the file; every failure is one InputError line
    suffix = path.suffix.lower()
    if suffix in {".txt", ".md", ".markdown"}:
        return text_paras(decode_text(path.read_bytes(), path))
    levels = _docx_levels(path) if suffix == ".docx" else {}
    paras = []
    for b in doc.blocks:
        if b.kind == "heading" or known_section(b.text, marked=False):
            level = levels.get(b.text.strip())
            if level is None and HEADING_RE.match(b.text):
                level = heading_level(b.text)
            paras.append(_Para(b.text, b.location, "heading", level))
        else:
            where = b.location if b.kind == "table_row" or b.page else ""
            paras.append(_Para(b.text, where, b.kind))
    return paras


def build_sections(paras: list[_Para]) -> list[_Section]:
    """Group paragraphs under template sections; the first entry is the preamble (title, notes)."""
    known_levels = [p.level for p in paras if p.kind == "heading" and known_section(p.text, True)]
    top = min([lv for lv in known_levels if lv is not None], default=1)
    sections = [_Section(None, PREAMBLE)]
    for p in paras:
        if p.kind == "heading":
            name = known_section(p.text, marked=True)
            marked = bool(HEADING_RE.match(p.text))
            top_level = p.level is None or p.level <= top
            if name:
                sections.append(_Section(name, p.text, p))
                continue
            if top_level and p.level != 0 and (len(sections) > 1 or (marked and heading_level(p.text) == 1)):
                sections.append(_Section(None, p.text, p))
                continue
        sections[-1].paras.append(p)
    return sections


# ---- checks --------------------------------------------------------------------------------------

@dataclass
class _Checker:
    catalog: Catalog
    glossary: object
    sections: list[_Section]
    issues: list[tuple[tuple, PolishIssue]] = field(default_factory=list)
    _order: int = 0

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

    def add(self, rule: str, sec_label: str, location: str, message: str, fix: str, pos: tuple) -> None:
        self.issues.append(((*pos, RULES.index(rule)), PolishIssue(
            rule=rule, location=location, message=message, fix=fix,
            section="" if sec_label == PREAMBLE else sec_label)))

    def body(self):
        """(section index, section, paragraph index, paragraph) for every body paragraph, in order."""
        for si, sec in enumerate(self.sections):
            for pi, para in enumerate(sec.paras):
                yield si, sec, pi, para


# -- 1 sections

def check_sections(ck: _Checker) -> None:
    found = [(si, s) for si, s in enumerate(ck.sections) if s.name]
    seen: dict[str, int] = {}
    firsts: list[tuple[int, _Section]] = []
    for si, s in found:
        if s.name in seen:
            ck.add("sections", s.name, ck.heading_where(s), f"章节“{s.name}”重复出现",
                   f"把本节内容并入前面的“{ck.sections[seen[s.name]].written}”，删除重复的标题", (si, -1, 0))
        else:
            seen[s.name] = si
            firsts.append((si, s))
    # out of order: not on the longest run that follows the template order
    idx = [TEMPLATE.index(s.name) for _, s in firsts]
    keep = _lis(idx)
    for k, (si, s) in enumerate(firsts):
        if k in keep:
            continue
        t = TEMPLATE.index(s.name)
        prev = next((TEMPLATE[j] for j in range(t - 1, -1, -1) if TEMPLATE[j] in seen), None)
        after = next((TEMPLATE[j] for j in range(t + 1, len(TEMPLATE)) if TEMPLATE[j] in seen), None)
        fix = (f"将“{s.written}”移到“{ck.sections[seen[prev]].written}”之后" if prev
               else f"将“{s.written}”移到“{ck.sections[seen[after]].written}”之前" if after
               else f"将“{s.written}”移到其他章节之前")
        ck.add("sections", s.name, ck.heading_where(s),
               f"章节顺序与案例模板不一致：“{s.name}”应为第{t + 1}节",
               fix + "；模板顺序：" + " ".join(f"{ZH_ORDINAL[i]}、{n}" for i, n in enumerate(TEMPLATE)),
               (si, -1, 0))
    for t, name in enumerate(TEMPLATE):
        if name in seen:
            continue
        ck.add("sections", name, f"{name}（缺失）", f"缺少案例模板要求的章节“{ZH_ORDINAL[t]}、{name}”",
               f"{_insert_point(ck, seen, t)}增加“{ZH_ORDINAL[t]}、{name}”一节，写明{SECTION_HINT[name]}",
               (len(ck.sections), t, 0))
    for si, s in enumerate(ck.sections):
        if si == 0:
            continue
        if s.name is None:
            ck.add("sections", s.written, ck.heading_where(s), f"“{s.written}”不是案例模板中的章节",
                   "将本节内容并入模板中的相应章节（" + "、".join(TEMPLATE) + "），并删除该标题", (si, -1, 0))
        elif not "".join(p.text for p in s.paras).strip():
            ck.add("sections", s.name, ck.heading_where(s), f"章节“{s.name}”没有正文",
                   f"补写本节：{SECTION_HINT[s.name]}", (si, -1, 0))


def _insert_point(ck: _Checker, seen: dict[str, int], t: int) -> str:
    """Where the missing template section t goes: after the section before it in the template (an existing one,
    or the one added for it just before), before the next existing one, or at the end of the write-up."""
    if t > 0:
        prev = TEMPLATE[t - 1]
        if prev not in seen:
            return f"在新增的“{ZH_ORDINAL[t - 1]}、{prev}”一节之后"
        si = seen[prev]
        last = si == len(ck.sections) - 1
        return f"在“{ck.sections[si].written}”一节之后" + ("（文末）" if last else "")
    after = next((TEMPLATE[j] for j in range(1, len(TEMPLATE)) if TEMPLATE[j] in seen), None)
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
                   f"精简约 {chars - limit} 字：删去重复表述和背景铺陈，保留标准、做法和可核实的数据", (si, -1, 1))


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
