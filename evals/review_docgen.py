"""Builds the review eval's submissions (evals/review_dev.yaml, evals/review_heldout.yaml) from their recipes.

Written apart from the review code, so that the eval does not share its assumptions about documents.
`build(case, out_dir) -> Path` writes one file and returns its path. Recipe:

    id, stage, format: docx | pdf | md, producer, title?, header?, footer?, corrupt_text_layer?,
    blocks: [ {heading: str, level?: 1|2, numbering?: auto_decimal | auto_chinese}
            | {paragraph: str, bold?: bool, numbering?: auto_decimal | auto_chinese}
            | {table: {header: [..], rows: [[..], ..]}, caption?: str}
            | {page_break: true}
            | {scanned_page: [line, ..]}          # a page that is only an image (PDF; DOCX: a picture)
            | {filler_pages: n, topic?: str} ]    # n pages of neutral company material, no evidence

Shapes, and what is real about them:
- DOCX (python-docx): Word heading styles; `numbering: auto_*` uses real Word automatic numbering (numPr on the
  paragraph, numFmt decimal / chineseCounting in numbering.xml), so the "1." or "一、" a reader sees is NOT in
  the paragraph text; typed "一、" prefixes are plain text; tables; header and footer in the section.
  `producer` sets the core properties only (author, comments); python-docx writes the file either way.
- PDF (reportlab, CJK via the built-in `UnicodeCIDFont('STSong-Light')`, not embedded): one PDF page per recipe
  page (`page_break` and `filler_pages` start pages; build() checks the count so expectations that name pages
  hold). `producer` sets the PDF /Producer and /Creator metadata (e.g. "LibreOffice 7.6" / "Writer"); the
  layout is always reportlab's. `producer: reportlab-per-char` draws every character separately, as some
  converters do, so extraction must reassemble lines from single-glyph runs.
- scanned_page: the page content is one raster image (rendered with Pillow, using a CJK system font if one is
  found, otherwise grey bars standing for lines) and no text layer at all.
- corrupt_text_layer: the page still *looks* right (glyphs come from the font's UniGB-UCS2-H encoding), but a
  /ToUnicode CMap is added afterwards with pypdf, which text extractors prefer over the encoding:
    nul   every character maps to itself followed by U+0000 ("项\0目\0…", as pypdf reads some producers'
          CJK output); lossless to repair by dropping NULs.
    fffd  every character maps to U+FFFD (replacement character); not repairable.
    pua   every character maps to a Private Use Area code point (U+E000 + n); not repairable.
  Value: a mode name (all pages) or {mode, pages: [1-based page numbers]}. Corrupted pages get their own copy
  of the font resource, so the other pages stay readable.
  Measured with the venv's extractors on these pages: pypdf gives "字\0字\0…" / U+FFFD / PUA runs, pypdfium2
  gives "字\ufffe字\ufffe…" / U+FFFD / PUA, pdfminer.six gives "(cid:n)" runs for all three modes — so a second
  extractor does not rescue them. Not produced: mojibake that is itself valid CJK (wrong but plausible
  characters), which no text-layer check can be expected to detect.
- MD: headings as "#"/"##", tables as pipe tables; page breaks and scans do not exist in Markdown.

By hand: `python evals/review_docgen.py evals/review_dev.yaml OUT_DIR` builds every case of a file.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

FONT = "STSong-Light"
PAGE_W, PAGE_H = 595.2756, 841.8898  # A4 in points
MARGIN = 56.0

FILLER_TOPICS = {
    "company": ("企业基本情况", ["序号", "项目", "内容"], [
        ["1", "注册地址", "工业园区规划路18号"], ["2", "成立时间", "2006年"], ["3", "职工人数", "1120人"],
        ["4", "占地面积", "21万平方米"], ["5", "主要产品", "见产品清单"], ["6", "质量体系", "ISO 9001、IATF 16949"]]),
    "finance": ("近三年主要经济指标", ["指标", "2022年", "2023年", "2024年"], [
        ["营业收入（亿元）", "12.4", "13.9", "15.2"], ["利润总额（亿元）", "0.82", "0.97", "1.10"],
        ["研发投入（万元）", "4120", "4680", "5230"], ["出口额（万美元）", "2310", "2650", "2890"]]),
    "equipment": ("主要生产设备清单", ["设备名称", "型号", "数量", "投用年份"], [
        ["冲压机", "J31-800", "6台", "2018"], ["焊接工作站", "RW-200", "14套", "2020"],
        ["喷涂线", "PT-3", "1条", "2019"], ["三坐标测量机", "CMM-12", "2台", "2021"], ["空压机", "LG-55", "3台", "2017"]]),
    "org": ("项目组织架构与人员", ["岗位", "人数", "职责"], [
        ["项目负责人", "1", "统筹项目进度与资源"], ["技术组", "8", "方案设计与实施"], ["质量组", "4", "检验与记录"],
        ["财务组", "2", "预算与核算"], ["综合组", "3", "会务与文档"]]),
    "budget": ("项目经费预算", ["科目", "金额（万元）", "说明"], [
        ["设备购置", "1860", "含安装调试"], ["软件购置", "640", "含授权"], ["人员费用", "420", "两年"],
        ["培训费用", "85", "内部培训"], ["其他", "95", "差旅、会议"]]),
}
FILLER_PARAGRAPH = ("本页为申报单位基本信息，数据来源于企业年度统计报表，仅供评审了解企业规模与经营情况。"
                    "表中数据为企业自行填报，以财务审计报告为准。")


def build(case: dict, out_dir: Path) -> Path:
    """Write the submission described by `case` into `out_dir` and return the file's path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fmt = case["format"]
    path = out_dir / f"{case['id']}.{fmt}"
    if fmt == "docx":
        _build_docx(case, path)
    elif fmt == "pdf":
        _build_pdf(case, path)
    elif fmt == "md":
        path.write_text(_markdown(case), encoding="utf-8")
    else:
        raise ValueError(f"unknown format {fmt!r} in case {case['id']}")
    return path


