"""Loaders keep structure and locations; bad files fail with one InputError naming the file."""
from __future__ import annotations

import zipfile

import docx
import pytest

from assistant.chunking import chunk_document
from assistant.errors import InputError
from assistant.loaders import decode_text, load_document, text_blocks
from assistant.textnorm import heading_level, is_heading, split_sentences

TEXT = "一、项目概况\n本项目由某企业牵头。企业位于江苏。\n\n（一）标准群\n标准群共8项；以GB/T 39116—2020为核心。\n"


def test_sentences_split_at_chinese_stops_keeping_punctuation():
    assert split_sentences("甲。乙；丙！丁？戊") == ["甲。", "乙；", "丙！", "丁？", "戊"]


@pytest.mark.parametrize("line, level", [("一、试点目标", 1), ("（二）智能制造供给能力提升", 2), ("1.咨询规划服务类", 3),
                                         ("第三章 实施", 1), ("(1) 设备联网", 4)])
def test_headings_and_levels(line, level):
    assert is_heading(line) and heading_level(line) == level


def test_numbered_paragraphs_are_not_headings():
    assert not is_heading("1.智能工厂建设应用类。围绕原材料、装备制造等领域开展试点。")
    assert not is_heading("2020年完成。")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_text_encodings_are_detected(encoding):
    assert decode_text(TEXT.encode(encoding)) == TEXT


def test_text_blocks_carry_sections_and_lines():
    blocks = text_blocks(TEXT)
    assert [(b.kind, b.section, b.location) for b in blocks] == [
        ("heading", "一、项目概况", "第1行"), ("paragraph", "一、项目概况", "第2行"),
        ("heading", "（一）标准群", "第4行"), ("paragraph", "（一）标准群", "第5行")]


