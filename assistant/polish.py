"""Editor polish for case-library write-ups (标准应用案例): deterministic rule checks, optional LLM rewrite.

Rules (no LLM; every issue carries the section heading + paragraph/line and a concrete fix):
  sections           the template's five sections present, once each, in order; unknown top-level sections
  citation_form      citations in the house form 《标题》（GB/T 39116—2020）, exact text from the catalog
  citation_valid     `standards.check_citations` statuses other than ok
  group_consistency  the stated group size equals the standards listed under 标准群构成; numbers cited
                     elsewhere but missing from that list
  figures            changes ("提升30%") say of what and from what basis; numbers after a change verb have units
  glossary           glossary variants instead of the preferred term (and both forms mixed)
  length             section length (characters without whitespace) vs the glossary's section_limits
  contact            phone numbers, e-mail, URLs, QQ/微信 ids, street addresses
  advertising        banned phrases (respecting banned_exceptions such as 第一批)

Citation house form: every mention must be typed exactly as the catalog number (GB/T 39116—2020) and the
*first* mention of each standard in the write-up must carry its title: 《标题》（编号）. Later mentions may use
the number alone.

With an online LLM each section is rewritten; a rewrite is accepted only if its multiset of numbers and its
set of standard numbers equal the original's.
"""
from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from assistant.errors import InputError
from assistant.standards import Catalog, check_citations, find_numbers
from assistant.textnorm import HEADING_RE, heading_level, is_heading, nfkc, split_sentences

TEMPLATE = ["项目概况", "标准群构成", "实施路径", "应用成效", "推广经验"]
ZH_ORDINAL = "一二三四五六七八九十"
RULES = ["sections", "citation_form", "citation_valid", "group_consistency", "figures", "glossary", "length",
         "contact", "advertising"]
RULE_ZH = {
    "sections": "章节结构", "citation_form": "标准引用格式", "citation_valid": "标准引用核对",
    "group_consistency": "标准群表述一致", "figures": "数据表述", "glossary": "术语统一", "length": "篇幅",
    "contact": "联系方式", "advertising": "广告用语",
}
SECTION_HINT = {
    "项目概况": "企业与项目的基本情况、改造前的问题",
    "标准群构成": "标准群的全部标准（《标题》（编号））、核心标准和各标准的作用",
    "实施路径": "标准如何落地：步骤、系统、组织方式",
    "应用成效": "可核实的成效数据，写明指标、基准和结果",
    "推广经验": "可复制的做法和推广方式",
}
PREAMBLE = "正文开头"


# ---- result models -------------------------------------------------------------------------------


class PolishIssue(BaseModel):
    rule: str
    location: str
    message: str
    fix: str
    section: str = ""  # canonical template section name (or the heading as written), "" before the first


class SectionInfo(BaseModel):
    heading: str  # canonical name for a template section, else the heading as written
    text: str
    chars: int
    limit: int | None = None
    written: str = ""  # the heading as written in the document


class RewriteSection(BaseModel):
    heading: str
    original: str
    rewritten: str
    diff: str
    accepted: bool
    reason: str = ""


class Rewrite(BaseModel):
    sections: list[RewriteSection]
    backend: str


class PolishResult(BaseModel):
    source: str
    issues: list[PolishIssue]
    sections: list[SectionInfo]
    rewrite: Rewrite | None = None
    notices: list[str] = []


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


def _join(left: str, right: str) -> str:
    if left and left[-1].isascii() and left[-1].isalpha() and right[:1].isascii() and right[:1].isalpha():
        return f"{left} {right}"
    return left + right


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
            joined = _join(buf, s)
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