def expand_blocks(blocks: list[dict]) -> list[dict]:
    """Replace filler_pages blocks by their pages (heading + paragraph + table + page break each)."""
    out: list[dict] = []
    topics = list(FILLER_TOPICS)
    for block in blocks:
        if "filler_pages" not in block:
            out.append(block)
            continue
        for i in range(int(block["filler_pages"])):
            title, header, rows = FILLER_TOPICS[block.get("topic") or topics[i % len(topics)]]
            if out and "page_break" not in out[-1]:
                out.append({"page_break": True})
            out.append({"heading": f"附：{title}", "level": 2})
            out.append({"paragraph": FILLER_PARAGRAPH})
            out.append({"table": {"header": header, "rows": rows}})
            out.append({"page_break": True})
    return _isolate_scans(out)


def _isolate_scans(blocks: list[dict]) -> list[dict]:
    """A scanned page stands alone: a page break before it (unless the page is empty) and after it."""
    out: list[dict] = []
    for i, block in enumerate(blocks):
        if "scanned_page" in block and out and "page_break" not in out[-1]:
            out.append({"page_break": True})
        out.append(block)
        if "scanned_page" in block and i + 1 < len(blocks) and "page_break" not in blocks[i + 1]:
            out.append({"page_break": True})
    while out and "page_break" in out[-1]:
        out.pop()
    return out


def page_count(case: dict) -> int:
    """Pages the PDF of this recipe has: one per page_break (expand_blocks puts them around scans), plus one."""
    return 1 + sum(1 for b in expand_blocks(case["blocks"]) if "page_break" in b)


# ───────────────────────────── Markdown ─────────────────────────────

def _markdown(case: dict) -> str:
    lines: list[str] = []
    if case.get("title"):
        lines += [f"# {case['title']}", ""]
    for block in expand_blocks(case["blocks"]):
        if "heading" in block:
            lines += ["#" * (int(block.get("level", 1)) + 1) + " " + block["heading"], ""]
        elif "paragraph" in block:
            text = block["paragraph"]
            lines += [f"**{text}**" if block.get("bold") else text, ""]
        elif "table" in block:
            header, rows = block["table"]["header"], block["table"]["rows"]
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# ───────────────────────────── DOCX ─────────────────────────────

def _build_docx(case: dict, path: Path) -> None:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    producer = case.get("producer", "word")
    doc.core_properties.author = {"wps": "WPS Office 用户"}.get(producer, "申报单位")
    doc.core_properties.comments = f"producer={producer}"
    doc.core_properties.title = case.get("title", "")
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    _docx_east_asian_font(style, "宋体")
    section = doc.sections[0]
    if case.get("header"):
        section.header.paragraphs[0].text = case["header"]
    if case.get("footer"):
        section.footer.paragraphs[0].text = case["footer"]
    if case.get("title"):
        doc.add_heading(case["title"], level=0)
    numbering = _DocxNumbering(doc)
    for block in expand_blocks(case["blocks"]):
        _docx_block(doc, block, numbering)
    doc.save(str(path))


