"""Turn user files (PDF, DOCX, Markdown, text) into located blocks of text; refuse bad files with one clear line."""
from __future__ import annotations

import codecs
import io
import logging
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

from assistant.errors import InputError, os_reason
from assistant.quality import PageQuality, check_text, docx_page_images, empty_page, problems_of, repair
from assistant.standards import find_numbers
from assistant.textnorm import SENTENCE_END, is_heading, join_lines, nfkc

BlockKind = Literal["heading", "paragraph", "table_row"]
SUPPORTED = {".pdf", ".docx", ".txt", ".md", ".markdown"}


@dataclass
class Block:
    """A paragraph, heading or table row with where it sits in its document."""

    text: str
    location: str
    section: str = ""
    kind: BlockKind = "paragraph"
    page: int | None = None
    # Text files: (character offset in `text`, source line number) where each joined source line starts, so a
    # sentence or number inside a multi-line block is located on its own line, not the block's first.
    lines: list[tuple[int, int]] = field(default_factory=list)
    level: int | None = None  # a Markdown heading's depth (number of #), when the file says it

    def location_at(self, offset: int) -> str:
        """Where the character at `offset` sits: its own line for text files, else the block's location."""
        line = None
        for start, number in self.lines:
            if start > offset:
                break
            line = number
        return f"第{line}行" if line is not None else self.location


@dataclass
class Document:
    source: str
    doc_type: str
    blocks: list[Block]
    meta: dict = field(default_factory=dict)
    # Text-layer quality per PDF page (one entry with page None for other files): which pages could not be read.
    quality: list[PageQuality] = field(default_factory=list)

    @property
    def unreadable(self) -> list[PageQuality]:
        return [q for q in self.quality if not q.readable]

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


def load_document(path: Path, max_mb: float = 50.0, max_pages: int = 1000, doc_type: str = "upload",
                  allow_unreadable: bool = False, max_unpacked_mb: float = 200.0) -> Document:
    """Load any supported file; every failure is an InputError naming the file and the problem. A PDF whose
    every page is unreadable is refused too, unless `allow_unreadable` (review reports such pages itself)."""
    path = Path(path)
    raw = _read_checked(path, max_mb)
    suffix = path.suffix.lower()
    quality: list[PageQuality] = []
    if suffix == ".pdf":
        blocks, quality = _pdf_blocks(path, raw, max_pages)
    elif suffix == ".docx":
        blocks = _docx_blocks(path, raw, max_unpacked_mb)
    else:
        blocks = text_blocks(decode_text(raw, path), markdown=suffix in {".md", ".markdown"})
    if suffix != ".pdf":
        blocks, quality = check_blocks(blocks)
    if suffix == ".docx" and docx_page_images(raw):
        quality.append(PageQuality(None, False, ("images",), (), "docx"))
    if not any(b.text.strip() for b in blocks):
        bad = [q for q in quality if not q.readable]
        if bad and allow_unreadable:
            return Document(source=str(path), doc_type=doc_type, blocks=[], quality=quality)
        if bad:
            raise InputError(f"{path.name}: 文字层无法读取（{bad[0].reason}）")
        raise InputError(f"{path.name}: 文件中没有可读取的文字")
    return Document(source=str(path), doc_type=doc_type, blocks=blocks, quality=quality)


def check_blocks(blocks: list[Block]) -> tuple[list[Block], list[PageQuality]]:
    """DOCX and text files have no pages: their text is repaired block by block and judged as a whole."""
    repaired: set[str] = set()
    for block in blocks:
        fixed, done = repair(block.text)
        if done:
            block.text, block.lines = fixed, []  # line offsets no longer hold; the block's own location does
            repaired.update(done)
    whole = "\n".join(b.text for b in blocks)
    problems = problems_of(whole)
    return ([] if problems else blocks), [PageQuality(None, not problems, problems, tuple(sorted(repaired)), "")]


def _read_checked(path: Path, max_mb: float) -> bytes:
    check_file(path, max_mb)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path.name}: 无法读取文件（{os_reason(exc)}）") from exc