def _file_paras(path: Path, max_mb: float, max_pages: int) -> list[_Para]:
    from assistant.loaders import decode_text, load_document

    doc = load_document(path, max_mb, max_pages)  # validates the file; every failure is one InputError line
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

    def check_sections(self) -> None:
        found = [(si, s) for si, s in enumerate(self.sections) if s.name]
        seen: dict[str, int] = {}
        firsts: list[tuple[int, _Section]] = []
        for si, s in found:
            if s.name in seen:
                self.add("sections", s.name, self.heading_where(s), f"章节“{s.name}”重复出现",
                         f"把本节内容并入前面的“{self.sections[seen[s.name]].written}”，删除重复的标题", (si, -1, 0))
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
            fix = (f"将“{s.written}”移到“{self.sections[seen[prev]].written}”之后" if prev
                   else f"将“{s.written}”移到正文最前面")
            self.add("sections", s.name, self.heading_where(s),
                     f"章节顺序与案例模板不一致：“{s.name}”应为第{t + 1}节",
                     fix + "；模板顺序：" + " ".join(f"{ZH_ORDINAL[i]}、{n}" for i, n in enumerate(TEMPLATE)),
                     (si, -1, 0))
        for t, name in enumerate(TEMPLATE):
            if name in seen:
                continue
            prev = next((TEMPLATE[j] for j in range(t - 1, -1, -1) if TEMPLATE[j] in seen), None)
            after = f"在“{self.sections[seen[prev]].written}”一节之后" if prev else "在正文开头"
            self.add("sections", name, f"{name}（缺失）", f"缺少案例模板要求的章节“{ZH_ORDINAL[t]}、{name}”",
                     f"{after}增加“{ZH_ORDINAL[t]}、{name}”一节，写明{SECTION_HINT[name]}", (len(self.sections), t, 0))
        for si, s in enumerate(self.sections):
            if si == 0:
                continue
            if s.name is None:
                self.add("sections", s.written, self.heading_where(s), f"“{s.written}”不是案例模板中的章节",
                         "将本节内容并入模板中的相应章节（" + "、".join(TEMPLATE) + "），并删除该标题", (si, -1, 0))
            elif not "".join(p.text for p in s.paras).strip():
                self.add("sections", s.name, self.heading_where(s), f"章节“{s.name}”没有正文",
                         f"补写本节：{SECTION_HINT[s.name]}", (si, -1, 0))

    # -- 2, 3 citations

    def check_citations(self) -> None:
        first_seen: set[str] = set()
        for si, sec, pi, para in self.body():
            text = para.text
            numbers = find_numbers(text)
            cits = check_citations(self.catalog, text, "")
            for (num, start, end), cit in zip(numbers, cits):
                entry = self.catalog.get(num)
                loc = self.where(sec, para, start)
                pos = (si, pi, start)
                raw = re.sub(r"\s*\n\s*", "", text[start:end])
                if cit.status != "ok":
                    self._invalid(cit, entry, raw, sec, loc, pos)
                first = num.key not in first_seen
                first_seen.add(num.key)
                if entry is None or cit.status == "wrong_year" or _series_mention(text, end):
                    continue
                titled = para.kind == "table_row" and _title_in_row(text, entry)
                problems = _form_problems(text, start, end, raw, entry,
                                          first and cit.status != "title_mismatch" and not titled, table=titled)
                if problems:
                    self.add("citation_form", sec.label, loc,
                             f"标准引用“{_cited_span(text, start, end)}”不符合规范写法：" + "；".join(problems),
                             f"改为：{entry.display()}" if first else f"改为：{entry.display()}（或仅写编号 {entry.number}）",
                             pos)

    def _invalid(self, cit, entry, raw: str, sec: _Section, loc: str, pos: tuple) -> None:
        if cit.status == "unknown":
            msg = f"标准编号“{raw}”不在标准目录中，无法核实"
            fix = "核对编号是否有误；如确为现行有效标准，请附标准名称与发布信息以便入库前核实，否则删除"
        elif cit.status == "wrong_year":
            msg = f"“{raw}”的年代号与目录不符（目录为 {entry.number}）"
            fix = f"改为：{entry.display()}"
        else:
            msg = f"“{raw}”前后的标准名称《{cit.title}》与目录不符（目录为《{entry.title}》）"
            fix = f"改为：{cit.expected or entry.display()}"
        self.add("citation_valid", sec.label, loc, msg, fix, pos)

    # -- 4 group consistency

    def check_group(self) -> None:
        group = next((s for s in self.sections if s.name == "标准群构成"), None)
        if group is None:
            return
        listed: dict[str, str] = {}
        for para in group.paras:
            for num, _, _ in find_numbers(para.text):
                entry = self.catalog.get(num)
                listed.setdefault(num.key, entry.number if entry else num.normalized)
        if not listed:
            return
        n = len(listed)
        for si, sec, pi, para in self.body():
            for m in _count_statements(para.text):
                stated = _zh_int(m.group("n"))
                if stated is None or stated == n:
                    continue
                self.add("group_consistency", sec.label, self.where(sec, para, m.start()),
                         f"文中称“{m.group(0)}”（{stated}项），但“标准群构成”一节列出 {n} 项不同的标准",
                         f"将“{m.group('n')}项”改为“{_same_style(m.group('n'), n)}项”，或在“标准群构成”中补全/删减标准清单使两处一致"
                         f"（目前列出：{'、'.join(listed.values())}）", (si, pi, m.start()))
            if sec is group:
                continue
            reported: set[str] = set()
            for num, start, end in find_numbers(para.text):
                key = num.key
                if key in reported or key in listed or any(k.startswith(key + ".") or key.startswith(k + ".")
                                                           for k in listed):
                    continue
                reported.add(key)
                self.add("group_consistency", sec.label, self.where(sec, para, start),
                         f"“{sec.label}”引用了 {num.normalized}，但它不在“标准群构成”列出的标准中",
                         f"若该标准属于标准群，请补入“标准群构成”并同步修改标准数量（应为{n + 1}项）；"
                         f"若不属于，请删除或说明它与标准群的关系", (si, pi, start))

    # -- 5 figures

    def check_figures(self) -> None:
        for si, sec, pi, para in self.body():
            text = para.text
            std_spans = [(s, e) for _, s, e in find_numbers(text)]
            for sent_start, sent in _sentences(text):
                has_basis = bool(_BASIS.search(sent))
                for m in _CHANGE.finditer(sent):
                    at = sent_start + m.start()
                    if any(s <= at < e for s, e in std_spans):
                        continue
                    claim = m.group(0)
                    subject = _subject(sent, m.start())
                    if has_basis and subject:
                        continue
                    lacking = [] if subject else ["指标（什么提升或降低了）"]
                    if not has_basis:
                        lacking.append("对比基准（由多少到多少，或较何时）")
                    target = subject or "××指标"
                    self.add("figures", sec.label, self.where(sec, para, at),
                             f"“{(subject or '') + claim}”没有说明" + "和".join(lacking),
                             f"写明指标、基准与结果，如“{target}由改造前的××{m.group('verb')}至××"
                             f"（{m.group('verb')}{m.group('num')}{m.group('unit')}）”，或注明“较改造前”“同比”等基准",
                             (si, pi, at))
                for m in _NO_UNIT.finditer(sent):
                    at = sent_start + m.start("num")
                    if any(s <= at < e for s, e in std_spans) or _has_unit(sent[m.end("num"):]):
                        continue
                    self.add("figures", sec.label, self.where(sec, para, at),
                             f"“{m.group(0)}”中的数字 {m.group('num')} 没有单位",
                             f"补上单位（如“万元”“小时”“%”），例如“{m.group(0)}万元”，并写明对比基准",
                             (si, pi, at))

    # -- 6 glossary

    def check_glossary(self) -> None:
        full = "\n".join(p.text for _, _, _, p in self.body())
        for term in self.glossary.terms:
            variants = [v for v in term.variants if "（" not in v and "(" not in v]
            if not variants:
                continue
            preferred_used = _find_term(term.preferred, full, self._all_preferred()) != []
            for si, sec, pi, para in self.body():
                titles = [(m.start(), m.end()) for m in re.finditer(r"《[^《》]*》", para.text)]
                for start, variant in _variant_hits(para.text, variants, self._all_preferred(), titles):
                    both = "；全文同时使用了推荐写法“%s”，两种写法混用" % term.preferred if preferred_used else ""
                    self.add("glossary", sec.label, self.where(sec, para, start),
                             f"“{variant}”不是推荐用语{both}", f"将“{variant}”改为“{term.preferred}”"
                             + (f"（{term.note}）" if term.note else ""), (si, pi, start))

    def _all_preferred(self) -> list[str]:
        return [t.preferred for t in self.glossary.terms]

    # -- 7 length

    def check_length(self) -> None:
        limits = self.glossary.section_limits
        for si, sec in enumerate(self.sections):
            limit = limits.get(sec.name or "")
            chars = _chars(sec.text)
            if limit and chars > limit:
                self.add("length", sec.label, self.heading_where(sec),
                         f"“{sec.label}”共 {chars} 字（不含空白），超过上限 {limit} 字",
                         f"精简约 {chars - limit} 字：删去重复表述和背景铺陈，保留标准、做法和可核实的数据", (si, -1, 1))

    # -- 8 contact, advertising

    def check_contact_ads(self) -> None:
        exceptions = list(self.glossary.banned_exceptions) + EXTRA_BANNED_EXCEPTIONS
        banned = sorted(self.glossary.banned_phrases, key=len, reverse=True)
        for si, sec, pi, para in self.body():
            text = para.text
            std_spans = [(s, e) for _, s, e in find_numbers(text)]
            taken: list[tuple[int, int]] = []
            for kind, rx in _CONTACT:
                for m in rx.finditer(nfkc(text) if len(nfkc(text)) == len(text) else text):
                    if any(s < m.end() and m.start() < e for s, e in std_spans + taken):
                        continue
                    taken.append((m.start(), m.end()))
                    self.add("contact", sec.label, self.where(sec, para, m.start()),
                             f"公开案例中出现{kind}“{m.group(0).strip()}”",
                             f"删除“{m.group(0).strip()}”：案例库不登载电话、邮箱、网址、社交账号和详细地址",
                             (si, pi, m.start()))
            safe = [(m.start(), m.end()) for ex in exceptions for m in re.finditer(re.escape(ex), text)]
            hit: list[tuple[int, int]] = []
            for phrase in banned:
                for m in re.finditer(re.escape(phrase), text):
                    s, e = m.span()
                    if any(a <= s and e <= b for a, b in safe) or any(a < e and s < b for a, b in hit):
                        continue
                    hit.append((s, e))
                    self.add("advertising", sec.label, self.where(sec, para, s),
                             f"“{phrase}”属于广告式用语，公开案例库不使用",
                             f"删除“{phrase}”；如确有依据，改写为可核实的事实（指标数值、鉴定结论）并注明出处",
                             (si, pi, s))


