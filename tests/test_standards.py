"""Standard numbers however written, the catalog, citation statuses and group rules."""
from __future__ import annotations

import pytest
from conftest import REPO

from assistant.corpus import load_corpus
from assistant.standards import (
    GroupMember,
    check_citations,
    check_group,
    find_numbers,
    form_changes,
    level_of,
    parse_group_text,
    parse_number,
    read_numbers,
)


@pytest.fixture(scope="module")
def catalog():
    return load_corpus(REPO / "corpus").catalog


@pytest.mark.parametrize("written", [
    "GB/T 39116—2020", "GB/T39116-2020", "GB/T 39116-2020", "GB/T 39116–2020", "GB/T 39116－2020",
    "ＧＢ／Ｔ　３９１１６－２０２０", "GB / T 39116 — 2020", "gb/t 39116-2020".upper(), "GB/T 391\n16-2020",
    "GB/T 39116-\n2020",
])
def test_every_spelling_normalises_to_one_form(written):
    assert parse_number(written).normalized == "GB/T 39116—2020"


@pytest.mark.parametrize("written, normalized", [
    ("20202868—T—339", "20202868—T—339"),
    ("20202868-T-339", "20202868—T—339"),
    ("20202868 - T - 339", "20202868—T—339"),
    ("GB/T 39561.1-2020", "GB/T 39561.1—2020"),
    ("GB/T 42383", "GB/T 42383"),
    ("SJ/T 11666.1-2016", "SJ/T 11666.1—2016"),
    ("T/CAMS 123-2021", "T/CAMS 123—2021"),
    ("DB11/T 1234-2019", "DB11/T 1234—2019"),
    ("Q/ABC 001-2020", "Q/ABC 001—2020"),
])
def test_other_number_shapes(written, normalized):
    assert parse_number(written).normalized == normalized


def test_levels_follow_the_prefix():
    assert [level_of(p) for p in ["GB/T", "GB", "PLAN", "SJ/T", "DB11/T", "T/CAMS", "Q/ABC"]] == [
        "national", "national", "national", "industry", "local", "group", "enterprise"]


def test_numbers_in_running_text_keep_their_spans():
    text = "本项目采用《智能制造 系统架构》（GB/T 40647—2021）和GB/T39116-2020，另见20213298-T-469。"
    found = find_numbers(text)
    assert [n.normalized for n, _, _ in found] == ["GB/T 40647—2021", "GB/T 39116—2020", "20213298—T—469"]
    assert [text[s:e] for _, s, e in found] == ["GB/T 40647—2021", "GB/T39116-2020", "20213298-T-469"]


def test_a_year_on_the_next_line_is_not_glued_to_the_code():
    assert parse_number("GB/T 39116\n2020年发布").normalized == "GB/T 39116"


def test_iso_and_iec_numbers_are_not_standard_numbers_of_ours():
    assert find_numbers("参照 ISO 9001:2015 与 IEC 62264-1") == []


def test_catalog_entries_are_normalised_and_unique(catalog):
    assert len(catalog) >= 100
    assert len({s.number for s in catalog.standards}) == len(catalog)
    for s in catalog.standards:
        assert parse_number(s.number).normalized == s.number


def test_citation_statuses(catalog):
    text = ("《智能制造能力成熟度模型》（GB/T 39116—2020）；GB/T 39116—2019；《智能制造 系统结构》（GB/T 40647—2021）；"
            "GB/T 99999—2020；20202868-T-339")
    got = [(c.normalized, c.status, c.expected) for c in check_citations(catalog, text, "第1页")]
    assert got == [
        ("GB/T 39116—2020", "ok", None),
        ("GB/T 39116—2019", "wrong_year", "GB/T 39116—2020"),
        ("GB/T 40647—2021", "title_mismatch", "《智能制造 系统架构》（GB/T 40647—2021）"),
        ("GB/T 99999—2020", "unknown", None),
        ("20202868—T—339", "replaced", "GB/T 43553.1—2023"),  # published since: cite the standard
    ]