def check_file(path: Path, max_mb: float = 50.0) -> int:
    """The checks that need no reading (exists, is a file, supported type, size cap, not empty); returns the size."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: 文件不存在")
    if path.is_dir():
        raise InputError(f"{path}: 是文件夹，不是文件")
    if path.suffix.lower() not in SUPPORTED:
        raise InputError(f"{path.name}: 不支持的文件类型 {path.suffix or '(无扩展名)'}，支持 PDF、DOCX、TXT、MD")
    size = path.stat().st_size
    if size > max_mb * 1024 * 1024:
        raise InputError(f"{path.name}: 文件过大（{size / 1048576:.1f} MB，上限 {max_mb:g} MB）")
    if size == 0:
        raise InputError(f"{path.name}: 空文件")
    return size


# ---- PDF ---------------------------------------------------------------------------------------


def _pdf_blocks(path: Path, raw: bytes, max_pages: int) -> tuple[list[Block], list[PageQuality]]:
    """Blocks from the pages whose text layer reads as text (see assistant/quality.py); every page's quality."""
    pages, quality = _pdf_pages(path, raw, max_pages)
    if not any(p.strip() for p in pages) and not any(q.problems and q.problems != ("no_text",) for q in quality):
        raise InputError(f"{path.name}: PDF 没有文字层，可能是扫描件，需要先做 OCR（文字识别）")
    blocks: list[Block] = []
    section = ""
    for number, (page_text, q) in enumerate(zip(pages, quality), start=1):
        if not q.readable:
            continue  # garbled text is neither evidence nor a citation; the review names the page instead
        for kind, text in _paragraphs(page_text.splitlines()):
            section = text if kind == "heading" else section
            blocks.append(Block(text, f"第{number}页", section, kind, number))
    return blocks, quality


def _pdf_pages(path: Path, raw: bytes, max_pages: int) -> tuple[list[str], list[PageQuality]]:
    """Each page's text by pypdf, repaired where lossless; pages still unreadable get a second try by PDFium."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not raw.lstrip()[:5].startswith(b"%PDF"):
        raise InputError(f"{path.name}: 扩展名为 .pdf，但内容不是 PDF")
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not _try_empty_password(reader):
            raise InputError(f"{path.name}: PDF 已加密，请提供密码或未加密的副本")
        if len(reader.pages) > max_pages:
            raise InputError(f"{path.name}: 页数 {len(reader.pages)} 超过上限 {max_pages} 页")
        read = [_pypdf_page(page, number) for number, page in enumerate(reader.pages, start=1)]
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise InputError(f"{path.name}: PDF 文件已损坏或无法解析") from exc
    pages = strip_running_lines([text for text, _ in read])
    quality = [q for _, q in read]
    retry = [i for i, q in enumerate(quality) if q.problems and q.problems != ("no_text",)]
    for i, (text, q) in zip(retry, _pdfium_pages(raw, retry)):
        if q.readable:
            pages[i], quality[i] = text, q
    return pages, quality


def _pypdf_page(page, number: int) -> tuple[str, PageQuality]:
    try:
        text = page.extract_text() or ""
    except Exception:  # one bad content stream must not lose the other pages; PDFium gets a try at it
        return "", PageQuality(number, False, ("extract_error",), (), "pypdf")
    if not text.strip():
        return "", empty_page(number, _has_images(page), "pypdf")
    if len("".join(text.split())) < SCAN_TEXT_CHARS and _has_images(page):
        # An image with only a running header or page number on it: a scanned page.
        return "", empty_page(number, True, "pypdf")
    return check_text(_layout_tables(page, text), number, "pypdf")


_CELL_GAP = re.compile(r"\s{3,}")
# Layout mode spaces a page drawn glyph by glyph by each glyph's advance, so a Latin letter right after a Chinese
# character can stand apart from the next letter ("；G     B/T 40659"): no cell ends in one letter glued to the
# text on its left, so the gap is the letter's, not a column's.
_GLYPH_GAP = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])([A-Za-z])\s+(?=[A-Za-z])")
_SHORT_RUN = 6  # this many short lines in a row look like table cells, one per line


def _layout_tables(page, text: str) -> str:
    """pypdf gives a table's cells one per line; where a page has a run of such short lines, its text is taken
    again in layout mode, where a row's cells share a line with wide gaps, and rows become "a | b | c"."""
    run = longest = 0
    for line in (ln.strip() for ln in text.splitlines()):
        run = run + 1 if line and len(line) <= 16 and not line.endswith(_PARAGRAPH_END) else 0
        longest = max(longest, run)
    if longest < _SHORT_RUN:
        return text
    try:
        layout = page.extract_text(extraction_mode="layout")
    except Exception:  # layout mode is an improvement only; the plain text stays
        return text
    rows = []
    for line in (_GLYPH_GAP.sub(r"\1", ln.strip()) for ln in layout.splitlines()):
        if line:
            cells = _CELL_GAP.split(line)
            rows.append(" | ".join(cells) if len(cells) >= 2 else line)
    return _keep_plain_years("\n".join(_rejoin_wrapped_cells(rows)), text) if rows else text