def _docx(path):
    d = docx.Document()
    d.add_heading("一、标准群应用情况", level=1)
    d.add_paragraph("本项目应用标准群共5项。")
    table = d.add_table(rows=3, cols=3)
    for r, row in enumerate([["序号", "标准编号", "作用"], ["1", "GB/T 39116—2020", "核心"], ["2", "GB/T 37393—2019", "配套"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_paragraph("二、推广情况")  # a heading written as a plain paragraph, as many applicants do
    d.add_paragraph("已举办宣贯会3场。")
    d.save(path)
    return path


def test_docx_keeps_headings_paragraphs_and_table_rows(tmp_path):
    doc = load_document(_docx(tmp_path / "a.docx"))
    got = [(b.kind, b.text, b.location) for b in doc.blocks]
    assert got == [
        ("heading", "一、标准群应用情况", "标题“一、标准群应用情况”"),
        ("paragraph", "本项目应用标准群共5项。", "“一、标准群应用情况”下第1段"),
        ("table_row", "序号 | 标准编号 | 作用", "表1第1行"),
        ("table_row", "1 | GB/T 39116—2020 | 核心", "表1第2行"),
        ("table_row", "2 | GB/T 37393—2019 | 配套", "表1第3行"),
        ("heading", "二、推广情况", "标题“二、推广情况”"),
        ("paragraph", "已举办宣贯会3场。", "“二、推广情况”下第1段"),
    ]


def test_chunks_follow_sections_and_keep_table_rows_apart(tmp_path):
    chunks = chunk_document(load_document(_docx(tmp_path / "a.docx")))
    assert [c.text for c in chunks] == ["本项目应用标准群共5项。", "序号 | 标准编号 | 作用", "1 | GB/T 39116—2020 | 核心",
                                        "2 | GB/T 37393—2019 | 配套", "已举办宣贯会3场。"]
    assert chunks[0].section == "一、标准群应用情况" and chunks[-1].section == "二、推广情况"
    assert len({c.id for c in chunks}) == len(chunks)
    again = chunk_document(load_document(tmp_path / "a.docx"))
    assert [c.id for c in again] == [c.id for c in chunks], "ids are stable across runs"


def test_long_paragraphs_split_only_at_sentence_ends(tmp_path):
    sentence = "企业按照标准要求完成了设备联网和数据采集系统的建设工作，" * 3 + "形成了车间级数据平台。"
    path = tmp_path / "long.txt"
    path.write_text("一、实施路径\n" + sentence * 12, encoding="utf-8")
    chunks = chunk_document(load_document(path))
    assert len(chunks) > 1
    assert all(c.text.endswith("。") for c in chunks)
    assert "".join(c.text for c in chunks) == sentence * 12


@pytest.mark.parametrize("name, content, message", [
    ("missing.pdf", None, "文件不存在"),
    ("empty.txt", b"", "空文件"),
    ("fake.pdf", b"hello, I am not a PDF", "内容不是 PDF"),
    ("broken.pdf", b"%PDF-1.7\n garbage garbage", "PDF 文件已损坏"),
    ("fake.docx", b"plain text", "内容不是 Word"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "DOCX 文件已损坏"),
    ("notes.xyz", b"abc", "不支持的文件类型"),
    ("binary.txt", b"\x00\x01\x02\x03" * 10 + b"\xff\xfe\xfd" * 5, "二进制"),
])
def test_bad_files_give_one_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as err:
        load_document(path)
    text = str(err.value)
    assert message in text and name in text and "\n" not in text


def test_oversized_files_are_refused_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * (2 * 1024 * 1024))
    with pytest.raises(InputError, match="文件过大"):
        load_document(path, max_mb=1)


def test_a_zip_that_is_not_a_word_document(tmp_path):
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match="DOCX 文件已损坏"):
        load_document(path)


# ---- PDF (made by the tests with reportlab's built-in Chinese font) -----------------------------------

def _pdf(tmp_path, name="a.pdf"):
    from assistant.evaluation.docgen import make_document

    sections = [
        {"heading": "一、标准群应用情况", "paragraphs": ["本项目已应用GB/T 39116—2020等标准。"]},
        {"heading": "二、推广情况", "paragraphs": ["已举办宣贯会3场，覆盖中小企业20家。"], "page_break": True},
    ]
    return make_document(tmp_path / name, sections)


def test_pdf_keeps_page_numbers_and_headings(tmp_path):
    doc = load_document(_pdf(tmp_path))
    heads = [(b.text, b.page) for b in doc.blocks if b.kind == "heading"]
    assert ("一、标准群应用情况", 1) in heads and ("二、推广情况", 2) in heads
    para = next(b for b in doc.blocks if "宣贯会" in b.text)
    assert para.location == "第2页" and para.section == "二、推广情况"
    assert "GB/T 39116—2020" in doc.text


def test_encrypted_pdf_with_empty_password_opens(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(_pdf(tmp_path)))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    path = tmp_path / "open.pdf"
    writer.write(path)
    assert "宣贯会" in load_document(path).text


def test_encrypted_pdf_with_a_password_is_refused(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(_pdf(tmp_path)))
    writer.encrypt(user_password="secret", algorithm="AES-256")
    path = tmp_path / "locked.pdf"
    writer.write(path)
    with pytest.raises(InputError, match="PDF 已加密") as err:
        load_document(path)
    assert "locked.pdf" in str(err.value)


def test_scanned_pdf_without_text_layer_needs_ocr(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.rect(50, 50, 400, 600, fill=1)  # an "image" of a page: shapes, no text
    c.showPage()
    c.save()
    with pytest.raises(InputError, match="OCR"):
        load_document(path)


def test_page_cap(tmp_path):
    with pytest.raises(InputError, match="页数 2 超过上限 1 页"):
        load_document(_pdf(tmp_path), max_pages=1)


def test_a_narrow_table_column_keeps_each_number_whole():
    """evals/review_dev9.yaml rd11-14 and review_dev7.yaml rd9-04, in new words: pypdf's layout mode glues a narrow
    number column to the next cell's digits ("GB/T 38155—201912家牧场") or wraps a cell after the dash; the plain
    reading order (one cell per line) keeps the number whole, so the layout rows get its year back."""
    from assistant.loaders import _keep_plain_years

    plain = "标准编号\n覆盖牧场\nGB/T 38155—2019\n12家牧场\n建立生鲜乳追溯\n依据GB/T 37393—\n2019接入挤奶机\n"
    layout = ("标准编号 | 覆盖牧场\nGB/T 38155—201912家牧场 | 建立生鲜乳追溯\n依据GB/T 37393— | 8家牧场\n"
              "2019接入挤奶机")
    fixed = _keep_plain_years(layout, plain)
    assert "GB/T 38155—2019 | 12家牧场" in fixed and "依据GB/T 37393—2019 | 8家牧场" in fixed, fixed
    assert _keep_plain_years("GB/T 25485—2010 | 工厂", plain) == "GB/T 25485—2010 | 工厂"  # whole numbers stay
    # a full-width number whose year is cut after its third digit (evals/review_dev10.yaml rd12-13)
    wide = "ＧＢ／Ｔ　２５４８５—\n２０１０ | 车间"
    assert "２５４８５—2010 |" in _keep_plain_years("ＧＢ／Ｔ　２５４８５—２０１ | 车间\n０", wide)
    # a justified line's wide gap is no cell boundary inside a plan number; a page drawn glyph by glyph reads one
    # character per line in the plain order (evals/review_dev9.yaml rd11-04)
    per_glyph = "\n".join("（计划号20231507—T—339）发布后纳入")
    assert "20231507—T—339" in _keep_plain_years("（计划号20231507—T | —339）发布后纳入", per_glyph)


def test_slide_bullets_are_items_of_their_own():
    """evals/review_dev10.yaml rd12-06, in new words: a slide deck exported to PDF bullets with ● and ■ and ends no
    line with 。; each bullet is its own block, not glued to the next into one sentence."""
    blocks = text_blocks("03 解决方案\n● 形成作业指导书9份\n● 在两个车间执行\n■ 覆盖全部挤出机\n")
    assert [b.text for b in blocks if b.kind != "heading"][-3:] == ["● 形成作业指导书9份", "● 在两个车间执行", "■ 覆盖全部挤出机"]


# ---- text layout: Markdown in .txt, one paragraph per line, exact lines, list items and tables ---------------


def test_markdown_headings_in_a_txt_file_are_headings():
    blocks = text_blocks("# 试点总结\n\n## 二、标准群构成\n标准群共2项。\n")
    assert [(b.kind, b.text, b.level) for b in blocks][:2] == [("heading", "试点总结", 1), ("heading", "二、标准群构成", 2)]
    assert blocks[2].section == "二、标准群构成"
    raw = "## 二、标准群构成\n\n1. GB/T 39116—2020 智能制造能力成熟度模型（核心）\n".encode("gbk")
    doc_blocks = text_blocks(decode_text(raw))
    assert doc_blocks[0].kind == "heading" and doc_blocks[1].kind == "paragraph"  # a numbered standard is an item


def test_lines_ending_a_sentence_are_their_own_blocks_and_wrapped_lines_map_back():
    text = "一、概况\n第一句在第二行。\n第二句在第三行；\n这一段被硬换行\n折到第五行，引用GB/T 39116—2020。\n"
    blocks = text_blocks(text)
    assert [(b.text, b.location) for b in blocks[1:]] == [
        ("第一句在第二行。", "第2行"), ("第二句在第三行；", "第3行"),
        ("这一段被硬换行折到第五行，引用GB/T 39116—2020。", "第4行")]
    wrapped = blocks[3]
    assert wrapped.location_at(0) == "第4行" and wrapped.location_at(wrapped.text.index("GB/T")) == "第5行"


def test_list_items_and_table_rows_in_text():
    text = "标准如下：\n- GB/T 39116—2020 能力成熟度模型\n- GB/T 37393—2019 数字化车间\n\n| 编号 | 名称 |\n|---|---|\n| GB/T 41255—2022 | 智能工厂 |\n"
    blocks = text_blocks(text)
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "标准如下："), ("paragraph", "- GB/T 39116—2020 能力成熟度模型"), ("paragraph", "- GB/T 37393—2019 数字化车间"),
        ("table_row", "编号 | 名称"), ("table_row", "GB/T 41255—2022 | 智能工厂")]


