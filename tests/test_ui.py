"""The web UI: formatting helpers and callbacks (fast), and an end-to-end run in headless Chromium."""
from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import browser
import gradio as gr
import pandas as pd
import pytest
from conftest import HashEmbedder, make_settings

from assistant.context import Context
from assistant.errors import InputError
from assistant.standards import GroupMember
from assistant.ui import build_app, parse_auth
from assistant.ui import format as fmt
from assistant.ui.files import export_pair, friendly_error, store_upload
from assistant.ui.handlers import GENERIC_ERROR, Handlers, guarded

EVIL = "<script>alert(1)</script><img src=x onerror=alert(2)>![t](http://evil.example/p.png)"


# ---- formatting helpers ----------------------------------------------------------------------------------


def test_md_text_makes_document_text_inert():
    out = fmt.md_text(EVIL)
    assert "<" not in out and "![" not in out and "](" not in out
    assert fmt.md_text("GB/T 39116—2020") == "GB/T 39116—2020"


def test_inert_markdown_keeps_markdown_but_not_html():
    out = fmt.inert_markdown("# 标题\n\n<b>x</b> **粗体**")
    assert out.startswith("# 标题") and "**粗体**" in out and "<b>" not in out


def test_group_rows_round_trip_through_an_edited_table():
    standards = [{"number": "GB/T 39116—2020", "title": "智能制造能力成熟度模型", "level": "national",
                  "status": "published", "core": True, "reason": "核心",
                  "sources": [{"source": "plan/plan.txt", "location": "第3行"}]}]
    rows = fmt.group_rows(standards)
    assert rows[0][:5] == [True, "GB/T 39116—2020", "智能制造能力成熟度模型", "国家标准", "已发布"]
    assert rows[0][6] == "试点方案"  # a label, never the file and line it came from
    table = pd.DataFrame(rows + [["false", "T/CAMS 1—2020", "", "团体标准", "", "", ""], [False, "", "", "", "", "", ""]],
                         columns=fmt.GROUP_HEADERS)
    members = fmt.rows_to_members(table)
    assert members == [
        GroupMember(number="GB/T 39116—2020", title="智能制造能力成熟度模型", level="national", status="published",
                    core=True),
        GroupMember(number="T/CAMS 1—2020", level="group", core=False),
    ]
    assert fmt.rows_to_standards({"data": rows})[0]["reason"] == "核心"


def test_checks_markdown_lists_violations_escaped():
    ok = fmt.checks_markdown({"count": 6, "has_national_core": True, "violations": []})
    assert "✓" in ok and "6 项" in ok
    bad = fmt.checks_markdown({"count": 2, "has_national_core": False, "violations": ["无法识别的标准编号：<b>x</b>"]})
    assert "⚠️" in bad and "<b>" not in bad


def test_verdicts_html_colour_codes_and_escapes_every_document_string():
    reqs = [{"id": i, "name": f"要求{i}", "status": s, "advice": "补充" + EVIL,
             "evidence": [{"quote": EVIL, "location": "第1段<i>"}]}
            for i, s in enumerate(["covered", "partial", "missing", "missing", "bogus"], start=1)]
    html = fmt.verdicts_html(reqs)
    assert html.count("<tr class='verdict") == 5
    assert [s for s in ("covered", "partial", "missing") if f"data-status='{s}'" in html] == ["covered", "partial",
                                                                                                "missing"]
    assert "<script" not in html and "<img" not in html and "<i>" not in html
    assert "&lt;script&gt;" in html and "已覆盖" in html and "部分覆盖" in html and "缺失" in html


def test_review_summary_counts_and_group_checks():
    result = {"requirements": [{"status": "covered"}, {"status": "missing"}], "summary": EVIL, "notices": ["注意"]}
    html = fmt.review_summary_html(result)
    assert "已覆盖 1" in html and "缺失 1" in html and "<script" not in html and "注意" in html
    assert "⚠️ 标准数量" in fmt.group_checks_html({"count": 2, "has_national_core": True,
                                                 "violations": ["标准数量 2 项"]})
    assert "未识别" in fmt.group_checks_html(None)