_DANGLING_YEAR = re.compile(r"[ \t]*[—–\-－]{1,2}(?P<digits>[0-9０-９]{0,4})")
_CELL_MARK = " | "


def _keep_plain_years(layout: str, plain: str) -> str:
    """Layout mode can break a number the plain reading order keeps whole: a wide gap inside a justified line
    ("计划号20262669—T | —604"), a narrow column that loses its gap ("GB/T 38159—201915家企业"), or a cell that wraps
    after the dash ("GB/T 41255—" with "2022" on the next row). Numbers are taken whole from the plain text: a cell
    mark inside one goes, and a layout hit without the year the plain text gives it (only one) gets it back."""
    # a page drawn glyph by glyph reads one character per line: its numbers are whole only with the lines joined
    whole = {number for text in (plain, plain.replace("\n", "")) for number, _, _ in find_numbers(text)}
    layout = _unsplit_numbers(layout, whole)
    years: dict[tuple[str, str], set[int]] = {}
    for number in whole:
        if number.year:
            years.setdefault((number.prefix, number.code), set()).add(number.year)
    out, last = [], 0
    for number, _, end in find_numbers(layout):
        known = years.get((number.prefix, number.code), set())
        if number.year or len(known) != 1:
            continue
        year = str(next(iter(known)))
        m = _DANGLING_YEAR.match(layout, end)
        digits = nfkc(m["digits"]) if m else ""
        if m and digits == year and layout[m.end():m.end() + 1].isdigit():
            out += [layout[last:m.end()], _CELL_MARK]  # the next cell's digits were glued to the year
        elif m and year.startswith(digits) and not layout[m.end():m.end() + 1].isdigit():
            out += [layout[last:m.start("digits")], year]  # the year (or its rest) wrapped onto the next row
        else:
            continue
        last = m.end()
    return "".join(out) + layout[last:]


def _unsplit_numbers(layout: str, whole: set) -> str:
    out, last = [], 0
    for at in (m.start() for m in re.finditer(re.escape(_CELL_MARK), layout)):
        left, right = layout[max(last, at - 24):at], layout[at + len(_CELL_MARK):at + len(_CELL_MARK) + 24]
        joined = left + right
        if any(start < len(left) < end and number in whole for number, start, end in find_numbers(joined)):
            out.append(layout[last:at])
            last = at + len(_CELL_MARK)
    return "".join(out) + layout[last:]


_WRAP_TAIL = 20  # characters: the rest of a cell wrapped onto its own line is short
_CAPTION = re.compile(r"^\s*(?:表|图|附)\s*[\d一二三四五六七八九十]")  # 表2 推广活动一览表: the next table's caption
_DATE_CELL = re.compile(r"(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?(?:底|前|末)?|[\d.,%\s]+")