EXTRA_BANNED_EXCEPTIONS = ["唯一标识", "唯一编码", "唯一性", "唯一码", "绝对值", "绝对误差", "绝对定位", "第一季度",
                           "第一轮", "第一线", "第一年", "第一周"]


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


# citations ------------------------------------------------------------------------------------------

_TITLE_BRACKET = re.compile(r"《([^《》]{1,80})》\s*([（(])\s*$")
_TITLE_ONLY = re.compile(r"《([^《》]{1,80})》\s*$")
_TITLE_AFTER = re.compile(r"^\s*[）)]?\s*[，、：:]?\s*《([^《》]{1,80})》")


def _series_mention(text: str, end: int) -> bool:
    return bool(re.match(r"\s*(?:系列|等系列|各部分)", text[end:end + 6]))


def _cited_span(text: str, start: int, end: int) -> str:
    """The whole citation as written: 《title》（number） / (number) / number 《title》."""
    s, e = start, end
    before = re.search(r"《[^《》]{1,80}》\s*[（(]?\s*$", text[max(0, start - 90):start])
    if before:
        s = start - (len(text[max(0, start - 90):start]) - before.start())
    elif start and text[start - 1] in "（(":
        s = start - 1
    close = re.match(r"\s*[）)]", text[end:])
    if close:
        e = end + close.end()
    return re.sub(r"\s*\n\s*", "", text[s:e])