def _docx_block(doc, block: dict, numbering: "_DocxNumbering") -> None:
    if "heading" in block:
        para = doc.add_heading(block["heading"], level=int(block.get("level", 1)))
        if block.get("numbering"):
            numbering.apply(para, block["numbering"], int(block.get("level", 1)) - 1)
    elif "paragraph" in block:
        para = doc.add_paragraph()
        run = para.add_run(block["paragraph"])
        run.bold = bool(block.get("bold"))
        if block.get("numbering"):
            numbering.apply(para, block["numbering"], 0)
    elif "table" in block:
        if block.get("caption"):
            doc.add_paragraph(block["caption"])
        header, rows = block["table"]["header"], block["table"]["rows"]
        table = doc.add_table(rows=1 + len(rows), cols=len(header))
        table.style = "Table Grid"
        for j, text in enumerate(header):
            table.cell(0, j).text = str(text)
        for i, row in enumerate(rows, start=1):
            for j, text in enumerate(row):
                table.cell(i, j).text = str(text)
    elif "page_break" in block:
        doc.add_page_break()
    elif "scanned_page" in block:
        from docx.shared import Cm
        doc.add_picture(io.BytesIO(_scan_png(block["scanned_page"])), width=Cm(15))  # breaks come from expand_blocks


def _docx_east_asian_font(style, name: str) -> None:
    from docx.oxml.ns import qn
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


class _DocxNumbering:
    """Real Word list numbering: the number is drawn by Word from numbering.xml, it is not in the text."""

    FORMATS = {"auto_decimal": ("decimal", "%1."), "auto_chinese": ("chineseCounting", "%1、")}

    def __init__(self, doc):
        self.doc = doc
        self.num_ids: dict[str, int] = {}

    def apply(self, para, scheme: str, level: int) -> None:
        num_id = self.num_ids.get(scheme) or self._define(scheme)
        numpr = para._p.get_or_add_pPr().get_or_add_numPr()  # keeps the schema's element order
        numpr.get_or_add_ilvl().val = max(level, 0)
        numpr.get_or_add_numId().val = num_id

    def _define(self, scheme: str) -> int:
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls
        fmt, text = self.FORMATS[scheme]
        numbering = self.doc.part.numbering_part.element
        abstract_id = 90 + len(self.num_ids)
        num_id = 900 + len(self.num_ids)
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="hybridMultilevel"/>'
            f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
            f'<w:lvlJc w:val="left"/></w:lvl>'
            f'<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/>'
            f'<w:lvlJc w:val="left"/></w:lvl></w:abstractNum>')
        num = parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>')
        first_num = numbering.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            numbering.append(abstract)
        numbering.append(num)
        self.num_ids[scheme] = num_id
        return num_id


# ───────────────────────────── PDF ─────────────────────────────

def _build_pdf(case: dict, path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buf = io.BytesIO()
    canv = canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=1)
    producer = case.get("producer", "reportlab")
    canv.setProducer({"libreoffice": "LibreOffice 7.6", "wps": "WPS Office"}.get(producer, "ReportLab PDF Library"))
    canv.setCreator({"libreoffice": "Writer", "wps": "WPS 文字"}.get(producer, "evals/review_docgen.py"))
    canv.setTitle(case.get("title", case["id"]))
    blocks = expand_blocks(case["blocks"])
    if case.get("title"):  # the title opens the first page that has text (a scanned cover comes before it)
        at = next((i for i, b in enumerate(blocks) if "scanned_page" not in b and "page_break" not in b), 0)
        blocks.insert(at, {"title": case["title"]})
    writer = _PdfPages(canv, case, per_char=producer == "reportlab-per-char", scan_first="scanned_page" in blocks[0])
    for i, block in enumerate(blocks):
        if "page_break" in block:
            writer.new_page(scan=i + 1 < len(blocks) and "scanned_page" in blocks[i + 1])
        elif "title" in block:
            writer.text_line(block["title"], size=16, bold=True, gap=10)
        else:
            writer.block(block)
    writer.finish()
    data = buf.getvalue()
    expected = page_count(case)
    pages = writer.page_no
    if pages != expected:
        raise ValueError(f"case {case['id']}: recipe implies {expected} pages but {pages} were laid out "
                         "(a page overflowed; shorten it or add a page_break)")
    if case.get("corrupt_text_layer"):
        data = _corrupt(data, case["corrupt_text_layer"], pages)
    path.write_bytes(data)