def _rejoin_wrapped_cells(rows: list[str]) -> list[str]:
    """A cell too long for its column wraps onto a line of its own between two rows ("…覆盖12个 | 2026年9月",
    "品种", "GB/T 25485…"): that line is the rest of the row's longest cell, not a paragraph that splits the table."""
    out: list[str] = []
    for k, line in enumerate(rows):
        sandwiched = (out and " | " in out[-1] and k + 1 < len(rows) and " | " in rows[k + 1] and " | " not in line
                      and len(line) <= _WRAP_TAIL and not line.endswith(_PARAGRAPH_END)
                      and line_kind(line) == "paragraph" and not _CAPTION.match(line))
        if sandwiched:
            cells = out[-1].split(" | ")
            # a number or a date fits its column; the text cell is the one that wrapped
            text = [i for i, c in enumerate(cells) if not find_numbers(c) and not _DATE_CELL.fullmatch(c.strip())]
            longest = max(text or range(len(cells)), key=lambda i: len(cells[i]))
            cells[longest] += line
            out[-1] = " | ".join(cells)
        else:
            out.append(line)
    return out


_DIGITS = re.compile(r"\d+")
MAX_RUNNING_LINE = 60  # characters: a running header or footer is a label, not a paragraph


def _furniture_like(line: str) -> bool:
    """Short and not a finished sentence: what a header or footer looks like."""
    line = line.strip()
    return len(line) <= MAX_RUNNING_LINE and not line.endswith(("。", "！", "？", "；"))


def strip_running_lines(pages: list[str]) -> list[str]:
    """Drop running headers and footers: a short line at the top or bottom of most pages (page numbers ignored)
    is the producer's furniture ("销售热线…", "— 3 —"), not the document's text, and never evidence. Only the
    edge lines themselves go: a templated report repeats whole sentences with other figures on every page
    ("2023年共举办宣贯培训6场…"), and those are the document's text wherever they stand."""
    if len(pages) < 2:
        return pages

    def key(line: str) -> str:
        return _DIGITS.sub("#", line.strip())

    def edges(text: str) -> list[int]:
        idx = [i for i, ln in enumerate(text.splitlines()) if ln.strip()]
        return sorted(set(idx[:2] + idx[-2:]))

    counts: dict[str, int] = {}
    for text in pages:
        lines = text.splitlines()
        for k in {key(lines[i]) for i in edges(text) if _furniture_like(lines[i])}:
            counts[k] = counts.get(k, 0) + 1
    # (a two-page file repeats its header on both pages: seen twice at an edge, it is furniture there too)
    running = {k for k, n in counts.items() if n >= max(min(3, len(pages)), (len(pages) + 1) // 2)}
    if not running:
        return pages
    out = []
    for text in pages:
        lines, drop = text.splitlines(), set(edges(text))
        out.append("\n".join(ln for i, ln in enumerate(lines) if not (i in drop and key(ln) in running)))
    return out


SCAN_TEXT_CHARS = 40


def _has_images(page) -> bool:
    try:
        return bool(page["/Resources"].get_object().get("/XObject"))
    except Exception:  # no resources, or a broken dictionary: nothing to show
        return False


def _pdfium_pages(raw: bytes, indexes: list[int]) -> list[tuple[str, PageQuality]]:
    """The second extractor, only for the pages pypdf could not read (it is slower on sound pages)."""
    if not indexes:
        return []
    try:
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(raw)
    except Exception:  # not installed, or PDFium refuses the file: keep pypdf's verdict
        return []
    out = []
    try:
        for i in indexes:
            try:
                text = document[i].get_textpage().get_text_range().replace("\r\n", "\n")
            except Exception:
                text = ""
            out.append(check_text(text, i + 1, "pypdfium2") if text.strip() else
                       ("", PageQuality(i + 1, False, ("extract_error",), (), "pypdfium2")))
    finally:
        document.close()
    return out


def _try_empty_password(reader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:  # pypdf raises several types (incl. missing crypto backend); all mean "still locked"
        return False


def _paragraphs(lines: list[str]) -> list[tuple[BlockKind, str]]:
    """Re-join lines a PDF broke mid-sentence. A line that does not end a sentence continues into the next
    unless the next is a heading, a list item ("1." "（1）" "- " "序号…") or a table row ("a | b | c")."""
    out: list[tuple[BlockKind, str]] = []
    buf = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        kind = line_kind(line)
        if kind != "paragraph" or is_list_item(line):
            if buf:
                out.append(("paragraph", buf))
                buf = ""
            if kind != "paragraph":
                out.append((kind, table_text(line) if kind == "table_row" else line))
                continue
        buf = _join(buf, line)
        if buf.endswith(_PARAGRAPH_END):
            out.append(("paragraph", buf))
            buf = ""
    if buf:
        out.append(("paragraph", buf))
    return out


_PARAGRAPH_END = tuple(SENTENCE_END) + (":", "：")
# A wrap inside a standard number's prefix ("T/CA" + "MS 12—2022", "G" + "B/T"): join without the Latin space.
_PREFIX_TAIL = re.compile(r"(?<![A-Za-z])(?:[A-Z]{1,2}\s*/\s*[A-Z]{0,11}|G|GB|DB\d*|Q\s*/\s*[A-Z0-9]*)$")


def _join(left: str, right: str) -> str:
    if right[:1].isascii() and right[:1].isalpha() and _PREFIX_TAIL.search(left):
        return left + right
    return join_lines(left, right)
# (slide decks and WeChat posts bullet with ●, ■, ◆, ▶ and the like, with or without a space)
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,3}[\.．、)）](?!\d)|[（(]\d{1,3}[）)]|[-*•·▪]\s|[●○■□◆◇▶►▸★☆◎]|[①-⑳]|序号)")
_TABLE_SEPARATOR = re.compile(r"^[\s|:：\-—=+]+$")