def test_pdf_lines_join_until_a_sentence_ends_but_list_items_start_anew():
    from assistant.loaders import _paragraphs

    lines = ["二、标准群构成", "标准群共3项，分别是", "1. GB/T 39116—2020 智能制造能力成熟度", "模型（核心）",
             "（2）GB/T 37393—2019", "序号 | 编号 | 名称", "正文被折行的一句", "话到此结束。"]
    assert _paragraphs(lines) == [
        ("heading", "二、标准群构成"), ("paragraph", "标准群共3项，分别是"),
        ("paragraph", "1. GB/T 39116—2020 智能制造能力成熟度模型（核心）"), ("paragraph", "（2）GB/T 37393—2019"),
        ("table_row", "序号 | 编号 | 名称"), ("paragraph", "正文被折行的一句话到此结束。")]


def test_a_wrap_inside_a_number_prefix_joins_without_a_space():
    from assistant.loaders import _paragraphs

    assert _paragraphs(["配套T/CA", "MS 12—2022、Q/H", "X 012—2023 与 English", "words。"]) == [
        ("paragraph", "配套T/CAMS 12—2022、Q/HX 012—2023 与 English words。")]


def test_running_headers_go_but_templated_sentences_stay():
    """A footer on every page is furniture; a sentence a templated report repeats with other figures is text."""
    from assistant.loaders import strip_running_lines

    pages = [f"某公司试点总结报告\n（第{i}阶段）2023年共举办宣贯培训{i}场，带动中小企业{20 + i}家。\n正文第{i}页内容。\n"
             f"（第{i}阶段）已编写典型案例一篇。\n— {i} —" for i in range(1, 7)]
    out = strip_running_lines(pages)
    for i, text in enumerate(out, 1):
        assert "某公司试点总结报告" not in text and f"— {i} —" not in text
        assert f"宣贯培训{i}场" in text and "已编写典型案例一篇" in text and f"正文第{i}页内容" in text