def test_a_series_cited_by_its_stem_is_known_by_its_parts(catalog):
    """evals/draft_dev5.yaml: "按GB/T 19892批控制系列标准" cites a series whose parts are catalogued; review and the
    draft called it uncatalogued. A stem with a year, or one without catalogued parts, is still unknown."""
    series, dated, none = check_citations(catalog, "按GB/T 19892系列、GB/T 19892—2005和GB/T 99999开展", "x")
    assert (series.status, dated.status, none.status) == ("ok", "unknown", "unknown")
    assert "GB/T 19892.1—2005" in series.note and "系列" in series.note, series.note


def test_the_character_yi_typed_for_the_dash_is_read_as_the_year_dash():
    """evals/polish_dev5.yaml p5-06, in new words: 一 typed by an input method before a year is the dash."""
    hit = find_numbers("按《数字化车间 通用技术要求》（GB/T 37393一2019）建设")[0]
    assert hit[0].normalized == "GB/T 37393—2019"
    assert form_changes("GB/T 37393一2019", hit[0]) == ("年代号前的汉字“一”改为一字线“—”",)
    assert find_numbers("执行GB/T 37393一共三年")[0][0].normalized == "GB/T 37393"


def test_wrong_national_prefix_hints_the_intended_number(catalog):
    c = check_citations(catalog, "GB 39116—2020", "x")[0]
    assert (c.status, c.expected) == ("unknown", "GB/T 39116—2020")


def test_lower_case_national_prefix_is_recognised():
    assert parse_number("依据gb/t 37393-2019开展").normalized == "GB/T 37393—2019"


def test_editions_resolve_by_year(catalog):
    assert catalog.get("GB/T 35351—2017").year == 2017
    assert catalog.get("GB/T 35351").year == 2025, "without a year the current edition is meant"
    old = check_citations(catalog, "GB/T 35351—2017", "x")[0]
    assert (old.status, old.expected) == ("replaced", "GB/T 35351—2025")
    assert old.note == "已被 GB/T 35351—2025 代替（2025-09-01 实施）"
    new = check_citations(catalog, "GB/T 35351—2025", "x")[0]
    assert (new.status, new.expected, new.note) == ("ok", None, "")


def test_alt_title_is_accepted(catalog):
    entry = catalog.get("GB/T 42029—2022")
    assert entry.alt_titles, "the catalog records the other published title"
    text = f"《{entry.alt_titles[0]}》（GB/T 42029—2022）"
    assert check_citations(catalog, text, "x")[0].status == "ok"


def _group(numbers, core=()):
    return [GroupMember(number=n, core=n in core) for n in numbers]


def test_a_good_group_passes(catalog):
    numbers = ["GB/T 39116—2020", "GB/T 39117—2020", "GB/T 40647—2021", "GB/T 37393—2019", "GB/T 41255—2022"]
    checks = check_group(_group(numbers, core={"GB/T 39116—2020"}), catalog)
    assert checks.model_dump(exclude={"checked"}) == {"count": 5, "has_national_core": True, "violations": []}
    assert [(m.number, m.status, m.core) for m in checks.checked] == [(n, "现行", n == "GB/T 39116—2020") for n in numbers]


def test_group_rules_are_enforced(catalog):
    small = check_group(_group(["GB/T 39116—2020", "GB/T 39116-2020", "SJ/T 11666.1—2016"]), catalog)
    assert small.count == 2 and not small.has_national_core
    assert any("少于" in v for v in small.violations)
    assert any("重复" in v for v in small.violations)
    assert any("核心" in v for v in small.violations)
    no_national = check_group(_group([f"T/CAMS {i}—2021" for i in range(5)], core={"T/CAMS 1—2021"}), catalog)
    assert no_national.violations == ["标准群中没有国家标准：方案要求以至少1项国家标准为核心"]
    published = [s.number for s in catalog.standards if s.level == "national" and s.status == "published" and s.year][:21]
    big = check_group(_group(published, core={published[0]}), catalog)
    assert big.violations == ["标准数量 21 项，超过方案要求的 20 项"]