def is_list_item(line: str) -> bool:
    return bool(_LIST_ITEM.match(line))


def is_table_row(line: str) -> bool:
    """"a | b | c" (a table a PDF or text file flattened) or a Markdown table row."""
    line = line.strip()
    return line.count("|") >= 2 or (line.startswith("|") and line.endswith("|") and len(line) > 2)


def table_text(line: str) -> str:
    return " | ".join(c.strip() for c in line.strip().strip("|").split("|"))


def line_kind(line: str) -> BlockKind:
    """A line on its own: table row, heading, or running text. An outline-numbered line that carries a standard
    number ("1. GB/T 39116—2020 智能制造能力成熟度模型") is a list item, not a heading."""
    if is_table_row(line):
        return "table_row"
    if is_heading(line) and not find_numbers(line):
        return "heading"
    return "paragraph"


# ---- DOCX --------------------------------------------------------------------------------------


def _docx_blocks(path: Path, raw: bytes, max_unpacked_mb: float = 200.0) -> list[Block]:
    if not raw.startswith(b"PK"):
        raise InputError(f"{path.name}: 扩展名为 .docx，但内容不是 Word 文档")
    check_unpacked(path, raw, max_unpacked_mb)
    document = _open_docx(path, raw)
    return _docx_body_blocks(document)


def _open_docx(path: Path, raw: bytes):
    import docx

    try:
        return docx.Document(io.BytesIO(raw))
    except Exception as exc:  # zipfile, lxml and python-docx raise their own types for broken files
        raise InputError(f"{path.name}: DOCX 文件已损坏或无法解析") from exc