class _PdfPages:
    """A minimal page writer: lines wrap by width; a page that would overflow is an authoring error."""

    def __init__(self, canv, case: dict, per_char: bool, scan_first: bool):
        self.c, self.case, self.per_char = canv, case, per_char
        self.page_no = 1
        self.y = PAGE_H - MARGIN
        if not scan_first:
            self._decorate()

    def _decorate(self) -> None:
        self.c.setFont(FONT, 9)
        if self.case.get("header"):
            self.c.drawString(MARGIN, PAGE_H - 30, self.case["header"])
            self.c.line(MARGIN, PAGE_H - 34, PAGE_W - MARGIN, PAGE_H - 34)
        footer = self.case.get("footer")
        if footer:
            self.c.drawCentredString(PAGE_W / 2, 24, footer.replace("{page}", str(self.page_no)))

    def new_page(self, scan: bool = False) -> None:
        """Start the next page; a scanned page gets no running header or footer (it is only an image)."""
        self.c.showPage()
        self.page_no += 1
        self.y = PAGE_H - MARGIN
        if not scan:
            self._decorate()

    def text_line(self, text: str, size: float = 11, bold: bool = False, gap: float = 4, x: float = MARGIN) -> None:
        for line in _wrap(text, size, PAGE_W - MARGIN - x):
            if self.y < MARGIN + size:
                raise ValueError(f"case {self.case['id']}: page {self.page_no} overflows at {line[:20]!r}")
            self.c.setFont(FONT, size)
            if self.per_char:
                cx = x
                for ch in line:
                    self.c.drawString(cx, self.y, ch)
                    cx += _char_width(ch, size)
            elif bold:  # STSong has no bold face: fill and stroke the glyphs, as producers fake bold
                text = self.c.beginText(x, self.y)
                text.setFont(FONT, size)
                text.setTextRenderMode(2)
                text.textOut(line)
                self.c.saveState()  # the render mode is graphics state: keep it to this line
                self.c.setLineWidth(0.3)
                self.c.drawText(text)
                self.c.restoreState()
            else:
                self.c.drawString(x, self.y, line)
            self.y -= size + gap

    def block(self, block: dict) -> None:
        if "heading" in block:
            level = int(block.get("level", 1))
            self.y -= 4
            self.text_line(block["heading"], size=14 if level == 1 else 12, bold=True, gap=6)
        elif "paragraph" in block:
            self.text_line(block["paragraph"], bold=bool(block.get("bold")))
            self.y -= 3
        elif "table" in block:
            if block.get("caption"):
                self.text_line(block["caption"], size=10)
            self._table(block["table"]["header"], block["table"]["rows"])
        elif "scanned_page" in block:
            self._scan(block["scanned_page"])

    def _table(self, header: list, rows: list) -> None:
        size = 9.5
        col_w = (PAGE_W - 2 * MARGIN) / len(header)
        for r, row in enumerate([header] + rows):
            cells = [_wrap(str(cell), size, col_w - 6) for cell in row]
            height = max(len(c) for c in cells) * (size + 3) + 6
            if self.y - height < MARGIN:
                raise ValueError(f"case {self.case['id']}: table overflows page {self.page_no}")
            top = self.y
            for j, lines in enumerate(cells):
                x = MARGIN + j * col_w
                self.c.rect(x, top - height, col_w, height)
                ty = top - size - 2
                for line in lines:
                    self.c.setFont(FONT, size)
                    self.c.drawString(x + 3, ty, line)
                    ty -= size + 3
            self.y = top - height

    def _scan(self, lines: list[str]) -> None:
        from reportlab.lib.utils import ImageReader
        png = _scan_png(lines)
        self.c.drawImage(ImageReader(io.BytesIO(png)), 20, 20, width=PAGE_W - 40, height=PAGE_H - 40)
        self.y = MARGIN  # nothing else fits on a scanned page

    def finish(self) -> None:
        self.c.showPage()
        self.c.save()


def _char_width(ch: str, size: float) -> float:
    return size if ord(ch) > 0x2E7F else size * 0.5