def _title_in_row(row: str, entry) -> bool:
    """A table row lists the title in its own cell (序号 | 编号 | 名称)."""
    titles = {re.sub(r"\s", "", t) for t in [entry.title, *entry.alt_titles]}
    return any(re.sub(r"[\s《》]", "", cell) in titles for cell in row.split(" | "))


def _form_problems(text: str, start: int, end: int, raw: str, entry, need_title: bool,
                   table: bool = False) -> list[str]:
    problems = []
    number = entry.number
    if raw != number:
        detail = []
        norm = nfkc(raw)
        if norm != raw:
            detail.append("字母或数字应为半角")
        if re.search(r"[-‐‑‒–―−－﹣⁃]", raw):
            detail.append("年代号前应使用一字线“—”")
        if entry.year and not re.search(r"(?:19|20)\d\d\s*$", raw) and entry.parsed.prefix != "PLAN":
            detail.append("缺少年代号")
        if entry.parsed.prefix != "PLAN" and re.search(r"[A-Z]\d", norm):
            detail.append("代号与顺序号之间应空一格")
        if not detail:
            detail.append("写法应与目录一致")
        problems.append(f"编号应写作“{number}”（" + "，".join(detail) + "）")
    if table:  # number and title in separate cells: only the number's typography matters
        return problems
    before = text[max(0, start - 90):start]
    after = text[end:]
    bracket = _TITLE_BRACKET.search(before)
    if bracket:
        close = after.lstrip()[:1]
        if bracket.group(2) == "(" or close == ")":
            problems.append("括号应为全角“（）”")
        elif close != "）":
            problems.append("缺少右括号“）”")
    elif _TITLE_ONLY.search(before):
        problems.append("编号应放在标准名称后的全角括号内")
    elif _TITLE_AFTER.match(after):
        problems.append("标准名称应写在编号之前：《标题》（编号）")
    elif need_title:
        problems.append("首次引用缺少标准名称")
        if before.rstrip().endswith("(") or after.lstrip().startswith(")"):
            problems.append("括号应为全角“（）”")
    return problems


