"""Recipe-driven test documents (PDF with Chinese text, DOCX with headings and tables, GBK/UTF-8 text, Markdown).

Used by the tests and by the review eval (`evals/review.yaml` holds recipes). A recipe is

    title: 试点总结报告             # optional
    format: pdf | docx | txt | md
    encoding: gbk                  # txt/md only (default utf-8)
    sections:
      - heading: 一、标准群应用情况
        paragraphs: ["……", "……"]     # "\\n" inside a paragraph forces a line break (PDF/TXT)
        table: [[编号, 名称, 层级, 核心], [GB/T 39116—2020, …]]   # optional, first row is the header
        page_break: true           # PDF: start this section on a new page

PDF needs reportlab (a test extra: `pip install pilot-assistant[test]`); it is imported only when a PDF is made.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Sequence

from assistant.errors import AssistantError

Section = dict[str, Any]
PDF_FONT = "STSong-Light"  # reportlab's built-in CID font: Chinese without shipping a TTF


def normalize_sections(sections: Iterable[Any], tables: Iterable[tuple[int, Sequence[Sequence[str]]]] = ()) -> list[Section]:
    """Sections as dicts from (heading, [paragraphs]) tuples or dicts; `tables` = [(section_index, rows)]."""
    out: list[Section] = []
    for item in sections:
        if isinstance(item, dict):
            out.append({"heading": item.get("heading", ""), "paragraphs": list(item.get("paragraphs") or []),
                        "table": item.get("table"), "page_break": bool(item.get("page_break"))})
        else:
            heading, paragraphs = item
            out.append({"heading": heading, "paragraphs": list(paragraphs), "table": None, "page_break": False})
    for index, rows in tables:
        out[index]["table"] = [list(map(str, r)) for r in rows]
    return out


def make_document(path: Path | str, sections: Iterable[Any], tables: Iterable[tuple[int, Sequence[Sequence[str]]]] = (),
                  title: str = "", encoding: str = "utf-8") -> Path:
    """Write a document whose format follows the suffix of `path` (.pdf, .docx, .txt, .md)."""
    path = Path(path)
    secs = normalize_sections(sections, tables)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        _pdf(path, title, secs)
    elif suffix == ".docx":
        _docx(path, title, secs)
    elif suffix in {".txt", ".md"}:
        path.write_bytes(_text(title, secs, markdown=suffix == ".md").encode(encoding))
    else:
        raise ValueError(f"docgen: unsupported format {suffix}")
    return path


def from_recipe(recipe: dict, folder: Path | str, name: str = "doc") -> Path:
    """Generate the document a recipe describes into `folder`; returns its path."""
    fmt = recipe.get("format", "docx")
    return make_document(Path(folder) / f"{name}.{fmt}", recipe.get("sections", []), title=recipe.get("title", ""),
                         encoding=recipe.get("encoding", "utf-8"))


def long_report_sections(pages: int = 50) -> list[Section]:
    """A long, realistic report (about one section per page) for the review benchmark."""
    body = [
        "本阶段围绕智能制造能力成熟度评估开展了现状调研，覆盖冲压、焊装、涂装和总装四个车间的主要工序。",
        "项目组按《智能制造能力成熟度模型》（GB/T 39116—2020）对照检查了设计、生产、物流和销售等能力域。",
        "已完成设备联网改造，累计接入数控设备和机器人共计326台，数据采集周期缩短到1秒。",
        "生产效率提升18%，产品不良品率降低23%，单位产值能耗降低9.6%，统计口径为试点前后各12个月。",
        "下一步将继续完善数据治理体系，计划在二期工程中扩展到供应链协同场景。",
        "会议纪要、验收记录和系统上线记录已归档，可供考核验收时查阅。",
        "标准群以GB/T 39116—2020为核心国家标准，配套行业标准、团体标准和企业标准共8项，已逐条完成对标。",
        "针对数据采集条款不适用于离散装配场景的问题，已向标准化技术委员会提交修订建议。",
        "已编制《焊装车间标准应用实施指南》V1.0，配套检查表和模板已投入使用。",
        "2023年共举办宣贯培训6场，带动上下游中小企业27家开展标准应用。",
        "已编写典型案例一篇，拟向案例库推荐。",
    ]
    out = []
    for page in range(1, pages + 1):
        # Every sentence differs from page to page (no free wins from de-duplication).
        paragraphs = [f"（第{page}阶段，批次{k}）{s}" for k in (1, 2) for s in body]
        out.append({"heading": f"{page}. 第{page}阶段实施情况", "paragraphs": paragraphs, "table": None,
                    "page_break": page > 1})
    return out


# ---- PDF ------------------------------------------------------------------------------------------


def _reportlab():
    try:
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas
    except ImportError as exc:
        raise AssistantError("生成 PDF 需要 reportlab：pip install 'pilot-assistant[test]'") from exc
    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    return A4, pdfmetrics, canvas


def _wrap(text: str, width: float, size: float, pdfmetrics) -> list[str]:
    """Break `text` into lines that fit `width`; an explicit "\\n" always breaks."""
    lines: list[str] = []
    for part in text.split("\n"):
        line = ""
        for ch in part:
            if line and pdfmetrics.stringWidth(line + ch, PDF_FONT, size) > width:
                lines.append(line)
                line = ""
            line += ch
        lines.append(line)
    return lines


def _pdf(path: Path, title: str, sections: list[Section]) -> None:
    A4, pdfmetrics, canvas = _reportlab()
    page_w, page_h = A4
    margin, size, leading = 56, 11, 17
    width = page_w - 2 * margin
    c = canvas.Canvas(str(path), pagesize=A4)
    y = page_h - margin

    def new_page() -> None:
        nonlocal y
        c.showPage()
        y = page_h - margin

    def line(text: str, font_size: float = size) -> None:
        nonlocal y
        if y < margin + leading:
            new_page()
        c.setFont(PDF_FONT, font_size)
        c.drawString(margin, y, text)
        y -= leading

    if title:
        line(title, 15)
    for i, sec in enumerate(sections):
        if sec["page_break"] and (i > 0 or title):
            new_page()
        if sec["heading"]:
            line(sec["heading"], 13)
        for paragraph in sec["paragraphs"]:
            for text in _wrap(str(paragraph), width, size, pdfmetrics):
                line(text)
        for row in sec["table"] or []:
            for text in _wrap(" | ".join(map(str, row)), width, size, pdfmetrics):
                line(text)
    c.save()


# ---- DOCX and text ---------------------------------------------------------------------------------


def _docx(path: Path, title: str, sections: list[Section]) -> None:
    from assistant.export import add_table, docx_document

    doc = docx_document(title or None)
    for sec in sections:
        if sec["heading"]:
            doc.add_heading(sec["heading"], level=1)
        for paragraph in sec["paragraphs"]:
            doc.add_paragraph(str(paragraph).replace("\n", ""))
        if sec["table"]:
            add_table(doc, sec["table"][0], sec["table"][1:])
        if sec["page_break"]:
            pass  # DOCX has no page locations; nothing to do
    doc.save(str(path))


def _text(title: str, sections: list[Section], markdown: bool = False) -> str:
    parts: list[str] = []
    if title:
        parts.append(f"# {title}" if markdown else title)
    for sec in sections:
        if sec["heading"]:
            parts.append(f"## {sec['heading']}" if markdown else sec["heading"])
        parts.extend(str(p) for p in sec["paragraphs"])
        # One row per paragraph so each row stays its own block, as in a table.
        parts.extend(" | ".join(map(str, row)) for row in sec["table"] or [])
    return "\n\n".join(parts) + "\n"


def long_report_pdf(path: Path | str, pages: int = 50) -> Path:
    """The benchmark document: a `pages`-page PDF report (evals/bench.py times its review)."""
    return make_document(path, long_report_sections(pages), title="试点总结报告（基准测试）")