def test_citation_and_issue_rows():
    ok = {"status": "ok", "expected": None}
    rows = fmt.citation_rows(citations := [
        {"text": "GB/T 39116—2020", "normalized": "GB/T 39116—2020", "location": "第1段", **ok},
        {"text": "GB/T 23031-2018", "normalized": "GB/T 23031—2018", "location": "第3段", **ok},
        {"text": "GB/T 39116—2020", "normalized": "GB/T 39116—2020", "location": "表1第2行", **ok},
        {"text": "GB/T39116-2019", "normalized": "GB/T 39116—2019", "status": "wrong_year",
         "expected": "GB/T 39116—2020", "location": "第2段"},
        {"text": "GBT39116-2019", "normalized": "GB/T 39116—2019", "status": "wrong_year",
         "expected": "GB/T 39116—2020", "location": "第9段"}])
    # problems first, each number once with its count, every written form and every place
    assert rows == [["✗ 年份不符，应为 GB/T 39116—2020", "GB/T 39116—2019", "GB/T39116-2019、GBT39116-2019",
                     "GB/T 39116—2020", "2", "第2段、第9段"],
                    ["✓ 正确", "GB/T 39116—2020", "GB/T 39116—2020", "", "2", "第1段、表1第2行"],
                    ["✓ 正确", "GB/T 23031—2018", "GB/T 23031-2018", "", "1", "第3段"]]
    assert [line.needs_action for line in fmt.citation_lines(citations)] == [True, False, False]
    assert fmt.issue_rows([{"rule": "banned", "location": "第1段", "message": "套话", "fix": None}]) == [
        ["banned", "第1段", "套话", ""]]  # an unknown rule id is shown as it is


def test_ui_uses_the_same_rule_names_and_citation_wording_as_the_cli():
    from assistant import polish, review

    assert fmt.CITATION_ZH is review.CITATION_ZH  # one mapping: the CLI review report and the UI
    assert {k: fmt.CITATION_ZH[k] for k in ("ok", "wrong_year", "title_mismatch")} == {
        "ok": "正确", "wrong_year": "年份不符", "title_mismatch": "名称不符"}
    assert fmt.CITATION_ZH["unknown"].startswith("目录未收录") and "需核实" in fmt.CITATION_ZH["unknown"]
    names = {"sections": "章节结构", "citation_form": "引用格式", "citation_valid": "引用核查",
             "group_consistency": "标准群一致性", "figures": "数据表述", "glossary": "术语统一", "length": "篇幅",
             "contact": "联系方式与广告用语", "advertising": "联系方式与广告用语"}
    assert {r: polish.RULE_ZH[r] for r in polish.RULES} == names
    issues = [{"rule": r, "location": "第1段", "message": "m", "fix": "f"} for r in polish.RULES]
    shown = [row[0] for row in fmt.issue_rows(issues)]
    assert shown == [names[r] for r in polish.RULES] and not set(shown) & set(polish.RULES)


def test_diff_html_marks_changes_and_escapes():
    html = fmt.diff_html("效果非常好<b>", "效率提升18%<b>")
    assert "<del" in html and "<ins" in html and "&lt;b&gt;" in html and "<b>" not in html
    assert "未生成改写稿" in fmt.rewrite_html(None)
    sections = {"sections": [{"heading": "成效", "original": "a", "rewritten": "b", "accepted": True, "reason": ""}]}
    assert "成效" in fmt.rewrite_html(sections) and "采用" in fmt.rewrite_html(sections)


def test_catalog_rows_filter_by_every_word(fake_ctx: Context):
    standards = fake_ctx.corpus.catalog.standards
    assert len(fmt.catalog_rows(standards)) == len(standards)
    rows = fmt.catalog_rows(standards, "39116")
    assert rows and all("39116" in " ".join(r) for r in rows)
    assert fmt.catalog_rows(standards, "成熟度 不存在的词") == []


def test_source_name_and_status_line():
    assert fmt.source_name("/data/uploads/abc.docx") == "abc.docx"
    assert fmt.source_name("plan/plan.txt") == "plan/plan.txt"
    assert "离线模式" in fmt.status_markdown("offline", True, 250, "use-multilingual-v3")
    line = fmt.status_markdown("deepseek-chat", False, None, "m")
    assert "deepseek\\-chat" in line and "未建立" in line


# ---- files, auth, errors ---------------------------------------------------------------------------------