# group --------------------------------------------------------------------------------------------

_ZH_NUM = r"(?:\d{1,3}|[一二两三四五六七八九十]{1,3})"
_COUNT_RES = [
    re.compile(rf"标准群[^。；\n]{{0,6}}?(?:共|总计|合计|共计|一共)[有计含涉及包括]{{0,3}}\s*(?P<n>{_ZH_NUM})\s*项"),
    re.compile(rf"(?:标准群|标准体系)?(?:由|包含|包括|涵盖|共有|含)\s*(?P<n>{_ZH_NUM})\s*项[^。；，\n]{{0,10}}?标准(?:组成|构成)?"),
    re.compile(rf"(?:共|总计|合计|共计|一共)[有计含涉及包括采用选用应用引用]{{0,3}}\s*(?P<n>{_ZH_NUM})\s*项[^。；，、\n]{{0,6}}?标准"),
]


def _count_statements(text: str):
    seen: set[int] = set()
    out = []
    for rx in _COUNT_RES:
        for m in rx.finditer(text):
            if m.start("n") in seen:
                continue
            # "另配企业标准2项" counts standards outside the list; "其中3项" is a part, not the total
            if re.search(r"(?:其中|另|另外|此外)[^。；，]{0,4}$", text[:m.start()]):
                continue
            seen.add(m.start("n"))
            out.append(m)
    return sorted(out, key=lambda m: m.start())


def _same_style(written: str, n: int) -> str:
    """n written the way the original wrote its count: digits, or Chinese numerals (八项)."""
    if written.isdigit() or n > 99 or n < 1:
        return str(n)
    digits = "零一二三四五六七八九"
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else digits[tens] + "十")) + (digits[ones] if ones else "")


def _zh_int(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
    if s == "十":
        return 10
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    return digits.get(s) if len(s) == 1 else None


# figures ------------------------------------------------------------------------------------------

_VERBS = "提升|提高|降低|下降|缩短|减少|增加|增长|节约|节省|压缩|缩减|上升|减低|降幅|增幅"
_CHANGE = re.compile(
    rf"(?P<verb>{_VERBS})(?:了)?(?:至|到)?(?:约|近|超过|逾|达)?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[%％‰]|个百分点|倍)")
_NO_UNIT = re.compile(rf"(?:{_VERBS}|达到)[\u4e00-\u9fff]{{0,6}}?\s*(?P<num>\d+(?:\.\d+)?)(?![\d.])")
_BASIS = re.compile(
    r"由(?!于)[^。；]{0,40}?(?:至|到|为)|从(?!而|事)[^。；]{0,40}?(?:至|到|为)|较|同比|环比|相比|相较|对比"
    r"|(?<![无对])比(?!例|重|率|如|较|赛|特)|之前|以前|(?<![目当提])前的|基准|基线|同期|上年|去年|上一年")
_UNIT_RE = re.compile(
    r"\s*(?:[%％‰]|个百分点|倍|个|项|台|套|件|人|名|万|亿|千|百|元|天|日|小时|分钟|秒|年|月|周|次|条|家|吨|米|度|"
    r"瓦|批|类|种|级|分|座|辆|只|片|块|箱|张|份|点|组|道|位|层|期|届|代|公里|平方|立方|升|克|毫|厘|微|兆|千克|帧|轮|单|笔|户|[A-Za-zμΩ℃°])")
_LEAD = re.compile(r"^(?:并且|并|且|同时|其中|实现了?|推动|带动|促进|使得?|让|整体|总体|均|都|分别|平均|明显|显著|大幅|"
                   r"有效|进一步|累计|约|合计|共)+")


def _has_unit(rest: str) -> bool:
    return bool(_UNIT_RE.match(rest))


def _subject(sentence: str, verb_at: int) -> str:
    """The metric a change is about: the clause text before the verb, minus connectives."""
    clause = re.split(r"[，,；;：:、。]", sentence[:verb_at])[-1].strip()
    clause = _LEAD.sub("", clause)
    clause = re.sub(r"(?:了|均|都|分别|明显|显著|大幅|有效|进一步|约)+$", "", clause)
    return clause if len(re.findall(r"[\u4e00-\u9fffA-Za-z]", clause)) >= 2 else ""


# glossary -----------------------------------------------------------------------------------------

_VARIANT_GUARD = {"标准组": r"(?![成织长件])", "国标": r"(?!委)", "项目验收": "", "智造": ""}


def _find_term(term: str, text: str, _preferred: list[str]) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(term), text)]


