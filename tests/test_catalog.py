"""The catalog's lifecycle and the user's own catalog: real .xlsx/.csv/.yaml files in, every chain sees the result."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import REPO, HashEmbedder
from openpyxl import Workbook, load_workbook

from assistant.catalog import (
    COLUMNS,
    Filter,
    catalog_path,
    import_file,
    load_user_standards,
    remove_standard,
    select,
    write_rows,
    write_template,
)
from assistant.catalog.store import UserCatalogError
from assistant.cli import main
from assistant.context import Context
from assistant.corpus import load_corpus
from assistant.errors import InputError
from assistant.standards import GroupMember, check_citations, check_group

HEADER = ["标准编号(number)", "标准名称(title)", "层级(level)", "年份(year)", "状态(status)", "代替标准(replaced_by)",
          "实施日期(implemented)", "需求(needs)", "适用行业(industries)", "来源(source)"]
GOOD = [
    ["Q/ZT 101-2023", "陶瓷砖窑炉能源计量企业规范", "企业标准", 2023, "现行", None, dt.date(2023, 6, 1),
     "能源管理与能耗监测", "陶瓷、建筑陶瓷", "企业标准信息公共服务平台"],
    ["T/CBMF 77—2021", "建筑陶瓷智能工厂 测试团体标准", "团体标准", None, "废止", None, None, None, "陶瓷", None],
]


def _xlsx(path: Path, rows: list[list], header: list[str] = HEADER) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def _import(ctx: Context, path: Path):
    return import_file(ctx.settings.data_dir, ctx.settings.corpus_dir, path)


@pytest.fixture
def shipped():
    return load_corpus(REPO / "corpus").catalog


# ---- lifecycle -------------------------------------------------------------------------------------


def test_a_replaced_edition_points_at_its_successor(shipped):
    old = check_citations(shipped, "《数据管理能力成熟度评估模型》（GB/T 36073—2018）", "x")[0]
    assert (old.status, old.expected) == ("replaced", "GB/T 36073—2025")
    assert old.note.startswith("已被 GB/T 36073—2025 代替")
    assert shipped.get("GB/T 36073").number == "GB/T 36073—2025", "a year-less number means the current edition"
    assert shipped.get("GB/T 36073—2018").number == "GB/T 36073—2018", "a year finds that edition"


def test_current_and_is_current_never_give_an_outdated_edition(shipped):
    old = shipped.get("GB/T 36073—2018")
    assert not shipped.is_current(old)
    assert shipped.current(old).number == shipped.current("GB/T 36073—2018").number == "GB/T 36073—2025"
    for s in shipped.standards:
        now = shipped.current(s)
        assert now is None or (shipped.is_current(now) and now.status in ("published", "plan")), s.number


def test_a_plan_number_shows_its_published_number_only_where_linked(shipped):
    linked = check_citations(shipped, "20202868-T-339", "x")[0]
    assert (linked.status, linked.expected) == ("replaced", "GB/T 43553.1—2023")
    assert linked.note == "在研计划号，已发布为 GB/T 43553.1—2023"
    unlinked = check_citations(shipped, "20213298-T-469", "x")[0]
    assert (unlinked.status, unlinked.expected) == ("ok", None), "no source links this plan number to a standard"


def test_group_checks_flag_outdated_members(shipped):
    numbers = ["GB/T 39116—2020", "GB/T 39117—2020", "GB/T 40647—2021", "GB/T 37393—2019", "GB/T 36073—2018"]
    checks = check_group([GroupMember(number=n, core=n == numbers[0]) for n in numbers], shipped)
    assert len(checks.violations) == 1
    assert checks.violations[0].startswith("GB/T 36073—2018：已被 GB/T 36073—2025 代替")


def test_suggest_helpers_leave_out_replaced_and_abolished(shipped):
    outdated = [s for s in shipped.standards if s.status in ("replaced", "abolished")]
    assert outdated, "the shipped catalog records replaced editions"
    assert not any(shipped.is_current(s) for s in outdated)


# ---- template and import -----------------------------------------------------------------------------


def test_templates_carry_the_documented_columns(tmp_path: Path):
    write_template(tmp_path / "t.xlsx")
    write_template(tmp_path / "t.csv")
    sheet = load_workbook(tmp_path / "t.xlsx")["标准目录"]
    header = [c.value for c in sheet[1]]
    assert header == [f"{c.label}({c.key})" for c in COLUMNS]
    assert {"number", "title", "level", "year", "status", "replaced_by", "industries", "needs", "scope", "source",
            "note"} <= {c.key for c in COLUMNS}
    assert (tmp_path / "t.csv").read_text(encoding="utf-8-sig").splitlines() == [",".join(header)]
    with pytest.raises(InputError, match=".xlsx 或 .csv"):
        write_template(tmp_path / "t.txt")


def test_xlsx_import_stores_marked_user_entries(fake_ctx: Context, tmp_path: Path):
    report = _import(fake_ctx, _xlsx(tmp_path / "mine.xlsx", GOOD))
    assert report.ok and report.added == ["Q/ZT 101—2023", "T/CBMF 77—2021"] and report.total == 2
    entry = fake_ctx.corpus.catalog.get("Q/ZT 101-2023")
    assert entry.user and entry.source == "用户导入：企业标准信息公共服务平台" and entry.confidence == "U"
    assert (entry.level, entry.status, entry.dates.implemented) == ("enterprise", "published", "2023-06-01")
    assert entry.needs == ["energy_management"] and entry.industries == ["陶瓷", "建筑陶瓷"]
    assert fake_ctx.corpus.catalog.get("T/CBMF 77—2021").status == "abolished"
    assert catalog_path(fake_ctx.settings.data_dir).is_relative_to(fake_ctx.settings.data_dir)
    assert len(fake_ctx.corpus.catalog) == len(load_corpus(REPO / "corpus").catalog) + 2


def test_bad_xlsx_rows_change_nothing_and_are_named(fake_ctx: Context, tmp_path: Path):
    _import(fake_ctx, _xlsx(tmp_path / "mine.xlsx", GOOD))
    stored = catalog_path(fake_ctx.settings.data_dir).read_bytes()
    bad = [
        ["Q/ZT 102-2024", "一行好的企业标准", None, None, None, None, None, None, None, None],
        ["GB/T 12A", "编号写错", None, None, None, None, None, None, None, None],
        ["Q/ZT 103-2024", "层级不符", "国家标准", 2023, None, None, "2024-02-30", None, None, None],
        ["GB/T 39116—2020", "另一个名字", None, None, None, None, None, None, None, None],
        ["Q/ZT 102-2024", "重复", None, None, None, None, None, "没有这个需求", None, None],
    ]
    report = _import(fake_ctx, _xlsx(tmp_path / "bad.xlsx", bad))
    assert not report.ok and report.added == [] and report.total == 2
    by_row = {e.split("：")[0] for e in report.errors}
    assert by_row == {"第3行", "第4行", "第5行", "第6行"}, report.errors
    text = "\n".join(report.errors)
    for expected in ("GB/T 12A", "与编号中的年代号 2024 不一致", "企业标准）不一致", "2024-02-30", "智能制造能力成熟度模型",
                     "与第2行重复", "没有这个需求"):
        assert expected in text
    assert catalog_path(fake_ctx.settings.data_dir).read_bytes() == stored, "nothing half-imported"
    assert fake_ctx.corpus.catalog.get("Q/ZT 102—2024") is None


def test_csv_import_in_gbk_with_good_and_bad_rows(fake_ctx: Context, tmp_path: Path):
    header = "编号,名称,层级,状态,代替标准"
    bad = _csv(tmp_path / "bad.csv", [header, "JB/T 99901-2020,机床联网 测试行业标准,行业标准,现行,",
                                     "JB/T 99902-2020,被代替却没写状态也行,,,JB/T 99903-2024",
                                     "JB/T 99904-2020,写错状态,,取消,", "DB11/T 1-2020,层级写错,团体标准,,"], "gbk")
    report = _import(fake_ctx, bad)
    assert [e.split("：")[0] for e in report.errors] == ["第4行", "第5行"], report.errors
    assert not catalog_path(fake_ctx.settings.data_dir).exists()
    good = _csv(tmp_path / "good.csv", [header, "JB/T 99901-2020,机床联网 测试行业标准,行业标准,现行,",
                                       "JB/T 99902-2020,被代替的测试行业标准,,,JB/T 99903-2024"], "gbk")
    report = _import(fake_ctx, good)
    assert report.ok and report.added == ["JB/T 99901—2020", "JB/T 99902—2020"]
    old = check_citations(fake_ctx.corpus.catalog, "JB/T 99902—2020", "x")[0]
    assert (old.status, old.expected, old.note) == ("replaced", "JB/T 99903—2024", "已被 JB/T 99903—2024 代替")


def test_a_shipped_number_with_its_own_title_is_skipped_not_duplicated(fake_ctx: Context, tmp_path: Path):
    report = _import(fake_ctx, _csv(tmp_path / "s.csv", ["number,title", "GB/T 39116-2020,智能制造能力成熟度模型",
                                                        "GB/T 39116,年份省略"]))
    assert report.errors == ["第3行：内置目录已有 GB/T 39116—2020，请在编号中写明年代号"]
    report = _import(fake_ctx, _csv(tmp_path / "t.csv", ["number,title", "GB/T 39116-2020,智能制造能力成熟度模型"]))
    assert report.ok and report.added == [] and "已跳过" in report.notices[0]


def test_export_yaml_round_trips_and_reimport_updates(fake_ctx: Context, tmp_path: Path):
    _import(fake_ctx, _xlsx(tmp_path / "mine.xlsx", GOOD))
    for suffix in (".yaml", ".xlsx", ".csv"):
        out = tmp_path / f"export{suffix}"
        assert write_rows(out, load_user_standards(fake_ctx.settings.data_dir)) == 2
        report = _import(fake_ctx, out)
        assert report.ok and report.added == [] and sorted(report.updated) == ["Q/ZT 101—2023", "T/CBMF 77—2021"], suffix
    again = fake_ctx.corpus.catalog.get("Q/ZT 101—2023")
    assert again.source == "用户导入：企业标准信息公共服务平台" and again.dates.implemented == "2023-06-01"


def test_remove_only_the_users_entries(fake_ctx: Context, tmp_path: Path):
    _import(fake_ctx, _xlsx(tmp_path / "mine.xlsx", GOOD))
    assert remove_standard(fake_ctx.settings.data_dir, "Q/ZT 101").number == "Q/ZT 101—2023"
    assert fake_ctx.corpus.catalog.get("Q/ZT 101—2023") is None
    with pytest.raises(InputError, match="内置目录的标准不能删除"):
        remove_standard(fake_ctx.settings.data_dir, "GB/T 39116—2020")


def test_a_corrupt_user_catalog_is_one_clear_error(fake_ctx: Context):
    path = catalog_path(fake_ctx.settings.data_dir)
    path.parent.mkdir(parents=True)
    path.write_text("standards:\n  - number: 不是编号\n    title: x\n", encoding="utf-8")
    with pytest.raises(UserCatalogError, match="用户标准目录文件损坏"):
        fake_ctx.corpus


# ---- the chains see it ----------------------------------------------------------------------------------


def _docx(path: Path, paragraphs: list[str]) -> Path:
    from docx import Document

    doc = Document()
    doc.add_heading("标准群应用情况", level=1)
    for p in paragraphs:
        doc.add_paragraph(p)
    doc.save(path)
    return path


def test_review_gives_four_statuses(fake_ctx: Context, tmp_path: Path):
    from assistant.review import review_file
    from assistant.review.report import citation_note

    assert _import(fake_ctx, _xlsx(tmp_path / "mine.xlsx", GOOD)).ok
    doc = _docx(tmp_path / "submission.docx", [
        "本项目配套《数据管理能力成熟度评估模型》（GB/T 36073—2018）；",
        "团体标准《建筑陶瓷智能工厂 测试团体标准》（T/CBMF 77—2021）；",
        "企业标准《陶瓷砖窑炉能源计量企业规范》（Q/ZT 101—2023）；",
        "以及 GB/T 99999—2021。"])
    result = review_file(fake_ctx, doc)
    got = {c.normalized: (c.status, c.expected) for c in result.citations}
    assert got == {"GB/T 36073—2018": ("replaced", "GB/T 36073—2025"), "T/CBMF 77—2021": ("abolished", None),
                   "Q/ZT 101—2023": ("ok", None), "GB/T 99999—2021": ("unknown", None)}
    notes = {c.normalized: citation_note(c) for c in result.citations}
    assert notes["GB/T 36073—2018"].startswith("已被 GB/T 36073—2025 代替")
    assert notes["T/CBMF 77—2021"] == "已废止"
    assert "用户导入" in notes["Q/ZT 101—2023"]


def test_polish_flags_a_replaced_edition(fake_ctx: Context):
    from assistant.polish import polish_text

    result = polish_text(fake_ctx, "项目概况\n本项目应用《数据管理能力成熟度评估模型》（GB/T 36073—2018）。", rewrite=False)
    flagged = [i for i in result.issues if i.rule == "citation_valid"]
    assert len(flagged) == 1 and "已被 GB/T 36073—2025 代替" in flagged[0].message
    assert "GB/T 36073—2025" in flagged[0].fix


def test_an_imported_enterprise_standard_is_a_supplement_never_the_core(fake_ctx: Context, tmp_path: Path):
    _import(fake_ctx, _xlsx(tmp_path / "mine.xlsx", GOOD))
    numbers = ["GB/T 39116—2020", "GB/T 39117—2020", "GB/T 40647—2021", "GB/T 37393—2019", "Q/ZT 101—2023"]
    catalog = fake_ctx.corpus.catalog
    as_supplement = check_group([GroupMember(number=n, core=n == numbers[0]) for n in numbers], catalog)
    assert as_supplement.violations == []
    as_core = check_group([GroupMember(number=n, core=n in (numbers[0], numbers[4])) for n in numbers], catalog)
    assert as_core.violations == ["Q/ZT 101—2023 是用户导入的企业标准，只能作为补充标准，不能作为核心"]


def test_reindex_after_an_import_embeds_only_the_users_entries(fake_ctx: Context, tmp_path: Path):
    from assistant.index import build_index

    first = build_index(fake_ctx.settings, fake_ctx.embedder)
    _import(fake_ctx, _xlsx(tmp_path / "mine.xlsx", GOOD))
    fake_ctx.reload()
    retriever = fake_ctx.retriever()  # sees the changed user catalog and refreshes incrementally
    hits = retriever.search("陶瓷砖窑炉能源计量", k=5, doc_types=["standard"])
    assert any(h.location == "Q/ZT 101—2023" and h.source == "user/catalog.yaml" for h in hits)
    again = build_index(fake_ctx.settings, fake_ctx.embedder)
    assert again.embedded == 0 and again.chunks == first.chunks + 2


def test_filters_and_the_empty_state(fake_ctx: Context, tmp_path: Path):
    from assistant.ui import format as fmt
    from assistant.ui.handlers import Handlers

    _import(fake_ctx, _xlsx(tmp_path / "mine.xlsx", GOOD))
    catalog = fake_ctx.corpus.catalog
    assert {s.number for s in select(catalog, Filter(user_only=True))} == {"Q/ZT 101—2023", "T/CBMF 77—2021"}
    assert all(s.status == "replaced" for s in select(catalog, Filter(status="replaced")))
    h = Handlers(fake_ctx)
    table, line = h.browse("", "企业标准", "现行", "能源管理与能耗监测", "陶瓷")
    assert list(table["标准编号"]) == ["Q/ZT 101—2023"] and "用户导入 1 项" in line
    assert list(table["来源"]) == ["用户导入：企业标准信息公共服务平台"]
    table, line = h.browse("不存在的词", "全部", "全部", "全部", "全部")
    assert len(table) == 0 and fmt.NO_MATCH in line
    replaced, _ = h.browse("36073", "全部", "已被代替", "全部", "全部")
    assert list(replaced["状态"]) == ["已被代替（GB/T 36073—2025）"]


def test_ui_import_lists_bad_rows_and_changes_nothing(fake_ctx: Context, tmp_path: Path):
    from assistant.ui.handlers import Handlers

    h = Handlers(fake_ctx)
    message = h.import_catalog(str(_csv(tmp_path / "坏文件.csv", ["number,title", "GB/T 12A,坏", "Q/ZT 1-2020,"])))
    assert "导入失败" in message and "第2行" in message and "第3行" in message and "坏文件" in message
    assert not catalog_path(fake_ctx.settings.data_dir).exists()
    message = h.import_catalog(str(_xlsx(tmp_path / "mine.xlsx", GOOD)))
    assert "已导入 2 项" in message and fake_ctx.corpus.catalog.get("Q/ZT 101—2023") is not None


def test_cli_list_json_marks_source_status_and_the_users(tmp_path: Path, capsys):
    data = ["--data-dir", str(tmp_path / "data")]
    assert main(["catalog", "import", str(_xlsx(tmp_path / "mine.xlsx", GOOD)), *data]) == 0
    capsys.readouterr()
    assert main(["catalog", "list", "--json", *data]) == 0
    listed = json.loads(capsys.readouterr().out)["standards"]
    assert len(listed) == len(load_corpus(REPO / "corpus").catalog) + 2
    assert all(s["source"] and s["status"] in ("published", "plan", "replaced", "abolished") for s in listed)
    mine = {s["number"]: s for s in listed if s["user"]}
    assert set(mine) == {"Q/ZT 101—2023", "T/CBMF 77—2021"} and mine["Q/ZT 101—2023"]["origin"] == "user"
    assert {"national", "industry"} <= {s["level"] for s in listed if not s["user"]}
    old = next(s for s in listed if s["number"] == "GB/T 36073—2018")
    assert old["status"] == "replaced" and old["lifecycle"].startswith("已被 GB/T 36073—2025 代替")


def test_cli_bad_import_exits_non_zero_with_row_numbers(tmp_path: Path, capsys):
    bad = _csv(tmp_path / "bad.csv", ["number,title", "GB/T 12A,坏"])
    assert main(["catalog", "import", str(bad), "--data-dir", str(tmp_path / "data")]) == 2
    err = capsys.readouterr().err
    assert "导入失败" in err and "第2行" in err and "Traceback" not in err
    assert main(["catalog", "import", str(tmp_path / "missing.xlsx"), "--data-dir", str(tmp_path / "data")]) == 2
    assert "文件不存在" in capsys.readouterr().err
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"not a zip")
    assert main(["catalog", "import", str(garbage), "--data-dir", str(tmp_path / "data")]) == 2
    assert "无法读取 Excel 文件" in capsys.readouterr().err