def test_store_upload_uses_a_generated_name_under_the_uploads_dir(tmp_path: Path):
    src = tmp_path / "in" / "..%2F申报书 (1).DOCX"
    src.parent.mkdir()
    src.write_bytes(b"PK")
    uploads = tmp_path / "uploads"
    stored = store_upload(str(src), uploads)
    assert stored.parent == uploads and stored.suffix == ".docx"
    assert re.fullmatch(r"[0-9a-f]{12}_2F申报书_1", stored.stem), stored.name  # no "..", "/" or "%" survive
    assert store_upload(str(src), uploads) != stored, "two uploads of one file never overwrite each other"
    assert stored.read_bytes() == b"PK"
    with pytest.raises(InputError, match="不支持的文件类型"):
        store_upload(str(tmp_path / "in" / "x.exe"), uploads)
    with pytest.raises(InputError, match="请先上传文件"):
        store_upload(None, uploads)
    assert friendly_error(f"{stored}: 坏文件", stored, "申报书.docx") == "申报书.docx: 坏文件"


def test_export_pair_writes_docx_and_markdown():
    def write(result, path: Path):
        path.write_text(result, encoding="utf-8")

    docx, md = export_pair(write, "内容", "报告")
    assert Path(docx).name == "报告.docx" and Path(md).read_text(encoding="utf-8") == "内容"


def test_parse_auth():
    assert parse_auth("") is None
    assert parse_auth("alice:s3:cret") == ("alice", "s3:cret")
    with pytest.raises(InputError):
        parse_auth("alice")


def test_guarded_turns_errors_into_one_line_messages():
    @guarded
    def ours():
        raise InputError("a.pdf: 文件已加密 <b>\n第二行")

    @guarded
    def other():
        raise KeyError("secret internals")

    with pytest.raises(gr.Error) as ours_err:
        ours()
    assert ours_err.value.message == "a.pdf: 文件已加密 &lt;b&gt; 第二行"
    with pytest.raises(gr.Error) as other_err:
        other()
    assert other_err.value.message == GENERIC_ERROR and "secret" not in other_err.value.message

    @guarded
    def streaming():
        yield 1
        raise InputError("坏")

    gen = streaming()
    assert next(gen) == 1
    with pytest.raises(gr.Error, match="坏"):
        next(gen)


# ---- app and callbacks with the fast fake embedder ---------------------------------------------------------


@pytest.fixture(scope="module")
def ui_ctx(tmp_path_factory: pytest.TempPathFactory) -> Context:
    ctx = Context(make_settings(tmp_path_factory.mktemp("ui") / "data"), _embedder=HashEmbedder())
    ctx.retriever()
    return ctx


def test_build_app_constructs(fake_ctx: Context):
    demo = build_app(fake_ctx)
    ids = {getattr(b, "elem_id", None) for b in demo.blocks.values()}
    assert {"apply-scenario", "apply-group", "review-file", "review-verdicts", "editor-diff", "kb-results",
            "status-line"} <= ids


def test_status_search_and_catalog_callbacks(ui_ctx: Context):
    h = Handlers(ui_ctx)
    assert "离线模式" in h.status() and f"{len(ui_ctx.retriever())} 段" in h.status()
    results, found = h.search("智能制造能力成熟度 GB/T 39116", ["标准目录"], 5)
    assert list(results.columns) == fmt.HIT_HEADERS and len(results) == 5 and "得分" not in results.columns
    assert set(results["类型"]) == {"标准目录"}
    assert all(label.startswith("标准目录《") for label in results["来源"])
    assert "找到 5 段" in found
    empty, message = h.search("  ", None, 5)
    assert empty.empty and "请输入" in message
    assert len(h.catalog("39116")) >= 1


def test_suggest_check_and_draft_callbacks(ui_ctx: Context):
    h = Handlers(ui_ctx)
    summary, table, checks, suggestion = h.suggest("汽车零部件企业数字化车间：设备联网、MES、质量追溯", "自动判断")
    assert "试点方向" in summary and len(table) >= 5 and table["核心"].any()
    edited = table.iloc[:2]  # the user deletes rows: the live check reports the rule
    assert "少于" in h.check(edited)
    group = h.edited_group(suggestion, edited)
    assert [s.number for s in group.standards] == list(edited["标准编号"]) and group.checks.violations
    assert group.standards[0].sources == suggestion.standards[0].sources
    outputs = list(h.draft("汽车零部件企业数字化车间：设备联网、MES、质量追溯", "实施指南", table, suggestion))
    assert len(outputs) >= 2 and outputs[0][0].strip()  # streamed before the final result
    final = outputs[-1]
    assert final[0].startswith("# ") and Path(final[2]["value"]).suffix == ".docx"
    assert Path(final[3]["value"]).read_text(encoding="utf-8").startswith("# ")