def _variant_hits(text: str, variants: list[str], preferred: list[str], titles: list[tuple[int, int]]):
    protected = [(m.start(), m.end()) for p in preferred for m in re.finditer(re.escape(p), text)]
    protected += titles
    hits: list[tuple[int, int, str]] = []
    for v in sorted(variants, key=len, reverse=True):
        for m in re.finditer(re.escape(v) + _VARIANT_GUARD.get(v, ""), text):
            s, e = m.span()
            if any(a < e and s < b for a, b in protected) or any(a < e and s < b for a, b, _ in hits):
                continue
            hits.append((s, e, v))
    return [(s, v) for s, _, v in sorted(hits)]


# contact ------------------------------------------------------------------------------------------

_CONTACT = [
    ("电子邮箱", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")),
    ("网址", re.compile(r"(?:https?://|www\.)[^\s，。；、）)》\u4e00-\u9fff]+|(?<![@\w.])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
                      r"\.(?:com|cn|net|org|gov|edu)(?:\.cn)?(?:/[^\s，。；、\u4e00-\u9fff]*)?(?![\w.])")),
    ("手机号码", re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d{9}(?!\d)")),
    ("电话号码", re.compile(r"(?<![\d/])(?:0\d{2,3}[-－—\s]?\d{7,8}|400[-\s]?\d{3}[-\s]?\d{4})(?!\d)")),
    ("社交账号", re.compile(r"(?:QQ|qq|微信号?|WeChat|wechat|企业微信)\s*(?:号|群)?\s*[：:为是]?\s*[A-Za-z0-9_-]{5,}")),
    ("详细地址", re.compile(r"[\u4e00-\u9fff]{1,12}(?:路|街|大道|巷|弄|道)\s*\d+\s*号(?![线机])"
                        r"(?:[\u4e00-\u9fff\dA-Za-z-]{0,12}?\d+\s*室)?"
                        r"|\d+\s*号[楼院]?[\u4e00-\u9fff\dA-Za-z-]{0,8}?\d+\s*室|(?<![\d.])\d{3,4}\s*室")),
]


# ---- entry points ---------------------------------------------------------------------------------


def check_paras(ctx, paras: list[_Para], source: str) -> PolishResult:
    """All rule checks over parsed paragraphs (deterministic, no LLM)."""
    corpus = ctx.corpus
    sections = build_sections(paras)
    checker = _Checker(corpus.catalog, corpus.glossary, sections)
    checker.check_sections()
    checker.check_citations()
    checker.check_group()
    checker.check_figures()
    checker.check_glossary()
    checker.check_length()
    checker.check_contact_ads()
    issues = [issue for _, issue in sorted(checker.issues, key=lambda x: x[0])]
    limits = corpus.glossary.section_limits
    infos = [SectionInfo(heading=s.label, written=s.written, text=s.text, chars=_chars(s.text),
                         limit=limits.get(s.name or ""))
             for i, s in enumerate(sections) if i > 0 or s.text.strip()]
    return PolishResult(source=source, issues=issues, sections=infos)


def check_text(ctx, text: str, source: str = "input") -> PolishResult:
    if not text.strip():
        raise InputError(f"{source}: 没有可检查的文字 (empty text)")
    return check_paras(ctx, text_paras(text), source)


def polish_text(ctx, text: str, source: str = "input", rewrite: bool = True) -> PolishResult:
    """Polish pasted text (UI): rule checks, plus the LLM rewrite when a model is configured."""
    result = check_text(ctx, text, source)
    if rewrite:
        add_rewrite(ctx, result)
    return result


def polish_file(ctx, path: Path, rewrite: bool = True) -> PolishResult:
    """Polish a write-up file (.txt/.md/.docx/.pdf); bad files raise InputError with one line."""
    path = Path(path)
    s = ctx.settings
    result = check_paras(ctx, _file_paras(path, s.max_file_mb, s.max_pages), str(path))
    if rewrite:
        add_rewrite(ctx, result)
    return result


# ---- LLM rewrite ----------------------------------------------------------------------------------

_NUM_RE = re.compile(r"\d+(?:\.\d+)?%?")


def fact_numbers(text: str) -> tuple[Counter, set[str]]:
    """(multiset of plain numbers, set of standard numbers) of a text; standard numbers are not plain numbers."""
    norm = nfkc(text).replace("％", "%")
    if len(norm) != len(text):
        norm = text
    found = find_numbers(norm)
    stds = {n.normalized for n, _, _ in found}
    chars = list(norm)
    for _, s, e in found:
        chars[s:e] = [" "] * (e - s)
    plain = "".join(chars)
    plain = re.sub(r"(?<=\d),(?=\d{3})", "", plain)  # 1,200 = 1200
    return Counter(_NUM_RE.findall(plain)), stds


def check_rewrite(original: str, rewritten: str) -> tuple[bool, str]:
    """Accept a rewrite only if it keeps every number and standard citation of the original."""
    if not rewritten.strip():
        return False, "改写结果为空"
    (n1, s1), (n2, s2) = fact_numbers(original), fact_numbers(rewritten)
    reasons = []
    if n1 != n2:
        lost, added = sorted((n1 - n2).elements()), sorted((n2 - n1).elements())
        parts = []
        if lost:
            parts.append("删去或改动了数字 " + "、".join(lost))
        if added:
            parts.append("新增了数字 " + "、".join(added))
        reasons.append("，".join(parts))
    if s1 != s2:
        parts = []
        if s1 - s2:
            parts.append("缺少标准 " + "、".join(sorted(s1 - s2)))
        if s2 - s1:
            parts.append("多出标准 " + "、".join(sorted(s2 - s1)))
        reasons.append("，".join(parts))
    if reasons:
        return False, "改写改变了事实，已拒绝：" + "；".join(reasons)
    return True, "数字与标准引用与原文一致"


def sentence_diff(original: str, rewritten: str) -> str:
    a = [s for line in original.splitlines() for s in split_sentences(line)]
    b = [s for line in rewritten.splitlines() for s in split_sentences(line)]
    return "\n".join(difflib.unified_diff(a, b, fromfile="原文", tofile="改写", lineterm=""))


def _clean_reply(reply: str) -> str:
    text = reply.strip()
    fence = re.match(r"^```[\w-]*\n(.*?)\n?```$", text, re.S)
    if fence:
        text = fence.group(1).strip()
    return text


def add_rewrite(ctx, result: PolishResult) -> PolishResult:
    """Rewrite each section with the configured LLM (skipped offline; on LLMError: rewrite=None + notice)."""
    from assistant.errors import LLMError
    from assistant.prompts import load_prompt

    llm = ctx.llm
    if getattr(llm, "offline", True):
        result.notices.append("未配置大模型（ASSISTANT_LLM=none）：只做规则检查，未生成改写稿")
        return result
    prompt = load_prompt(ctx.settings.prompts_dir, "polish/rewrite")
    system = prompt.render("system")
    out = []
    try:
        for sec in result.sections:
            if not sec.text.strip() or sec.heading == PREAMBLE:
                continue
            user = prompt.render("user", heading=sec.heading, text=sec.text, limit=sec.limit or 0)
            rewritten = _clean_reply(llm.complete(system, user))
            ok, reason = check_rewrite(sec.text, rewritten)
            out.append(RewriteSection(heading=sec.heading, original=sec.text, rewritten=rewritten,
                                      diff=sentence_diff(sec.text, rewritten), accepted=ok, reason=reason))
    except LLMError as exc:
        result.rewrite = None
        result.notices.append(f"大模型改写失败，只给出规则检查结果：{exc}")
        return result
    result.rewrite = Rewrite(sections=out, backend=str(getattr(llm, "name", "llm")))
    return result


# ---- output ---------------------------------------------------------------------------------------


def render_polish(result: PolishResult) -> str:
    lines = [f"案例编辑检查：{result.source}", f"共发现 {len(result.issues)} 处问题"]
    for rule in RULES:
        group = [i for i in result.issues if i.rule == rule]
        if not group:
            continue
        lines.append("")
        lines.append(f"【{RULE_ZH[rule]}】{len(group)} 处")
        for k, issue in enumerate(group, 1):
            lines.append(f"  {k}. {issue.location}：{issue.message}")
            lines.append(f"     建议：{issue.fix}")
    lines.append("")
    lines.append("章节篇幅：" + "；".join(
        f"{s.heading} {s.chars}字" + (f"/{s.limit}" if s.limit else "") for s in result.sections))
    if result.rewrite:
        lines.append("")
        lines.append(f"【改写稿】（{result.rewrite.backend}）")
        for sec in result.rewrite.sections:
            lines.append(f"  {sec.heading}：{'采用' if sec.accepted else '未采用'}（{sec.reason}）")
            if sec.accepted:
                lines.extend("    " + ln for ln in sec.diff.splitlines())
    for notice in result.notices:
        lines.append(f"提示：{notice}")
    return "\n".join(lines)


def _markdown(result: PolishResult) -> str:
    from assistant.export import markdown_table

    parts = [f"# 案例编辑检查报告", "", f"文件：{result.source}", "", f"共发现 {len(result.issues)} 处问题。", ""]
    if result.issues:
        parts.append(markdown_table(["#", "规则", "位置", "问题", "修改建议"],
                                    [(k, RULE_ZH[i.rule], i.location, i.message, i.fix)
                                     for k, i in enumerate(result.issues, 1)]))
        parts.append("")
    parts += ["## 章节篇幅", "", markdown_table(["章节", "字数", "上限"],
                                              [(s.heading, s.chars, s.limit or "") for s in result.sections]), ""]
    if result.rewrite:
        parts += [f"## 改写稿（{result.rewrite.backend}）", ""]
        for sec in result.rewrite.sections:
            parts += [f"### {sec.heading}：{'采用' if sec.accepted else '未采用'}", "", sec.reason, ""]
            parts += ["```diff", sec.diff or "（无改动）", "```", ""]
    parts += [f"> {n}" for n in result.notices]
    return "\n".join(parts)


def write_polish(result: PolishResult, out_path: Path) -> Path:
    """Write the report as .md or .docx (atomically); any other extension is an InputError."""
    from assistant.export import add_table, atomic_write, docx_document, write_markdown

    out_path = Path(out_path)
    suffix = out_path.suffix.lower()
    if suffix in {".md", ".markdown"}:
        return write_markdown(out_path, _markdown(result))
    if suffix != ".docx":
        raise InputError(f"{out_path.name}: 不支持的输出格式 {suffix or '(无扩展名)'}，请用 .docx 或 .md")
    doc = docx_document("案例编辑检查报告")
    doc.add_paragraph(f"文件：{result.source}")
    doc.add_paragraph(f"共发现 {len(result.issues)} 处问题。")
    if result.issues:
        add_table(doc, ["#", "规则", "位置", "问题", "修改建议"],
                  [(k, RULE_ZH[i.rule], i.location, i.message, i.fix) for k, i in enumerate(result.issues, 1)])
    doc.add_heading("章节篇幅", level=1)
    add_table(doc, ["章节", "字数", "上限"], [(s.heading, s.chars, s.limit or "") for s in result.sections])
    if result.rewrite:
        doc.add_heading(f"改写稿（{result.rewrite.backend}）", level=1)
        for sec in result.rewrite.sections:
            doc.add_heading(f"{sec.heading}：{'采用' if sec.accepted else '未采用'}", level=2)
            doc.add_paragraph(sec.reason)
            for line in (sec.diff or "（无改动）").splitlines():
                doc.add_paragraph(line)
    for notice in result.notices:
        doc.add_paragraph(f"提示：{notice}")
    return atomic_write(out_path, lambda tmp: doc.save(str(tmp)))