_TOKEN = re.compile(r"[A-Za-z0-9/.\-]+|\n|.")
_NO_LINE_START = set("，。、；：？！）》」』”’%")


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Line breaking as word processors do it: Latin/number runs stay whole (a break may fall at the space or
    after the dash inside "GB/T 39116—2020", never inside "2020"); no line starts with closing punctuation."""
    lines, cur, cur_w = [], "", 0.0
    for token in _TOKEN.findall(text):
        if token == "\n":
            lines.append(cur)
            cur, cur_w = "", 0.0
            continue
        w = sum(_char_width(ch, size) for ch in token)
        if cur_w + w > width and cur.strip() and token not in _NO_LINE_START:
            lines.append(cur.rstrip())
            cur, cur_w = "", 0.0
            if token == " ":
                continue
        cur += token
        cur_w += w
    if cur or not lines:
        lines.append(cur)
    return lines


# ───────────────────────────── scans ─────────────────────────────

CJK_FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/PingFang.ttc",
]


def _scan_png(lines: list[str]) -> bytes:
    """A greyish, slightly tilted 'scan' of the lines: pixels only, no text layer."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    width, height = 1240, 1754  # A4 at 150 dpi
    img = Image.new("L", (width, height), 236)
    draw = ImageDraw.Draw(img)
    font = None
    for candidate in CJK_FONT_CANDIDATES:
        if Path(candidate).exists():
            try:
                font = ImageFont.truetype(candidate, 30)
                break
            except OSError:
                continue
    y = 140
    for line in lines:
        if font is not None:
            draw.text((120, y), line, fill=40, font=font)
        else:  # no CJK font on this machine: grey bars stand for the lines
            draw.rectangle((120, y + 6, 120 + min(len(line), 36) * 28, y + 28), fill=90)
        y += 52
    draw.ellipse((880, height - 420, 1120, height - 180), outline=120, width=6)  # the company seal
    img = img.rotate(0.7, fillcolor=236).filter(ImageFilter.GaussianBlur(0.6))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


# ───────────────────────────── broken text layers ─────────────────────────────

def _corrupt(data: bytes, spec, pages: int) -> bytes:
    """Give the CJK font on the chosen pages a /ToUnicode CMap that extractors trust and that lies."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject

    mode, chosen = (spec, list(range(1, pages + 1))) if isinstance(spec, str) else (spec["mode"], spec["pages"])
    if mode not in ("nul", "fffd", "pua"):
        raise ValueError(f"unknown corrupt_text_layer mode {mode!r}")
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    for number in chosen:
        page = writer.pages[number - 1]
        resources = page["/Resources"].get_object()
        fonts = resources["/Font"].get_object()
        new_fonts = DictionaryObject()
        codes = _page_codes(page)
        for name, ref in fonts.items():
            font = ref.get_object()
            if font.get("/Encoding") == "/UniGB-UCS2-H":
                copy = DictionaryObject(font)
                copy[NameObject("/ToUnicode")] = writer._add_object(_tounicode_stream(codes, mode))
                new_fonts[NameObject(name)] = writer._add_object(copy)
            else:
                new_fonts[NameObject(name)] = ref
        new_resources = DictionaryObject(resources)
        new_resources[NameObject("/Font")] = new_fonts
        page[NameObject("/Resources")] = writer._add_object(new_resources)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _page_codes(page) -> list[int]:
    """The 2-byte codes shown on the page (reportlab writes CJK strings as UTF-16BE hex or literal strings)."""
    from pypdf.generic import ContentStream
    content = ContentStream(page.get_contents(), page.pdf)
    codes: set[int] = set()
    for operands, op in content.operations:
        if op == b"Tj":
            raw = bytes(operands[0].original_bytes) if hasattr(operands[0], "original_bytes") else bytes(operands[0])
            codes.update(int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw) - 1, 2))
    return sorted(codes)


def _tounicode_stream(codes: list[int], mode: str):
    from pypdf.generic import StreamObject

    def dst(i: int, code: int) -> str:
        if mode == "nul":
            return f"{code:04X}0000"
        if mode == "fffd":
            return "FFFD"
        return f"{0xE000 + i:04X}"

    entries = [f"<{code:04X}> <{dst(i, code)}>" for i, code in enumerate(codes)]
    chunks = [entries[i:i + 100] for i in range(0, len(entries), 100)]
    body = "".join(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar\n" for chunk in chunks)
    cmap = ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
            f"{body}endcmap\nCMapName currentdict /CIDInit /ProcSet findresource /defineresource pop\nend\nend\n")
    stream = StreamObject()
    stream.set_data(cmap.encode("ascii"))
    return stream


if __name__ == "__main__":
    import sys

    import yaml

    cases_file, target = Path(sys.argv[1]), Path(sys.argv[2])
    for recipe in yaml.safe_load(cases_file.read_text(encoding="utf-8"))["cases"]:
        print(build(recipe, target))