def _docx_body_blocks(document) -> list[Block]:
    """One pass over the body XML. Paragraph styles are resolved once per document: python-docx's
    `paragraph.style` scans every style definition for each paragraph, which made an 11 000-paragraph file take
    minutes."""
    from docx.table import Table

    headings = _heading_style_ids(document)
    levels = _heading_style_levels(document)
    blocks: list[Block] = []
    section, para_no, table_no = "", 0, 0
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = _paragraph_text(child).strip()
            if not text:
                continue
            if _paragraph_style_id(child) in headings or is_heading(text):
                section, para_no = text, 0
                blocks.append(Block(text, f"标题“{text[:30]}”", section, "heading",
                                    level=levels.get(_paragraph_style_id(child))))
            else:
                para_no += 1
                where = f"“{section[:30]}”下第{para_no}段" if section else f"第{para_no}段"
                blocks.append(Block(text, where, section))
        elif tag == "tbl":
            table_no += 1
            blocks.extend(_table_rows(Table(child, document), table_no, section))
    return blocks


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DEFAULT_STYLE = object()  # stands for "no w:pStyle": the document's default paragraph style applies


def _heading_style_ids(document) -> set:
    """Ids of the paragraph styles named as headings or titles (English or Chinese names); the default style
    is included (as _DEFAULT_STYLE) when it is itself a heading style."""
    from docx.enum.style import WD_STYLE_TYPE

    ids: set = set()
    for style in document.styles:
        if style.type != WD_STYLE_TYPE.PARAGRAPH or not _is_heading_name(style.name or ""):
            continue
        ids.add(style.style_id)
        if style.element.get(f"{_W}default") in ("1", "true", "on"):
            ids.add(_DEFAULT_STYLE)
    return ids


def _heading_style_levels(document) -> dict:
    """Heading style id -> outline level from its name ("Heading 2", "标题 2"): an auto-numbered sub-heading has
    no "（一）" in its text, only its style says it sits under the heading before it."""
    out = {}
    for style in document.styles:
        m = re.match(r"(?:heading|标题)\s*(\d)", (style.name or "").strip().lower())
        if m:
            out[style.style_id] = int(m.group(1))
    return out


def _is_heading_name(name: str) -> bool:
    return name.lower().startswith(("heading", "title")) or name.startswith("标题")


_RUN_TEXT = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}


def _paragraph_text(p) -> str:
    """What python-docx's `paragraph.text` gives (runs and hyperlinks; tabs, breaks, hyphens), by plain
    iteration: its per-run XPath calls were most of the remaining reading time."""
    parts: list[str] = []
    for child in p:
        if child.tag == f"{_W}r":
            _run_text(child, parts)
        elif child.tag == f"{_W}hyperlink":
            for run in child:
                if run.tag == f"{_W}r":
                    _run_text(run, parts)
    return "".join(parts)


def _run_text(run, parts: list[str]) -> None:
    for el in run:
        if el.tag == f"{_W}t":
            parts.append(el.text or "")
        elif el.tag == f"{_W}br":
            parts.append("\n" if el.get(f"{_W}type", "textWrapping") == "textWrapping" else "")
        elif el.tag in _RUN_TEXT:
            parts.append(_RUN_TEXT[el.tag])


def paragraph_style_names(document) -> Callable[[Any], str]:
    """A lookup paragraph element -> its style name, resolved once per document (python-docx's `paragraph.style`
    scans every style definition per paragraph: quadratic on long files)."""
    from docx.enum.style import WD_STYLE_TYPE

    names, default = {}, ""
    for style in document.styles:
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            continue
        names[style.style_id] = style.name or ""
        if style.element.get(f"{_W}default") in ("1", "true", "on"):
            default = style.name or ""
    return lambda p: default if (sid := _paragraph_style_id(p)) is _DEFAULT_STYLE else names.get(sid, "")


def _paragraph_style_id(p):
    style = p.find(f"{_W}pPr/{_W}pStyle")
    return style.get(f"{_W}val") if style is not None else _DEFAULT_STYLE


# ---- zip-based inputs: bounded before anything is parsed -------------------------------------------

MAX_ZIP_MEMBERS = 5000  # a Word file has tens of parts, hundreds with many images
_INFLATE_STEP = 1 << 20