def test_review_callback_stores_upload_safely(ui_ctx: Context, tmp_path: Path):
    h = Handlers(ui_ctx)
    doc = browser.make_review_docx(tmp_path / "申报书.docx")
    summary, verdicts, citations, group, docx, md = h.review(str(doc))
    assert verdicts.count("<tr class='verdict") == 5 and "GB/T 39116—2020" in set(citations["规范编号"])
    assert Path(docx["value"]).is_file() and Path(md["value"]).is_file()
    stored = list(ui_ctx.settings.uploads_dir.iterdir())
    assert any(re.fullmatch(r"[0-9a-f]{12}_申报书[^/]*\.docx", p.name) for p in stored), stored
    empty = tmp_path / "空.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(gr.Error) as err:
        h.review(str(empty))
    assert err.value.message.startswith("空.txt")  # named as uploaded, not by its stored name


def test_polish_callback(ui_ctx: Context):
    h = Handlers(ui_ctx)
    summary, issues, diff, docx, md = h.polish(None, "某公司案例\n一、企业概况\n该公司全国领先，实现了翻天覆地的变化。")
    assert "问题" in summary and list(issues.columns) == fmt.ISSUE_HEADERS
    assert "章节结构" in set(issues["规则"]) and "sections" not in set(issues["规则"])  # names, not rule ids
    assert "未生成改写稿" in diff and Path(md["value"]).is_file()
    cleared = h.polish(None, " ")  # an empty submit clears the previous result instead of leaving it on screen
    assert "请上传" in cleared[0] and cleared[1].empty and cleared[2] == "" and cleared[3]["visible"] is False


def test_add_documents_indexes_uploads_under_safe_names(ui_ctx: Context, tmp_path: Path):
    h = Handlers(ui_ctx)
    doc = tmp_path / "企业内部规范.txt"
    doc.write_text("企业内部规范\n本规范规定了焊装车间机器人点焊参数的校验周期为每班一次。\n", encoding="utf-8")
    message = h.add_documents([str(doc)])
    assert "企业内部规范" in message and "新嵌入 1 段" in message
    results, _ = h.search("机器人点焊参数校验周期", ["上传文档"], 3)
    assert "点焊" in results.iloc[0]["内容"]
    assert results.iloc[0]["来源"].startswith("上传文档《企业内部规范.txt》"), results.iloc[0]["来源"]
    with pytest.raises(gr.Error, match="请先选择"):
        h.add_documents([])


# ---- end to end in a real browser -----------------------------------------------------------------------

needs_browser = pytest.mark.skipif(not browser.browser_available(),
                                   reason="needs Debian chromium + chromium-driver (/usr/bin/chromium, chromedriver)")


@pytest.fixture(scope="module")
def served(real_ctx: Context):
    demo, url = browser.launch(real_ctx)
    yield url
    demo.close()