def test_group_national_numbers_are_checked_against_the_catalog(catalog):
    numbers = ["GB/T 39116—2020", "GB/T 39117—2019", "GB/T 99999—2023", "GB 37393—2019", "Q/ABC 001—2020"]
    checks = check_group(_group(numbers, core={"GB/T 39116—2020"}), catalog)
    assert checks.violations == [
        "GB/T 39117—2019：年份不符，目录中为 GB/T 39117—2020",
        "GB/T 99999—2023：目录未收录，请核实编号",
        "GB 37393—2019：目录未收录，请核实编号（是否应为 GB/T 37393—2019？）",
    ], "an enterprise standard cannot be checked and is not a violation"


def test_a_core_that_is_not_national_is_named(catalog):
    numbers = ["GB/T 39116—2020", "GB/T 39117—2020", "GB/T 40647—2021", "GB/T 37393—2019", "T/CAMS 1—2021"]
    checks = check_group(_group(numbers, core={"T/CAMS 1—2021"}), catalog)
    assert checks.violations == ["核心标准须为国家标准：T/CAMS 1—2021 不是国家标准，请将至少1项国家标准标为核心"]


def test_pasted_group_text_marks_the_core():
    members = parse_group_text("1 GB/T 39116—2020 核心\n2 《数字化车间 通用技术要求》 GB/T 37393-2019 配套\n无编号的行")
    assert [(m.number, m.core) for m in members] == [("GB/T 39116—2020", True), ("GB/T 37393—2019", False)]
    assert members[1].title == "数字化车间 通用技术要求"


# ---- the one reader: every way companies write a number, what was normalised, and what is not a number ---------

@pytest.mark.parametrize("written, normalized, change", [
    ("GBT39116—2019", "GB/T 39116—2019", "代号中补上斜线“/”"),
    ("GB T 39116-2019", "GB/T 39116—2019", "代号中补上斜线“/”"),
    ("GB／T37413—2019", "GB/T 37413—2019", "全角字母或数字改为半角"),
    ("ＧＢ／Ｔ　３７４１３—２０１９", "GB/T 37413—2019", "全角字母或数字改为半角"),
    ("GB/T 391\n16—2020", "GB/T 39116—2020", "编号中间断行"),
    ("GB/T 39116-2020", "GB/T 39116—2020", "年代号前的连字符改为一字线“—”"),
    ("GB/T 39116–2020", "GB/T 39116—2020", "年代号前的连字符改为一字线“—”"),
    ("GB/T39116—2020", "GB/T 39116—2020", "代号与顺序号之间空一格"),
    ("gb/t 39116—2020", "GB/T 39116—2020", "代号改为大写字母"),
    ("GB / T 39116 — 2020", "GB/T 39116—2020", "代号内不留空格"),
    ("采用GBT 39116开展自评", "GB/T 39116", "代号中补上斜线“/”"),
    ("GB/T-20720.1—2019", "GB/T 20720.1—2019", "代号与顺序号之间空一格，不用“-”或“：”"),  # polish dev2
    ("GB/T：39116—2020", "GB/T 39116—2020", "代号与顺序号之间空一格，不用“-”或“：”"),
    ("按GB-T 38854—2020传输", "GB/T 38854—2020", "代号中的“-”改为斜线“/”"),  # polish dev9
    ("JB-T 10000—2019", "JB/T 10000—2019", "代号中的“-”改为斜线“/”"),
])
def test_reader_reports_what_it_normalised(written, normalized, change):
    (hit,) = read_numbers(written)
    assert hit.normalized == normalized
    assert change in hit.changes, hit.changes
    assert "\n" not in hit.written


def test_reader_leaves_a_correct_number_alone():
    (hit,) = read_numbers("依据《智能制造能力成熟度模型》（GB/T 39116—2020）")
    assert (hit.raw, hit.changes, hit.year_missing) == ("GB/T 39116—2020", (), False)
    (bare,) = read_numbers("参照 GB/T 39116 开展")
    assert bare.changes == () and bare.year_missing