def test_a_two_page_file_loses_its_running_header_too():
    """evals/review_dev10.yaml rd12-13, in new words: a two-page report's header line and page numbers are furniture
    (they were quoted as evidence); its first lines of text stay."""
    from assistant.loaders import strip_running_lines

    pages = ["宁波某模具有限公司 智能制造标准应用试点\n一、标准群应用情况\n按GB/T 37393—2019完成联网。\n第1页",
             "宁波某模具有限公司 智能制造标准应用试点\n三、解决方案\n建成“模具协同设计平台”。\n第2页"]
    out = strip_running_lines(pages)
    assert all("宁波某模具有限公司" not in t and "页" not in t for t in out), out
    assert "一、标准群应用情况" in out[0] and "建成“模具协同设计平台”。" in out[1]


def test_a_bom_over_broken_text_is_one_clear_line(tmp_path):
    """A UTF-16 or UTF-8 byte-order mark followed by bytes that do not decode: an input error, not an internal one."""
    from assistant.errors import InputError
    from assistant.loaders import load_document

    for name, raw, shown in (("cut.md", b"\xff\xfe\x00", "UTF-16"), ("bad.txt", b"\xef\xbb\xbf\xff\xfe\xfa", "UTF-8")):
        path = tmp_path / name
        path.write_bytes(raw)
        with pytest.raises(InputError, match=f"{name}: 文件开头标明 {shown} 编码"):
            load_document(path)