@pytest.fixture
def driver(tmp_path: Path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    drv = browser.make_driver(downloads)
    drv.downloads = downloads
    yield drv
    drv.quit()


@pytest.mark.browser
@pytest.mark.integration
@needs_browser
def test_end_to_end_in_chromium(served: str, driver, tmp_path: Path):
    b = browser
    driver.get(served)
    b.wait_status(driver)
    assert "段" in b.css(driver, "#status-line").text

    # 申报助手: scenario → group with a core national standard → live checks → streamed draft → download
    b.type_into(driver, "#apply-scenario", b.SCENARIO)
    b.click(driver, "#apply-suggest")
    b.wait_for(driver, lambda d: len(b.table_rows(d, "#apply-group")) >= 5, what="group rows")
    assert any(box.is_selected() for box in b.css_all(driver, "#apply-group div[role='row'] input[type='checkbox']"))
    assert "GB/T" in " ".join(b.table_rows(driver, "#apply-group"))
    assert "规则检查" in b.css(driver, "#apply-checks").text
    b.click(driver, "#apply-draft")
    b.wait_for(driver, lambda d: b.css(d, "#apply-download-docx").is_displayed(), what="draft")
    assert "申报书" in b.css(driver, "#apply-draft-output").text
    b.click(driver, "#apply-download-docx")
    b.wait_for(driver, lambda d: list(d.downloads.glob("*.docx")), 30, "draft download")

    # 评审助手: upload a generated DOCX → five colour-coded verdicts → report download
    b.open_tab(driver, "review")
    b.upload(driver, "#review-file", b.make_review_docx(tmp_path / "申报书.docx"))
    b.wait_for(driver, lambda d: "申报书" in b.css(d, "#review-file").text, 30, "upload shown")
    b.click(driver, "#review-run")
    b.wait_for(driver, lambda d: len(b.css_all(d, "#review-verdicts tr.verdict")) == 5, what="verdicts")
    statuses = [r.get_attribute("data-status") for r in b.css_all(driver, "#review-verdicts tr.verdict")]
    assert set(statuses) <= {"covered", "partial", "missing"} and "covered" in statuses and "missing" in statuses
    assert "GB/T 39116—2020" in " ".join(b.table_rows(driver, "#review-citations"))
    assert "标准群检查" in b.css(driver, "#review-group").text
    b.click(driver, "#review-download-md")
    report = b.wait_for(driver, lambda d: list(d.downloads.glob("评审报告*.md")), 30, "report download")[0]
    assert "GB/T 39116" in report.read_text(encoding="utf-8")

    # 案例编辑: a bad upload shows a readable message, not a trace
    b.open_tab(driver, "editor")
    empty = tmp_path / "空白.txt"
    empty.write_text("", encoding="utf-8")
    b.upload(driver, "#editor-file", empty)
    b.wait_for(driver, lambda d: "空白" in b.css(d, "#editor-file").text, 30, "upload shown")
    b.click(driver, "#editor-run")
    toast = b.wait_for(driver, lambda d: " ".join(t.text for t in b.css_all(d, ".toast-body")).strip(), 60, "toast")
    assert "空白.txt" in toast and "Traceback" not in toast

    # 知识库: hybrid search shows results with sources
    b.open_tab(driver, "knowledge")
    b.type_into(driver, "#kb-query", "智能制造能力成熟度 GB/T 39116")
    b.click(driver, "#kb-search")
    b.wait_for(driver, lambda d: len(b.table_rows(d, "#kb-results")) >= 3, what="search results")
    assert "标准目录《" in " ".join(b.table_rows(driver, "#kb-results"))


@pytest.mark.browser
@pytest.mark.integration
@needs_browser
def test_screenshots_of_every_tab(served: str, driver, tmp_path: Path):
    shots = browser.take_screenshots(driver, served, tmp_path / "shots", tmp_path)
    assert [p.name for p in shots] == ["apply.png", "review.png", "editor.png", "knowledge.png"]
    assert all(p.stat().st_size > 20_000 for p in shots)


@pytest.mark.browser
@pytest.mark.integration
@needs_browser
def test_download_link_is_served_over_http(served: str, tmp_path: Path):
    """The report also downloads with a plain HTTP GET of the file URL the page received."""
    from gradio_client import Client, handle_file

    client = Client(served, verbose=False)
    result = client.predict(handle_file(str(browser.make_review_docx(tmp_path / "a.docx"))), api_name="/review")
    docx_path = result[4]["value"] if isinstance(result[4], dict) else result[4]
    assert Path(docx_path).suffix == ".docx" and Path(docx_path).stat().st_size > 0
    with urllib.request.urlopen(served, timeout=30) as page:
        assert page.status == 200


def test_first_start_builds_the_index_with_progress(fake_ctx: Context):
    """Opening the page with no index yet builds it, reporting progress to the page's bar."""
    assert not (fake_ctx.settings.index_dir / "manifest.json").exists()
    calls: list[tuple[float, str]] = []
    line = Handlers(fake_ctx).status(progress=lambda fraction, desc="": calls.append((fraction, desc)))
    assert (fake_ctx.settings.index_dir / "manifest.json").exists()
    assert f"{len(fake_ctx.retriever())} 段" in line
    assert calls and calls[-1] == (1.0, "索引完成") and any("已嵌入" in d for _, d in calls)


# ---- batch review (issue 16) ------------------------------------------------------------------------------


def _batch_files(tmp_path: Path) -> list[Path]:
    from assistant.evaluation.badpdf import write_pdf

    broken = tmp_path / "损坏.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    return [browser.make_review_docx(tmp_path / "甲申报书.docx"),
            write_pdf(tmp_path / "乙扫描.pdf", [["一、标准群应用情况", "已在焊装产线应用GB/T 39116—2020。"]], "cid"), broken]