@pytest.mark.parametrize("text", [
    "call GBT 1234 now", "the GBT 12345 model ships in May", "order GBT39116 sensor kit", "ABGBT39116—2019",
    "电话 0571-88886666", "2019-05-01 上线", "手机 13912345678", "GBTX 39116—2019",
    "型号AB-T 500的设备", "JB-T 10000 型压机", "GB-Tx 100",
])
def test_reader_false_positives(text):
    assert read_numbers(text) == [], [(h.raw, h.normalized) for h in read_numbers(text)]


def test_slashless_number_is_the_same_number_everywhere(catalog):
    """The one reader is what citation checks and group parsing see: GBT39116—2019 is the wrong edition of GB/T 39116."""
    (c,) = check_citations(catalog, "标准群以GBT39116—2019为核心", "x")
    assert (c.text, c.normalized, c.status, c.expected) == ("GBT39116—2019", "GB/T 39116—2019", "wrong_year",
                                                            "GB/T 39116—2020")
    members = parse_group_text("1 GBT39116—2019 核心\n2 GB T 37413-2019")
    assert [m.number for m in members] == ["GB/T 39116—2019", "GB/T 37413—2019"]


def test_slashless_product_names_in_chinese_text_are_not_numbers():
    assert read_numbers("引进GBT 2000 series贴片设备（型号GBT-3000）") == []


@pytest.mark.parametrize("written, change", [
    ("GB/T 39116——2019", "年代号前只用一个一字线“—”（不用破折号“——”）"),
    ("GB∕T 39116—2019", "斜线改为“/”"),
])
def test_double_dash_and_other_slashes(written, change):
    (hit,) = read_numbers(written)
    assert hit.normalized == "GB/T 39116—2019" and change in hit.changes


def test_a_dot_before_the_year_is_a_form_slip_and_four_digits_are_never_a_part():
    """GB/T 39116.2020 (evals/polish_dev3.yaml) is GB/T 39116—2020 written with a dot; a part stays a part."""
    from assistant.standards import read_numbers

    (hit,) = read_numbers("按GB/T 39116.2020自评")
    assert hit.normalized == "GB/T 39116—2020" and any("点" in c for c in hit.changes)
    assert [h.normalized for h in read_numbers("GB/T 39561.1—2020、GB/T 33863.1")] == ["GB/T 39561.1—2020",
                                                                                     "GB/T 33863.1"]


def test_a_code_listed_after_a_number_shares_its_prefix():
    """GB/T 39561.1—2020、39561.2—2021: the second code is GB/T 39561.2, written without its prefix (a form slip the
    reader reports); a year or a count after a number is no code (GB/T 39116—2020，2023年完成)."""
    from assistant.standards import read_numbers

    hits = read_numbers("GB/T 39561.1—2020、39561.2—2021")
    assert [h.normalized for h in hits] == ["GB/T 39561.1—2020", "GB/T 39561.2—2021"]
    assert "省略了代号“GB/T”" in hits[1].changes
    assert [h.normalized for h in read_numbers("GB/T 39116—2020，2023年完成")] == ["GB/T 39116—2020"]


def test_an_enterprise_number_with_a_letter_group_before_its_serial_is_read_as_written():
    """evals/review_dev8.yaml, in new words: some companies number their standards Q/<company> <letters><serial>
    (Q/JX K07—2025, Q/330782 ZT 02—2024); the letters belong to the serial, and the number is read, not lost."""
    from assistant.standards import find_numbers

    got = [n.normalized for n, _, _ in find_numbers("按企业标准Q/JX K07—2025《冲压件检验规范》和Q/330782 ZT 02—2024执行")]
    assert got == ["Q/JX K07—2025", "Q/330782 ZT02—2024"], got
    assert [n.normalized for n, _, _ in find_numbers("Q/SYSW 006—2024《膏霜乳化工艺控制规范》")] == ["Q/SYSW 006—2024"]