def check_unpacked(path: Path, raw: bytes, max_unpacked_mb: float = 200.0) -> None:
    """Refuse a zip-based file (DOCX, XLSX) whose parts would unpack beyond `max_unpacked_mb` or that has too
    many parts, before any parser sees it. The sizes the zip directory declares are checked first (instant),
    then every part is inflated as a stream and counted, with a cap, so a directory that lies about sizes cannot
    get past either: a part that inflates beyond its declared size is refused as soon as it does, so the
    declared total bounds the work; nothing inflated is kept."""
    limit = int(max_unpacked_mb * 1024 * 1024)
    _check_member_count(path, _declared_member_count(raw))
    try:
        infos = zipfile.ZipFile(io.BytesIO(raw)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        kind = path.suffix.lstrip(".").upper()
        raise InputError(f"{path.name}: {kind} 文件已损坏或无法解析") from exc
    _check_member_count(path, len(infos))
    declared = sum(i.file_size for i in infos)
    if declared > limit:
        raise _too_large(path, declared, max_unpacked_mb)
    for info in infos:  # each part may inflate to no more than it declares (a well-formed file never does)
        if _inflated_size(path, raw, info, info.file_size) > info.file_size:
            raise InputError(f"{path.name}: 解压后过大（部件 {info.filename[:60]} 解压后超过其声明的大小）")


def _declared_member_count(raw: bytes) -> int:
    """The part count from the end-of-directory record, read before the directory itself is parsed into
    objects (a 50 MB file can declare a million tiny parts). 0xFFFF means a zip64 directory: at least that many."""
    end = raw.rfind(b"PK\x05\x06", max(0, len(raw) - 65557))
    if end < 0 or len(raw) < end + 12:
        return 0  # no record: zipfile reports the file as corrupt next
    return struct.unpack("<H", raw[end + 10 : end + 12])[0]


def _check_member_count(path: Path, count: int) -> None:
    if count > MAX_ZIP_MEMBERS:
        raise InputError(f"{path.name}: 文件内部件过多（{count} 个，上限 {MAX_ZIP_MEMBERS}）")


def _too_large(path: Path, size: int, max_unpacked_mb: float) -> InputError:
    return InputError(f"{path.name}: 解压后过大（{size / 1048576:.0f} MB，上限 {max_unpacked_mb:g} MB，可调 ASSISTANT_MAX_UNPACKED_MB）")


def _inflated_size(path: Path, raw: bytes, info: zipfile.ZipInfo, cap: int) -> int:
    """The real unpacked size of one part, counted up to just past `cap` (then the caller refuses)."""
    start = _data_start(path, raw, info)
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return info.file_size  # other methods are left to the parser; their declared size was checked
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    data = memoryview(raw)[start:]  # to the end of the file: the stream's own end marker stops inflating
    pos, pending, total = 0, b"", 0
    try:
        while not inflater.eof and total <= cap:
            if not pending:
                pending = data[pos : pos + _INFLATE_STEP]
                pos += _INFLATE_STEP
                if not pending:
                    break
            total += len(inflater.decompress(pending, _INFLATE_STEP))
            pending = inflater.unconsumed_tail
    except zlib.error:
        return info.file_size  # a broken stream is the parser's to report as corrupt
    return total


def _data_start(path: Path, raw: bytes, info: zipfile.ZipInfo) -> int:
    offset = info.header_offset
    header = raw[offset : offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        kind = path.suffix.lstrip(".").upper()
        raise InputError(f"{path.name}: {kind} 文件已损坏或无法解析（内部件的文件头有误）")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    return offset + 30 + name_len + extra_len


def _table_rows(table, table_no: int, section: str) -> list[Block]:
    rows = []
    for r, row in enumerate(table.rows, start=1):
        cells: list[str] = []
        for cell in row.cells:
            text = cell.text.strip().replace("\n", " ")
            # python-docx repeats a merged cell once per grid column; keep it once.
            if not cells or cells[-1] != text:
                cells.append(text)
        line = " | ".join(cells).strip(" |")
        if line:
            rows.append(Block(line, f"表{table_no}第{r}行", section, "table_row"))
    return rows


# ---- text and Markdown -------------------------------------------------------------------------

_BOMS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]


def decode_text(raw: bytes, path: Path | None = None) -> str:
    """UTF-8 (with or without BOM), UTF-16 (with BOM, or without one when it reads as text), else GB18030
    (a superset of GBK and GB2312)."""
    name = path.name if path else "input"
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as exc:  # a BOM followed by a cut-off or foreign byte stream
                shown = encoding.upper().removesuffix("-SIG")
                raise InputError(f"{name}: 文件开头标明 {shown} 编码，但内容不是有效的 {shown} 文本（可能已截断或损坏）") from exc
    if b"\x00" in raw[:4096]:
        text = _utf16_without_bom(raw)
        if text is None:
            raise InputError(f"{name}: 看起来是二进制文件，不是文本")
        return text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: 无法识别文本编码（支持 UTF-8、GBK/GB18030、UTF-16）") from exc


def _texty(ch: str) -> bool:
    """Characters ordinary Chinese/English documents are made of (ASCII, Latin-1, CJK, CJK and general punctuation)."""
    o = ord(ch)
    return (ch in "\t\n\r" or 0x20 <= o < 0x7F or 0xA0 <= o <= 0xFF or 0x2000 <= o <= 0x206F or 0x2460 <= o <= 0x24FF
            or 0x3000 <= o <= 0x303F or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF
            or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x3134F)


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 without a BOM: the byte order whose decoding reads as text, or None (binary).

    Chinese text in UTF-16 has few zero bytes (only ASCII, digits and line breaks have them), so zero counts alone
    cannot tell it from binary; the decoded characters can: the wrong byte order or binary data give mostly
    characters no document is written in.
    """
    if len(raw) < 4 or len(raw) % 2:
        return None
    best: tuple[float, str] | None = None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:2000]
        score = sum(map(_texty, sample)) / len(sample)
        if score >= 0.9 and "\x00" not in sample and (best is None or score > best[0]):
            best = (score, text)
    return best[1] if best else None


_MD_HEADING = re.compile(r"^(#{1,6})\s+")


def text_blocks(text: str, markdown: bool = False) -> list[Block]:
    """Blocks from plain text or Markdown (# headings are honoured in .txt too: many files are Markdown saved as
    text). Blank lines separate paragraphs; a line ending a sentence ends its block (one paragraph per line is the
    common layout); a hard-wrapped line joins the next unless that is a heading, list item or table row. Each
    block keeps a map of where its source lines start, for exact line locations."""
    del markdown  # kept for callers; Markdown headings are recognised in every text file
    blocks: list[Block] = []
    section = ""
    buf, lines_map = "", []  # lines_map: (offset in buf, line number)
    source = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def flush() -> None:
        nonlocal buf, lines_map
        if buf:
            blocks.append(Block(buf, f"第{lines_map[0][1]}行", section, lines=lines_map))
        buf, lines_map = "", []

    for number, line in enumerate(source, start=1):
        stripped = line.strip()
        md = _MD_HEADING.match(stripped)
        if md and stripped[md.end():].strip():
            flush()
            section = stripped[md.end():].strip()
            blocks.append(Block(section, f"第{number}行", section, "heading", level=len(md.group(1))))
            continue
        if not stripped or _TABLE_SEPARATOR.match(stripped) and "|" in stripped:
            flush()
            continue
        kind = line_kind(stripped)
        if kind == "heading":
            flush()
            section = stripped
            blocks.append(Block(stripped, f"第{number}行", section, "heading"))
            continue
        if kind == "table_row":
            flush()
            blocks.append(Block(table_text(stripped), f"第{number}行", section, "table_row"))
            continue
        if is_list_item(stripped):
            flush()
        joined = _join(buf, stripped)
        lines_map.append((len(joined) - len(stripped), number))
        buf = joined
        if buf.endswith(_PARAGRAPH_END):
            flush()
    flush()
    return blocks