def test_review_batch_callback(ui_ctx: Context, tmp_path: Path):
    import zipfile

    from openpyxl import load_workbook

    table, xlsx, archive = Handlers(ui_ctx).review_batch([str(p) for p in _batch_files(tmp_path)], fmt.STAGE_LABELS[1])
    assert list(table["文件"]) == ["甲申报书.docx", "乙扫描.pdf", "损坏.pdf"]  # named as uploaded
    assert "损坏" in table["错误"][2] and set(table.iloc[1, 3:8]) == {"无法判断"}
    rows = list(load_workbook(xlsx["value"]).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["甲申报书.docx", "乙扫描.pdf", "损坏.pdf"]
    names = zipfile.ZipFile(archive["value"]).namelist()
    assert "评审汇总.xlsx" in names and sum(n.endswith(".docx") for n in names) == 2


PLUMBING = [".yaml", "ASSISTANT_", "Drop File Here", "Click to Upload", "Error", "Built with Gradio", "Use via API",
            "得分", "置信度"]
RAW_SCORE = re.compile(r"(?<![\d.])0\.\d{3,}")  # 0.0328, 0.86: a score, never a figure a reader needs


def _visible_text(driver) -> str:
    return driver.execute_script("return document.body.innerText;")


def _assert_human(driver, where: str) -> None:
    text = _visible_text(driver)
    for needle in PLUMBING:
        assert needle not in text, f"{where}: {needle!r} on screen"
    assert not RAW_SCORE.search(text), f"{where}: raw score {RAW_SCORE.search(text).group()!r} on screen"


def _first_start_percentages(driver) -> list[float]:
    """The percentages the page shows while the first index build runs, in the order they appeared."""
    import time

    seen: list[float] = []
    deadline = time.monotonic() + browser.WAIT
    while time.monotonic() < deadline:
        text = _visible_text(driver)
        for value in re.findall(r"(\d+(?:\.\d+)?)\s*%", text):
            if not seen or float(value) != seen[-1]:
                seen.append(float(value))
        if "嵌入模型" in text:
            return seen
        time.sleep(0.05)
    raise AssertionError(f"the first start did not finish; saw {seen}")


@pytest.mark.browser
@pytest.mark.integration
@needs_browser
def test_batch_review_in_chromium(served: str, driver, tmp_path: Path):
    b = browser
    driver.get(served)
    b.wait_status(driver)
    b.open_tab(driver, "review")
    b.click(driver, "#review-batch")  # the accordion; its content renders after the click, not at once
    picker = "#review-batch-files input[type='file']"
    b.wait_for(driver, lambda d: d.find_elements("css selector", picker), 30, "the batch upload zone")
    b.css(driver, picker).send_keys("\n".join(str(p) for p in _batch_files(tmp_path)))
    b.wait_for(driver, lambda d: "损坏" in b.css(d, "#review-batch-files").text, 30, "uploads shown")
    b.click(driver, "#review-batch-run")
    b.wait_for(driver, lambda d: len(b.table_rows(d, "#review-batch-table")) == 3, what="summary rows")
    text = " ".join(b.table_rows(driver, "#review-batch-table"))
    assert "甲申报书.docx" in text and "无法判断" in text and "损坏" in text
    b.click(driver, "#review-batch-zip")
    b.wait_for(driver, lambda d: list(d.downloads.glob("*.zip")), 30, "zip download")


@needs_browser
def test_every_tab_in_chinese_for_an_en_us_browser(real_ctx: Context, tmp_path: Path):
    """A new user with an English browser: first start with moving progress, then a flow in every tab, and
    no plumbing, score or English chrome anywhere on screen."""
    b = browser
    model = getattr(real_ctx.embedder, "model", real_ctx.embedder)  # the bare model: no vectors cached yet
    ctx = Context(make_settings(tmp_path / "data"), _embedder=model)
    demo, url = b.launch(ctx)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = b.make_driver(downloads, lang="en-US")
    try:
        driver.get(url)
        percents = _first_start_percentages(driver)
        rising = [p for i, p in enumerate(percents) if i == 0 or p > max(percents[:i])]
        assert len(rising) >= 3, percents
        assert driver.execute_script("return navigator.language") == "zh-CN"
        _assert_human(driver, "start")

        # 申报助手: an empty scenario is refused beside the box; then a real one
        b.click(driver, "#apply-suggest")
        b.wait_for(driver, lambda d: "请先描述试点场景" in _visible_text(d), 30, "validation message")
        b.type_into(driver, "#apply-scenario", b.SCENARIO)
        b.click(driver, "#apply-suggest")
        b.wait_for(driver, lambda d: len(b.table_rows(d, "#apply-group")) >= 5, what="group rows")
        b.wait_idle(driver)
        _assert_human(driver, "申报助手")
        b.type_into(driver, "#apply-scenario", "   ")
        b.click(driver, "#apply-suggest")
        b.wait_for(driver, lambda d: "请先描述试点场景" in _visible_text(d), 30, "validation message")
        assert len(b.table_rows(driver, "#apply-group")) >= 5, "the last valid group stays on screen"

        b.open_tab(driver, "review")
        _assert_human(driver, "评审助手 (empty)")
        b.upload(driver, "#review-file", b.make_review_docx(tmp_path / "申报书.docx"))
        b.wait_for(driver, lambda d: "申报书" in b.css(d, "#review-file").text, 30, "upload shown")
        b.click(driver, "#review-run")
        b.wait_for(driver, lambda d: len(b.css_all(d, "#review-verdicts tr.verdict")) == 5, what="verdicts")
        _assert_human(driver, "评审助手")

        b.open_tab(driver, "editor")
        b.type_into(driver, "#editor-text", b.EDITOR_SAMPLE)
        b.click(driver, "#editor-run")
        b.wait_for(driver, lambda d: "处问题" in b.css(d, "#editor-summary").text, what="editor result")
        _assert_human(driver, "案例编辑")
        b.type_into(driver, "#editor-text", "")
        b.click(driver, "#editor-run")
        b.wait_for(driver, lambda d: "请上传案例文件或粘贴案例文字" in b.css(d, "#editor-summary").text, 60, "cleared")
        assert "处问题" not in b.css(driver, "#editor-summary").text

        b.open_tab(driver, "knowledge")
        b.type_into(driver, "#kb-query", "红烧肉的家常做法")
        b.click(driver, "#kb-search")
        b.wait_for(driver, lambda d: "无结果" in b.css(d, "#kb-search-status").text, what="empty state")
        b.type_into(driver, "#kb-query", "GB/T 39116 智能制造能力成熟度")
        b.click(driver, "#kb-search")
        b.wait_for(driver, lambda d: len(b.table_rows(d, "#kb-results")) >= 3, what="search results")
        assert "标准目录《" in " ".join(b.table_rows(driver, "#kb-results"))
        _assert_human(driver, "知识库")
    finally:
        driver.quit()
        demo.close()


def test_citation_rows_that_need_action_are_tinted():
    from assistant.ui.handlers import citation_table

    citations = [
        {"text": "GB/T 39116—2020", "normalized": "GB/T 39116—2020", "status": "ok", "expected": None, "location": "第1段"},
        {"text": "GB/T 36073—2018", "normalized": "GB/T 36073—2018", "status": "replaced",
         "expected": "GB/T 36073—2025", "location": "第2段", "note": "已被 GB/T 36073—2025 代替"}]
    rows = fmt.citation_rows(citations)
    styled = citation_table(citations)._compute()  # the cell styles Gradio sends with the table
    tinted = {cell for cell, props in styled.ctx.items() if ("background-color", "#fce8e6") in props}
    assert rows[0][1] == "GB/T 36073—2018"  # problems first
    assert tinted == {(0, col) for col in range(len(rows[0]))}  # the whole problem row, nothing else
    plain = citation_table(citations[:1])  # nothing to act on: a plain table
    assert isinstance(plain, pd.DataFrame)
