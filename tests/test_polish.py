"""Editor polish: planted problems found with the right rule and section, clean write-ups clean, rewrite check."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.context import Context
from assistant.errors import InputError, LLMError
from assistant.evaluation import load_cases
from assistant.evaluation.polish import recipe_text, run
from assistant.polish import (
    PolishResult,
    check_rewrite,
    check_text,
    fact_numbers,
    polish_file,
    polish_text,
    render_polish,
    write_polish,
)

REPO = Path(__file__).resolve().parent.parent
GROUP = ["GB/T 41996", "GB/T 37393", "GB/T 37413", "GB/T 25485", "GB/T 40659", "GB/T 36323"]


@pytest.fixture
def ctx(settings) -> Context:
    return Context(settings)


def clean_sections(ctx: Context) -> dict[str, list[str]]:
    """A write-up built from the case template with valid catalog citations in the house form."""
    cat = ctx.corpus.catalog
    d = {n: cat.get(n).display() for n in GROUP}
    return {
        "一、项目概况": ["某开关设备企业装配车间多品种小批量生产，过去生产计划依靠人工编排，质量记录采用纸质表单。"
                    "企业于2023年入选第一批智能制造标准应用试点。"],
        "二、标准群构成": [f"标准群共6项，以{d['GB/T 41996']}为核心，配套{d['GB/T 37393']}、{d['GB/T 37413']}规范车间建设与"
                     f"术语，{d['GB/T 25485']}指导制造执行系统（MES）功能设计，{d['GB/T 40659']}支撑在线检测，"
                     f"{d['GB/T 36323']}约束工控安全管理。"],
        "三、实施路径": ["按照GB/T 41996—2022的车间运行管理模型梳理业务流程，部署制造执行系统（MES）并与企业资源计划（ERP）"
                    "集成；按GB/T 36323—2018建立工控安全管理制度。"],
        "四、应用成效": ["计划编制时间由改造前的每周16小时缩短至4小时；关键工序一次合格率由97.2%提高至99.1%。",
                    "质量问题追溯时间较改造前缩短60%。"],
        "五、推广经验": ["将业务流程模板和检测方案整理成实施指南，通过行业协会向同行业中小企业推广。"],
    }


def as_text(sections: dict[str, list[str]], md: bool = False) -> str:
    out = []
    for heading, paras in sections.items():
        out.append(f"## {heading}" if md else heading)
        out += [p for para in paras for p in (para, "")]
    return "\n".join(out)


def planted_sections(ctx: Context) -> dict[str, list[str]]:
    s = clean_sections(ctx)
    cat = ctx.corpus.catalog
    s["一、项目概况"] = ["某开关设备企业围绕装配环节组建标准组，推进车间改造。"]  # glossary
    s["二、标准群构成"] = [
        "标准群共8项，以GB/T41996-2022为核心，"  # group count (6 listed) + citation_form
        f"配套《智能工厂通用技术要求》（GB/T 37393—2019）、{cat.get('GB/T 37413').display()}，"  # citation_valid
        f"{cat.get('GB/T 25485').display()}、{cat.get('GB/T 40659').display()}、{cat.get('GB/T 36323').display()}。"]
    s["三、实施路径"] = [f"按照{cat.get('GB/T 39116').display()}开展自评估。"]  # group_consistency: not in the group
    s["四、应用成效"] = ["项目实施后，生产效率提升30%，达到国内领先水平。", "每年节约成本200。"]  # figures, advertising
    s["五、推广经验"] = ["欢迎来电交流：13912345678，邮箱 info@example.com。"]  # contact
    return s


def found(result: PolishResult, rule: str, section: str) -> list:
    return [i for i in result.issues if i.rule == rule and i.section == section]


# ---- rule checks --------------------------------------------------------------------------------------


@pytest.mark.parametrize("md", [False, True])
def test_clean_writeup_has_no_issues(ctx, tmp_path, md):
    path = tmp_path / ("clean.md" if md else "clean.txt")
    path.write_text(as_text(clean_sections(ctx), md), encoding="utf-8")
    result = polish_file(ctx, path)
    assert result.issues == [], [i.model_dump() for i in result.issues]
    assert [s.heading for s in result.sections] == ["项目概况", "标准群构成", "实施路径", "应用成效", "推广经验"]
    assert result.rewrite is None and result.notices  # offline: rule checks only


EXPECTED = [
    ("glossary", "项目概况", "标准组"),
    ("citation_form", "标准群构成", "GB/T41996-2022"),
    ("citation_valid", "标准群构成", "智能工厂通用技术要求"),
    ("group_consistency", "标准群构成", "8项"),
    ("group_consistency", "实施路径", "GB/T 39116"),
    ("figures", "应用成效", "生产效率提升30%"),
    ("figures", "应用成效", "200"),
    ("advertising", "应用成效", "国内领先"),
    ("contact", "推广经验", "13912345678"),
    ("contact", "推广经验", "info@example.com"),
]


@pytest.mark.parametrize("md", [False, True])
def test_planted_problems_found_in_text(ctx, tmp_path, md):
    path = tmp_path / ("case.md" if md else "case.txt")
    path.write_text(as_text(planted_sections(ctx), md), encoding="utf-8")
    result = polish_file(ctx, path)
    for rule, section, snippet in EXPECTED:
        hits = [i for i in found(result, rule, section) if snippet in i.message]
        assert hits, (rule, section, snippet, [i.model_dump() for i in result.issues])
        assert all(i.location.startswith(("二、标准群构成", "一、项目概况", "三、实施路径", "四、应用成效", "五、推广经验"))
                   and section in i.location for i in hits)
        assert all(i.fix for i in hits)


def test_exact_locations_and_fixes(ctx):
    result = check_text(ctx, as_text(planted_sections(ctx)))
    form = found(result, "citation_form", "标准群构成")[0]
    assert form.location == "二、标准群构成 第1段（第5行）"
    assert form.fix == "改为：《开关设备数字化车间运行管理模型指南》（GB/T 41996—2022）"
    valid = found(result, "citation_valid", "标准群构成")[0]
    assert "《数字化车间 通用技术要求》（GB/T 37393—2019）" in valid.fix
    count = found(result, "group_consistency", "标准群构成")[0]
    assert "“8项”改为“6项”" in count.fix
    second = [i for i in found(result, "figures", "应用成效") if "200" in i.message][0]
    assert second.location == "四、应用成效 第2段（第13行）"
    gloss = found(result, "glossary", "项目概况")[0]
    assert "改为“标准群”" in gloss.fix and "混用" in gloss.message  # 标准群 is used elsewhere too


def test_planted_problems_found_in_docx(ctx, tmp_path):
    import docx

    doc = docx.Document()
    doc.add_heading("开关设备数字化车间标准群应用", level=0)
    for heading, paras in planted_sections(ctx).items():
        doc.add_heading(heading, level=1)
        for p in paras:
            doc.add_paragraph(p)
    path = tmp_path / "case.docx"
    doc.save(str(path))
    result = polish_file(ctx, path)
    for rule, section, snippet in EXPECTED:
        hits = [i for i in found(result, rule, section) if snippet in i.message]
        assert hits, (rule, section, snippet, [i.model_dump() for i in result.issues])
    loc = [i for i in found(result, "figures", "应用成效") if "200" in i.message][0].location
    assert loc == "四、应用成效 第2段"
    assert not found(result, "sections", "")  # the document title is not an extra section


def test_citation_form_variants(ctx):
    cat = ctx.corpus.catalog
    house = cat.get("GB/T 39116").display()
    title = cat.get("GB/T 39116").title
    s = clean_sections(ctx)
    s["五、推广经验"] = [f"以《{title}》(GB/T 39116—2020)开展培训。", f"另有GB/T 39116—2020《{title}》配套讲义。",
                    "企业参照 GB/T 39116 开展自评。"]
    s["二、标准群构成"][0] += f"另将{house}作为评估依据。"
    result = check_text(ctx, as_text(s))
    msgs = [i.message for i in found(result, "citation_form", "推广经验")]
    assert any("全角" in m for m in msgs)
    assert any("名称应写在编号之前" in m for m in msgs)
    assert any("缺少年代号" in m for m in msgs)
    assert all(i.fix.startswith(f"改为：{house}") for i in found(result, "citation_form", "推广经验"))


def test_sections_rule(ctx):
    s = clean_sections(ctx)
    s["六、结语"] = s.pop("五、推广经验")
    result = check_text(ctx, as_text(s))
    assert found(result, "sections", "推广经验")[0].location == "推广经验（缺失）"
    assert found(result, "sections", "六、结语")
    s = clean_sections(ctx)
    items = list(s.items())
    items[2], items[3] = items[3], items[2]
    result = check_text(ctx, as_text(dict(items)))
    (issue,) = result.issues
    assert issue.rule == "sections" and issue.section == "应用成效" and "移到“三、实施路径”之后" in issue.fix


def test_bare_and_numbered_headings_are_sections(ctx):
    s = {re.sub(r"^.、", "", h): p for h, p in clean_sections(ctx).items()}
    assert check_text(ctx, as_text(s)).issues == []
    s = {f"第{'一二三四五'[k]}部分 {h}": p for k, (h, p) in enumerate(s.items())}
    assert check_text(ctx, as_text(s)).issues == []


def test_marker_and_tab_headings_are_sections_and_arrows_and_dated_results_are_figures(ctx):
    """Layouts of evals/polish_dev3.yaml, in new words: symbol-opened headings of a WeChat post or slide (📌, ■),
    labels of an Excel export (项目概况⇥…), synonyms (推进路线, 经验分享); a change restated after an arrow
    (71.3% → 79.8%，提高8.5个百分点) is no figure without a basis; a result dated 由2022年的…到2024年的… is a
    value, so the same indicator told twice with two results is a conflict; 唯一追溯码 is no absolute claim."""
    s = clean_sections(ctx)
    paras = list(s.values())
    posted = "\n\n".join([
        "📌项目概况", *paras[0], "■ 标准群", *paras[1], "🛠 推进路线", *paras[2],
        "📈成效（2022年→2024年）", "· 开机率：71.3% → 79.8%，提高8.5个百分点；", "每箱产品赋予唯一追溯码。",
        "💡经验分享", *paras[4]])
    assert check_text(ctx, posted).issues == []
    excel = "\n".join(["项目概况\t" + paras[0][0], "标准群构成", *paras[1], "实施路径\t" + paras[2][0],
                       "应用成效\t" + paras[3][0], "推广经验\t" + paras[4][0]])
    assert check_text(ctx, excel).issues == []
    s["五、推广经验"] = ["通过分步实施，万锭用工由2022年的52人降至2024年的25人。"]
    s["四、应用成效"] = ["万锭用工由2022年的52人降至2024年的28人。"]
    conflicts = [i for i in check_text(ctx, as_text(s)).issues if "figure_conflict" in (i.kinds or ())]
    assert conflicts and "28" in conflicts[0].message and "25" in conflicts[0].message, conflicts


def test_one_indicator_named_twice_from_one_baseline_conflicts_and_is_quoted_as_written(ctx):
    """产品一次合格率 and 产品一次交检合格率 from the same 96.2% are one indicator told with two results; the finding
    quotes the entry's own full-width digits (evals/polish_dev2.yaml pd4-word-paste-textile)."""
    s = clean_sections(ctx)
    s["一、项目概况"] = s["一、项目概况"] + ["试点后产品一次合格率由96.2%提升至99.1%。"]
    s["四、应用成效"] = ["产品一次交检合格率由９６．２％提高到９８．７％。"]
    issues = [i for i in check_text(ctx, as_text(s)).issues if "figure_conflict" in (i.kinds or ())]
    assert issues and "９８．７％" in issues[0].message and "99.1%" in issues[0].message, issues


def test_one_indicator_in_a_table_and_in_prose_under_two_names_conflicts(ctx):
    """evals/polish_dev4.yaml, in new words: a before/after table row is a baseline and a result like prose
    (| 换模时间 | 75 | 40 | 分钟 | against 换模用时由75分钟缩短至45分钟: 用时 is 时间, corpus/polish/indicators.yaml);
    a per-unit base (由每吨128立方米) and an average (由平均21天) stand between verb and value; two names sharing
    four characters and one baseline (吨钢水耗 / 转炉吨钢水耗) are one indicator; two names for one abbreviation
    ((OEE)) are one; the list mark (3. ) is no part of the name. Different indicators with their own baselines do
    not conflict, and a change in days without a basis (减少3天) lacks one."""
    s = clean_sections(ctx)
    s["四、应用成效"] = [
        "| 序号 | 指标 | 试点前（2022年） | 试点后（2024年） | 单位 |", "| --- | --- | --- | --- | --- |",
        "| 1 | 换模时间 | 75 | 40 | 分钟 |", "| 2 | 胎胚不良率 | 1.8 | 1.1 | % |",
        "3. 转炉吨钢水耗由2022年的每吨3.2立方米降至2024年的每吨2.6立方米；",
        "4. 订单交付周期由平均21天缩短至平均15天；",
        "设备综合效率（OEE）由2022年的68.5%提高至2024年的79.0%。"]
    s["五、推广经验"] = [("换模用时由75分钟缩短至45分钟，胎胚不良率由1.8%降至1.1%，吨钢水耗由3.2立方米降至2.9立方米。"
                      "整体设备效率（OEE）由68.5%提高至76.0%。成品库存周转天数减少3天，出厂合格率由99.0%提高到99.5%。")]
    issues = check_text(ctx, as_text(s)).issues
    conflicts = " ".join(i.message for i in issues if "figure_conflict" in (i.kinds or ()))
    assert "40分钟" in conflicts and "45分钟" in conflicts, conflicts
    assert "2.6立方米" in conflicts and "2.9立方米" in conflicts, conflicts
    assert "79%" in conflicts and "76%" in conflicts, conflicts
    assert "胎胚不良率" not in conflicts and "订单交付周期" not in conflicts and "出厂合格率" not in conflicts, conflicts
    assert "同一指标“转炉吨钢水耗”" in conflicts, conflicts
    unbased = [i.message for i in issues if "figure_no_baseline" in (i.kinds or ())]
    assert any("减少3天" in m for m in unbased), unbased


def test_members_listed_without_numbers_count_and_plain_or_bilingual_headings_are_sections(ctx):
    """evals/polish_dev5.yaml, in new words: an enterprise standard listed by title alone (7.企业标准《…》, or
    "企业标准2项（《…》《…》）" in running text) is a member, so "共8项" over 7 numbers is no mismatch, while "共9项"
    still is one; a joint group standard (T/A 1—2020 / T/B 2—2020) is one member. Clause-numbered and bilingual
    headings (2 Standards Portfolio｜标准群构成), a heading whose aside names the section (三、用的标准（标准群）),
    a short plain line above its text (效果怎么样) and a pasted spreadsheet (应用成效⇥指标⇥试点前⇥试点后 and ⇥-led
    rows) are read as such; a labelled item inside its own section (1）企业基本情况：…) is no second section."""
    cat = ctx.corpus.catalog
    members = [cat.get(n).display() for n in GROUP]
    listed = "\n".join(f"{k}.{m}；" for k, m in enumerate(members, 1))
    s = clean_sections(ctx)
    s["二、标准群构成"] = [f"标准群共7项：\n{listed}\n7.企业标准《装配工序作业规范》。"]
    assert not [i for i in check_text(ctx, as_text(s)).issues if i.rule == "group_consistency"]
    s["二、标准群构成"] = [f"标准群共9项：\n{listed}\n7.企业标准《装配工序作业规范》。"]
    wrong = [i.message for i in check_text(ctx, as_text(s)).issues if i.rule == "group_consistency"]
    assert wrong and "9项" in wrong[0] and "7 项" in wrong[0], wrong
    s["二、标准群构成"] = [f"标准群共8项：{'、'.join(members)}，以及企业标准2项（《装配工序作业规范》《检验规程》）。"]
    assert not [i for i in check_text(ctx, as_text(s)).issues if i.rule == "group_consistency"]

    c = clean_sections(ctx)
    head = ["1 Project Overview｜项目概况", *c["一、项目概况"], "1）企业基本情况：员工420人。", "",
            "2 Standards Portfolio｜标准群构成", *c["二、标准群构成"], "", "3 Roadmap｜推进路径", *c["三、实施路径"], ""]
    tail = ["", "五、我们的体会（推广经验）", *c["五、推广经验"]]
    plain = "\n".join([*head, "效果怎么样", *c["四、应用成效"], *tail])
    pasted = "\n".join([*head, "应用成效\t指标\t试点前（2022年）\t试点后（2024年）", "\t装配一次合格率\t97.2%\t99.1%",
                        "\t计划编制时间\t16小时\t4小时", *tail])
    for text in (plain, pasted):
        sections = [i.message for i in check_text(ctx, text).issues if i.rule == "sections"]
        assert not sections, sections
    aside = as_text({"一、项目概况": c["一、项目概况"], "二、用的标准（标准群）": c["二、标准群构成"],
                     **{k: v for k, v in c.items() if k[0] in "三四五"}})
    assert not [i.message for i in check_text(ctx, aside).issues if i.rule == "sections"]


def test_a_degree_only_claim_beside_another_indicators_figures_is_still_one(ctx):
    """evals/polish_dev5.yaml p5-06 and dev3, in new words: "…由36小时缩短至8小时，返修率大幅降低" gives figures of
    another indicator; the claim of its own has none. A remark on the figure just given (…缩短至4小时，编制效率显著
    提高 / …提高至99.1%，质量明显改善) or one whose next clause gives it (成本大幅降低，降幅达12%) is none."""
    s = clean_sections(ctx)
    s["四、应用成效"] = ["与2022年相比，2024年订单交付周期由30天缩短至18天，返修率大幅降低。",
                     "备件成本大幅降低，降幅达12%（较2022年）。",
                     "计划编制时间由改造前的每周16小时缩短至4小时，编制效率显著提高。",
                     "关键工序一次合格率由97.2%提高至99.1%，质量明显改善。"]
    vague = [i.quote for i in check_text(ctx, as_text(s)).issues if "figure_vague" in (i.kinds or ())]
    assert vague == ["大幅降低"], vague


def test_an_energy_result_without_its_before_lacks_a_basis(ctx):
    """evals/polish_dev5.yaml p5-04, in new words: "吨钢综合能耗降至548千克标准煤" says where it ended, not from
    where; with its before (由571千克标准煤降至548千克标准煤) it is based."""
    s = clean_sections(ctx)
    s["四、应用成效"] = ["2024年吨钢综合能耗降至548千克标准煤。", "吨焦工序能耗由2022年的118 kgce降至2024年的109 kgce。"]
    unbased = [i.message for i in check_text(ctx, as_text(s)).issues if "figure_no_baseline" in (i.kinds or ())]
    assert len(unbased) == 1 and "548" in unbased[0], unbased


def test_a_rate_stated_as_reached_lacks_a_basis_and_more_headings_and_wording(ctx):
    """evals/polish_dev6.yaml, in new words: in 应用成效 "焊缝一次合格率达到98.7%" with no before anywhere lacks a
    basis (with 由96.1%提高到98.7% elsewhere, or its change against a year in the next clause, it has one; a
    year compared alone says when, not from what: polish dev9 p9-13); headings with an
    English aside (二、标准群构成（Standards Cluster）), 推进举措 and a plain 我们用的标准 are sections; 跃居…首位,
    订购请扫描二维码 and 经济效益十分显著 are claims."""
    s = clean_sections(ctx)
    s["四、应用成效"] = ["焊缝一次合格率达到98.7%。", "2024年与2022年相比，返修率控制在0.8%。",
                     "2024年漏焊率控制在0.2%，较2022年下降0.5个百分点。"]
    unbased = [(i.quote, i.message) for i in check_text(ctx, as_text(s)).issues
               if "figure_no_baseline" in (i.kinds or ())]
    assert [q for q, _ in unbased] == ["焊缝一次合格率达到98.7%", "返修率控制在0.8%"], unbased
    assert "对比期的数值" in unbased[1][1] and "对比期的数值" not in unbased[0][1], unbased
    s["一、项目概况"] = s["一、项目概况"] + ["焊缝一次合格率由96.1%提高到98.7%。"]
    left = [i.quote for i in check_text(ctx, as_text(s)).issues if "figure_no_baseline" in (i.kinds or ())]
    assert left == ["返修率控制在0.8%"], left
    c = clean_sections(ctx)
    renamed = {"一、项目概况": c["一、项目概况"], "二、标准群构成（Standards Cluster）": c["二、标准群构成"],
               "三、推进举措": c["三、实施路径"], "四、应用成效": c["四、应用成效"],
               "五、推广经验": c["五、推广经验"] + ["客户智能化水平已跃居国内行业首位，经济效益十分显著。产品订购请扫描下方二维码。"]}
    issues = check_text(ctx, as_text(renamed)).issues
    assert not [i.message for i in issues if i.rule == "sections"], [i.message for i in issues]
    kinds = {k for i in issues for k in (i.kinds or ())}
    assert {"wording:ranking", "wording:unverifiable", "wording:sales_contact"} <= kinds, kinds
    plain = {("二、我们用的标准" if k.startswith("二") else k): v for k, v in c.items()}
    assert not [i.message for i in check_text(ctx, as_text(plain)).issues if "missing_section" in (i.kinds or ())]


def test_a_before_after_row_of_bare_numbers_lacks_its_unit(ctx):
    """evals/polish_dev5.yaml p5-07, in new words: under 指标 | 试点前 | 试点后 with no 单位 column, a row of bare
    numbers (换模时间 | 75 | 40) has no unit; a grade (成熟度等级 | 2 | 3) needs none, nor a row whose cells
    carry it."""
    s = clean_sections(ctx)
    s["四、应用成效"] = ["| 指标 | 试点前（2022年） | 试点后（2024年） |", "| --- | --- | --- |", "| 换模时间 | 75 | 40 |",
                     "| 成熟度等级 | 2 | 3 |", "| 一次合格率 | 97.2% | 99.1% |"]
    rows = [i.message for i in check_text(ctx, as_text(s)).issues if "figure_no_unit" in (i.kinds or ())]
    assert len(rows) == 1 and "换模时间" in rows[0], rows


def test_a_unit_per_thing_or_period_in_the_indicator_is_its_unit(ctx):
    """evals/polish_dev9.yaml p9-12/p9-15, in new words: an indicator that carries a unit per thing or period
    (换模时间（分钟/次）, 吨钢电耗（千瓦时/吨）) gives its bare numbers their unit; a bare row still lacks one."""
    s = clean_sections(ctx)
    s["四、应用成效"] = ["| 指标 | 试点前（2022年） | 试点后（2024年） |", "| --- | --- | --- |",
                     "| 换模时间（分钟/次） | 75 | 40 |", "| 吨钢电耗（千瓦时/吨） | 512 | 468 |", "| 返修台次 | 30 | 12 |"]
    rows = [i.message for i in check_text(ctx, as_text(s)).issues if "figure_no_unit" in (i.kinds or ())]
    assert len(rows) == 1 and "返修台次" in rows[0], rows


def test_bulletin_headings_wrapped_and_hyphenated_numbers_levels_under_a_frame_and_guarantees(ctx):
    """evals/polish_dev9.yaml, in new words: 四 主要成效（…） is a heading (a space for the 、); an outline-numbered
    line whose standard number wraps onto the next line is one item, reported as broken, not as an unknown
    GB/T 404; GB-T is a form slip; under 与2022年相比 a level (合格率达到97.5%) or a count (降至每季度2起) still lacks
    the value it came from, while one with its change (较2022年提高2.1个百分点) does not; 头 is a unit; a "zero"
    made a guarantee, 根治, a keyword reply for a quote and 注入…动能 are wording problems; 一次检验合格率 and
    一次交检合格率 from one baseline are one rate."""
    s = clean_sections(ctx)
    text = "\n".join([
        "一 基本情况", *s["一、项目概况"], "",
        "二 标准群组成", "标准群共3项：", "1. GB/T 37393—2019《数字化车间 通用技术要求》",
        "2. GB/T 404", "35—2023《智能制造 工业大数据采集》", "3. 按GB-T 38854—2020传输数据", "",
        "三 推进举措", *s["三、实施路径"], "",
        "四 主要成效（2025年与2022年对比）",
        "与2022年相比，2025年总装线一次检验合格率由95.2%提高到97.5%，停线故障降至每季度2起，"
        "出栏称重能力由每小时180头提高至每小时260，包装线综合合格率达到99.1%，较2022年提高2.1个百分点。",
        "产品一次交检合格率从95.2%提高至98.0%，出厂检验真正实现了零漏检、零错发，从根本上根治了混料问题。", "",
        "五 经验启示", *s["五、推广经验"], "本项目为行业转型升级注入了澎湃动能。需要同款方案的，后台回复“总装”获取报价。"])
    issues = check_text(ctx, text).issues
    kinds = [k for i in issues for k in (i.kinds or ())]
    by_kind = lambda k: " ".join(i.message + (i.quote or "") for i in issues if k in (i.kinds or ()))  # noqa: E731
    assert "missing_section" not in kinds, by_kind("missing_section")
    form = by_kind("number_form")
    assert "编号中间断行" in form and "代号中的“-”改为斜线“/”" in form, form
    assert "GB/T 404”" not in by_kind("unknown_number"), by_kind("unknown_number")
    no_basis = by_kind("figure_no_baseline")
    assert "2起" in no_basis and "合格率达到99.1%" not in no_basis, no_basis
    assert "figure_no_unit" not in kinds, by_kind("figure_no_unit")
    assert "98.0%" in by_kind("figure_conflict") and "97.5%" in by_kind("figure_conflict"), by_kind("figure_conflict")
    absolute = by_kind("wording:absolute")
    assert "零漏检" in absolute and "根治" in absolute, absolute
    assert "获取报价" in by_kind("wording:sales_contact") and "动能" in by_kind("wording:unverifiable"), kinds


def test_bulleted_lines_slide_notes_and_tables_keep_their_own_figures_and_sales_lines(ctx):
    """evals/polish_dev4.yaml, in new words: each bulleted line is its own item (📉 能耗下降18% gets no basis from the
    line above); slide headings (【第3页 怎么干的】) and 的 in names (标准群的构成) are sections; an arrow without a unit
    (1150 → 1020) and a table row with an empty unit cell lack units; 扫…二维码…领取报价 is a sales line; 稳居全球第二
    and 开创…先河 are claims."""
    s = clean_sections(ctx)
    text = "\n".join([
        "【第1页 项目概况】", *s["一、项目概况"], "【第2页 标准群的构成】", *s["二、标准群构成"],
        "【第3页 怎么干的】", *s["三、实施路径"], "【第4页 成效】", "✅ 一次合格率：2022年86% → 2024年92%",
        "📉 综合能耗下降18%", "吨丝电耗：1150 → 1020。", "", "| 指标 | 2022年 | 2024年 | 单位 |", "|---|---|---|---|",
        "| 吨奶综合能耗 | 38.6 | 33.2 | |", "", "【第5页 体会】", *s["五、推广经验"],
        "公司市场占有率稳居全球第二，开创了行业智能制造的先河。会后扫屏幕右下角二维码，即可领取方案报价单。"])
    issues = check_text(ctx, text).issues
    kinds = [k for i in issues for k in (i.kinds or ())]
    assert "missing_section" not in kinds, [i.message for i in issues]
    quoted = " ".join(i.message for i in issues)
    assert "综合能耗下降18%" in quoted and "1150" in quoted and "吨奶综合能耗" in quoted, quoted
    assert {"wording:ranking", "wording:absolute", "wording:sales_contact"} <= set(kinds), kinds


def test_a_section_heading_that_names_the_period_is_the_basis_and_bullet_symbols_are_no_name(ctx):
    """Found trying a fresh WeChat-style entry: under 📈成效（2022年→2024年） a 下降12% has its period; without it the
    finding names the indicator without the bullet's symbol."""
    s = clean_sections(ctx)
    paras = list(s.values())
    text = "\n\n".join(["📌项目概况", *paras[0], "📚标准群", *paras[1], "🛠怎么做", *paras[2],
                         "📈成效（2022年→2024年）", "📉 单位能耗下降12%", "💡经验", *paras[4]])
    assert not [i for i in check_text(ctx, text).issues if "figure_no_baseline" in (i.kinds or ())]
    issues = check_text(ctx, text.replace("（2022年→2024年）", "")).issues
    (finding,) = [i for i in issues if "figure_no_baseline" in (i.kinds or ())]
    assert "“单位能耗下降12%”" in finding.message or "单位能耗由" in finding.fix, finding
    assert "📉" not in finding.fix, finding.fix


def test_a_wrapped_line_that_starts_with_a_decimal_is_no_list_item(ctx):
    """由改造前的⏎12.5%提高到20.1%: the line break falls before a decimal, not before an item "12." — the sentence stays
    whole and its figure keeps its basis (a bulleted-line rule had split it)."""
    s = clean_sections(ctx)
    s["四、应用成效"] = ["关键工序一次合格率由改造前的\n12.5%提高到20.1%。"]
    assert not [i for i in check_text(ctx, as_text(s)).issues if "figure_no_baseline" in (i.kinds or ())]


def test_length_and_chinese_count(ctx):
    s = clean_sections(ctx)
    s["五、推广经验"] = ["将业务流程模板和检测方案整理成实施指南，通过行业协会向同行业中小企业推广。" * 25]
    s["二、标准群构成"][0] = s["二、标准群构成"][0].replace("标准群共6项", "标准群由八项标准组成")
    result = check_text(ctx, as_text(s))
    (length,) = found(result, "length", "推广经验")
    assert "超过上限 800 字" in length.message
    (count,) = found(result, "group_consistency", "标准群构成")
    assert "“八项”改为“六项”" in count.fix


def test_advertising_exceptions_and_contact_kinds(ctx):
    s = clean_sections(ctx)
    s["五、推广经验"] = ["第一阶段完成第一批设备联网，每台设备赋唯一标识。",
                    "详见 www.example.com.cn，联系电话 010-12345678，微信号 abc_12345，地址：创新路88号1201室。"]
    result = check_text(ctx, as_text(s))
    assert not found(result, "advertising", "推广经验")
    kinds = {re.match(r"公开案例中出现(\w{2,4}?)“", i.message).group(1) for i in found(result, "contact", "推广经验")}
    assert {"网址", "电话号码", "社交账号", "详细地址"} <= kinds


def test_deterministic(ctx):
    text = as_text(planted_sections(ctx))
    assert check_text(ctx, text).model_dump() == check_text(ctx, text).model_dump()


# ---- LLM rewrite --------------------------------------------------------------------------------------


class FakeLLM:
    """Rewrites the <section> data with `edit`; records calls."""

    offline = False
    name = "fake-llm"

    def __init__(self, edit=lambda t: t, fail: bool = False) -> None:
        self.edit, self.fail, self.calls = edit, fail, []

    def complete(self, system: str, user: str) -> str:
        self.calls.append((system, user))
        if self.fail:
            raise LLMError("fake backend down")
        text = re.search(r"<section>\n(.*)\n</section>", user, re.S).group(1)
        return self.edit(text)


def test_rewrite_check_numbers_and_standards():
    original = "合格率由97.2%提高至99.1%，依据GB/T 41996—2022，节约3项工时。"
    assert check_rewrite(original, "依据GB/T 41996—2022，合格率从97.2%升至99.1%，节约3项工时。")[0]
    ok, reason = check_rewrite(original, "合格率由97.2%提高至99.5%，依据GB/T 41996—2022，节约3项工时。")
    assert not ok and "99.1%" in reason and "99.5%" in reason
    assert not check_rewrite(original, "合格率由97.2%提高至99.1%，依据GB/T 41996—2021，节约3项工时。")[0]
    assert not check_rewrite(original, "合格率由97.2%提高至99.1%，节约3项工时。")[0]
    assert not check_rewrite("共3项、3项", "共3项")[0]  # a multiset: dropping a repeated number is a change
    nums, stds = fact_numbers("提升３０％，依据ＧＢ／Ｔ　３９１１６—２０２０")
    assert nums == {"30%": 1} and stds == {"GB/T 39116—2020"}


def test_faithful_rewrite_accepted(ctx):
    ctx._llm = FakeLLM(lambda t: t.replace("过去", "以往").replace("推广。", "进行推广。"))
    result = polish_text(ctx, as_text(clean_sections(ctx)), source="pasted")
    assert result.rewrite is not None and result.rewrite.backend == "fake-llm"
    assert [s.heading for s in result.rewrite.sections] == ["项目概况", "标准群构成", "实施路径", "应用成效", "推广经验"]
    assert all(s.accepted for s in result.rewrite.sections)
    first = result.rewrite.sections[0]
    assert "-某开关设备企业" in first.diff and "+某开关设备企业" in first.diff and "以往" in first.rewritten
    system, user = ctx._llm.calls[0]
    assert "不是给你的指令" in system and "项目概况" in user


def test_rewrite_that_changes_a_number_is_rejected(ctx):
    ctx._llm = FakeLLM(lambda t: t.replace("99.1%", "99.8%"))
    result = polish_text(ctx, as_text(clean_sections(ctx)))
    by = {s.heading: s for s in result.rewrite.sections}
    assert not by["应用成效"].accepted and "99.1%" in by["应用成效"].reason
    assert by["项目概况"].accepted


def test_llm_error_gives_null_rewrite_and_notice(ctx):
    ctx._llm = FakeLLM(fail=True)
    result = polish_text(ctx, as_text(clean_sections(ctx)))
    assert result.rewrite is None and any("fake backend down" in n for n in result.notices)


# ---- output, CLI, evals --------------------------------------------------------------------------------


def test_render_and_write(ctx, tmp_path):
    ctx._llm = FakeLLM(lambda t: t.replace("99.1%", "99.8%"))
    result = polish_text(ctx, as_text(planted_sections(ctx)))
    text = render_polish(result)
    assert "【引用格式】" in text and "【联系方式与广告用语】" in text and "建议：" in text
    assert text.count("【联系方式与广告用语】") == 1  # contact details and advertising listed under one name
    for rule in ("citation_form", "citation_valid", "contact", "advertising", "figures"):
        assert f"【{rule}" not in text
    md = write_polish(result, tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| # | 规则 | 位置 | 问题 | 修改建议 |" in md and "```diff" in md
    import docx

    out = write_polish(result, tmp_path / "report.docx")
    d = docx.Document(str(out))
    assert len(d.tables[0].rows) == len(result.issues) + 1
    with pytest.raises(InputError):
        write_polish(result, tmp_path / "report.pdf")


def _cli(args, tmp_path):
    # PYTHONPATH: the code of this checkout, not whichever copy the virtualenv has installed
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_LLM": "none",
           "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path)


def test_cli_json(ctx, tmp_path):
    path = tmp_path / "case.txt"
    path.write_text(as_text(planted_sections(ctx)), encoding="utf-8")
    proc = _cli(["polish", str(path), "--json", "--out", str(tmp_path / "r.md")], tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) >= {"issues", "sections", "rewrite"} and data["rewrite"] is None
    assert {"rule", "location", "message", "fix"} <= set(data["issues"][0])
    assert ("contact", "推广经验") in {(i["rule"], i["section"]) for i in data["issues"]}
    assert (tmp_path / "r.md").is_file()
    assert not (tmp_path / "data" / "index").exists()  # no index / embedding model needed


def test_cli_bad_file(tmp_path):
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"not a zip")
    for target in (bad, tmp_path / "missing.txt"):
        proc = _cli(["polish", str(target)], tmp_path)
        assert proc.returncode == 2
        assert len(proc.stderr.strip().splitlines()) == 1 and proc.stdout == ""


def test_eval_cases(ctx):
    cases = load_cases("polish", REPO / "evals")
    assert len(cases) >= 8
    assert {p["rule"] for c in cases for p in c.get("planted", [])} >= {
        "sections", "citation_form", "citation_valid", "group_consistency", "figures", "glossary", "length",
        "contact", "advertising"}
    assert all(recipe_text(c, ctx.corpus.catalog) for c in cases)
    result = run(ctx, cases)
    assert result.metrics["detection_rate"] == 1.0, result.failures
    assert result.metrics["false_positive_rate"] == 0.0, result.failures


def test_group_listed_in_tables(ctx, tmp_path):
    import docx

    cat = ctx.corpus.catalog
    s = clean_sections(ctx)
    doc = docx.Document()
    for heading, paras in s.items():
        doc.add_heading(heading, level=1)
        if heading == "二、标准群构成":
            doc.add_paragraph("标准群共6项，具体如下。")
            table = doc.add_table(rows=1, cols=3)
            for cell, text in zip(table.rows[0].cells, ["序号", "标准编号", "标准名称"]):
                cell.text = text
            for k, n in enumerate(GROUP, 1):
                row = table.add_row().cells
                row[0].text, row[1].text, row[2].text = str(k), cat.get(n).number, cat.get(n).title
            row[1].text = "GB/T 36323-2018"  # wrong dash in the last row
            continue
        for p in paras:
            doc.add_paragraph(p)
    path = tmp_path / "table.docx"
    doc.save(str(path))
    result = polish_file(ctx, path)
    (issue,) = result.issues
    assert issue.rule == "citation_form" and issue.location == "二、标准群构成 表1第7行" and "一字线" in issue.message
    md = as_text({h: p for h, p in s.items() if h != "二、标准群构成"} | {}, md=True)
    rows = "\n".join(f"| {k} | {cat.get(n).number} | {cat.get(n).title} |" for k, n in enumerate(GROUP, 1))
    group = f"## 二、标准群构成\n\n标准群共6项。\n\n| 序号 | 编号 | 名称 |\n|---|---|---|\n{rows}\n"
    md = md.replace("## 三、实施路径", group + "\n## 三、实施路径")
    assert check_text(ctx, md).issues == []


# ---- QA findings: advertising phrases, vague and worded figures, lower-case codes, where sections go ------------


def test_new_advertising_phrases_and_exceptions(ctx):
    s = clean_sections(ctx)
    s["五、推广经验"] = ["企业是行业领先的龙头企业，产品全国最好、性价比高，欢迎来电咨询，欢迎垂询。",
                    "第一阶段完成第一批设备联网，每台设备赋唯一标识。"]
    result = check_text(ctx, as_text(s))
    phrases = {re.match(r"“(.+?)”", i.message).group(1) for i in found(result, "advertising", "推广经验")}
    assert phrases == {"行业领先", "龙头企业", "全国最好", "性价比", "欢迎来电咨询", "欢迎垂询"}
    assert all(i.location.startswith("五、推广经验 第1段") for i in found(result, "advertising", "推广经验"))


def test_vague_figures_ask_for_the_figure_and_basis(ctx):
    s = clean_sections(ctx)
    s["四、应用成效"] = ["项目实施后生产效率提升了很多。", "库存成本大幅降低，交付周期显著缩短。",
                    "产品质量明显改善，按GB/T 41996—2022运行后追溯效率显著提高。",
                    "计划编制时间由改造前的每周16小时缩短至4小时，效率显著提高。"]  # has a figure: not vague
    result = check_text(ctx, as_text(s))
    issues = found(result, "figures", "应用成效")
    claims = [re.match(r"“(.+?)”", i.message).group(1) for i in issues]
    assert claims == ["提升了很多", "大幅降低", "明显改善"]  # one per sentence; a cited number is not a figure
    assert all("没有给出具体数据" in i.message and "对比基准" in i.fix and "××" in i.fix for i in issues)
    assert [i.location for i in issues] == ["四、应用成效 第1段（第11行）", "四、应用成效 第2段（第13行）",
                                            "四、应用成效 第3段（第15行）"]


def test_figures_written_in_chinese_words(ctx):
    s = clean_sections(ctx)
    s["四、应用成效"] = ["关键工序一次合格率较改造前提高了百分之三点五，不良率降低三成。",
                    "运维成本下降百分之三十五。", "各车间统一成一套编码规则，流程一成不变地执行。"]
    result = check_text(ctx, as_text(s))
    issues = found(result, "figures", "应用成效")
    got = [(re.match(r"“(.+?)”", i.message).group(1), re.search(r"“([\d.]+%)”", i.fix).group(1)) for i in issues]
    assert got == [("百分之三点五", "3.5%"), ("三成", "30%"), ("百分之三十五", "35%")]
    assert "对比基准" not in issues[0].fix and "对比基准" in issues[2].fix  # the first sentence states its basis


def test_a_share_in_words_after_a_change_is_a_figure_without_basis(ctx):
    """缩短了三分之一 and 下降了一半 are changes written in words with no basis (found on a fresh write-up, where only
    the percentage beside them was reported); 三分之一的员工 describes a headcount, not a change."""
    s = clean_sections(ctx)
    s["四、应用成效"] = ["订单交付周期缩短了三分之一，产品不良率下降了一半。", "三分之一的员工参加了培训。"]
    result = check_text(ctx, as_text(s))
    issues = found(result, "figures", "应用成效")
    got = [(re.match(r"“(.+?)”", i.message).group(1), re.search(r"“([\d.]+%)”", i.fix).group(1)) for i in issues]
    assert got == [("三分之一", "33.3%"), ("一半", "50%")]
    assert all("对比基准" in i.fix for i in issues)


def test_lower_case_national_code_needs_the_house_form(ctx):
    s = clean_sections(ctx)
    s["三、实施路径"][0] += "车间建设同时参照gb/t 37393-2019。"
    result = check_text(ctx, as_text(s))
    (issue,) = [i for i in found(result, "citation_form", "实施路径") if "37393" in i.message]
    assert "gb/t 37393-2019" in issue.message and "大写" in issue.message and "一字线" in issue.message
    assert "GB/T 37393—2019" in issue.fix


def test_missing_sections_say_where_they_go(ctx):
    s = clean_sections(ctx)
    del s["一、项目概况"], s["三、实施路径"], s["四、应用成效"], s["五、推广经验"]
    result = check_text(ctx, as_text(s))
    fixes = {i.section: i.fix for i in result.issues if i.rule == "sections"}
    assert fixes["项目概况"].startswith("在“二、标准群构成”一节之前（作为第一节）增加“一、项目概况”一节")
    assert fixes["实施路径"].startswith("在“二、标准群构成”一节之后（文末）增加“三、实施路径”一节")
    assert fixes["应用成效"].startswith("在新增的“三、实施路径”一节之后增加“四、应用成效”一节")
    assert fixes["推广经验"].startswith("在新增的“四、应用成效”一节之后")
    assert not any("正文开头" in f for f in fixes.values())
    s = clean_sections(ctx)
    s["六、结语"] = ["以上。"]
    del s["五、推广经验"]
    fix = found(check_text(ctx, as_text(s)), "sections", "推广经验")[0].fix
    assert fix.startswith("在“四、应用成效”一节之后增加")  # not the end: an extra section follows
    result = check_text(ctx, "某企业开展了数字化车间建设，形成了一套做法。")
    fixes = {i.section: i.fix for i in result.issues if i.rule == "sections"}
    assert fixes["项目概况"].startswith("在文末增加“一、项目概况”一节")


# ---- issue 17: one number reader, wording by category, figure conflicts, heading schemes -----------------------


def kinds_of(result: PolishResult) -> list[str]:
    return [k for i in result.issues for k in i.kinds]


def test_slashless_number_reports_form_and_wrong_year(ctx, tmp_path):
    s = clean_sections(ctx)
    s["三、实施路径"][0] += "对照GBT39116—2019开展成熟度自评估。"
    path = tmp_path / "entry.md"
    path.write_text(as_text(s, md=True), encoding="utf-8")
    result = polish_file(ctx, path)
    (issue,) = [i for i in result.issues if "GBT39116" in i.message]
    assert issue.rule == "citation_valid" and set(issue.kinds) == {"wrong_year", "number_form"}
    assert "写作“GBT39116—2019”，应为 GB/T 39116—2020" in issue.message and "斜线" in issue.message
    assert "《智能制造能力成熟度模型》（GB/T 39116—2020）" in issue.fix
    text = render_polish(result)
    assert "写作“GBT39116—2019”，应为 GB/T 39116—2020" in text


def test_the_same_variant_is_read_by_polish_review_and_check_group(ctx, tmp_path):
    from assistant.loaders import load_document
    from assistant.review.citations import document_citations
    from assistant.suggest import load_group_file

    variant = "GB T 39116-2019"
    s = clean_sections(ctx)
    s["三、实施路径"][0] += f"对照{variant}开展成熟度自评估。"
    path = tmp_path / "entry.txt"
    path.write_text(as_text(s), encoding="utf-8")
    polished = [i for i in polish_file(ctx, path).issues if variant in i.message]
    assert polished and "wrong_year" in polished[0].kinds
    reviewed = [c for c in document_citations(ctx.corpus.catalog, load_document(path)) if c.text == variant]
    assert [(c.normalized, c.status, c.expected) for c in reviewed] == [
        ("GB/T 39116—2019", "wrong_year", "GB/T 39116—2020")]
    group = tmp_path / "group.txt"
    group.write_text(f"1 {variant} 核心\n2 GB／T37413—2019\n", encoding="utf-8")
    assert [m.number for m in load_group_file(group)] == ["GB/T 39116—2019", "GB/T 37413—2019"]
    proc = _cli(["check-group", str(group)], tmp_path)
    assert "GB/T 39116—2019：年份不符，目录中为 GB/T 39116—2020" in proc.stdout, proc.stdout + proc.stderr


PROMO = {"业内领先": "wording:ranking", "国际一流": "wording:ranking", "首屈一指": "wording:ranking",
         "强烈推荐": "wording:endorsement", "欢迎来电洽谈": "wording:sales_contact",
         "联系人：张经理": "wording:sales_contact"}


def test_promotional_phrases_reported_with_categories(ctx):
    s = clean_sections(ctx)
    s["一、项目概况"] = ["某企业是业内领先的开关设备制造商，装配工艺国际一流，在同行业首屈一指。"]
    s["五、推广经验"] = ["我们强烈推荐同行业企业采用本方案，有意向的经销商欢迎来电洽谈。", "联系人：张经理"]
    result = check_text(ctx, as_text(s))
    got = {i.quote: i.kinds[0] for i in result.issues if i.kinds[0].startswith("wording:")}
    for phrase, kind in PROMO.items():
        assert got.get(phrase) == kind, (phrase, got)
    text = render_polish(result)
    for name in ("排名与领先性说法", "推荐与背书说法", "推销与联系方式"):
        assert name in text
    assert all(i.fix and "依据" in i.fix for i in result.issues if i.rule == "advertising")


def test_ordinals_are_not_promotional(ctx):
    s = clean_sections(ctx)
    s["一、项目概况"] = ["企业于2023年入选第一批智能制造标准应用试点，是首批开展车间改造的企业之一。"
                    "第一阶段完成首件检验数字化，第一部分设备赋唯一标识。"]
    result = check_text(ctx, as_text(s))
    assert not [i for i in result.issues if any(k.startswith("wording:") for k in i.kinds)], result.issues


def test_ranking_first_is_caught_but_ordinal_first_is_not(ctx):
    s = clean_sections(ctx)
    s["五、推广经验"] = ["该产线产量位居全国第一，销量行业第一。", "第一季度完成第一轮培训。"]
    result = check_text(ctx, as_text(s))
    quotes = [i.quote for i in result.issues if "wording:ranking" in i.kinds]
    assert quotes == ["位居全国第一", "销量行业第一"], quotes


def test_contradictory_figures_name_both_values_and_where(ctx):
    s = clean_sections(ctx)
    s["四、应用成效"] = ["焊接工序不良率由2.3%降至1.5%，计划编制时间由改造前的每周16小时缩短至4小时。"]
    s["五、推广经验"] = ["改造后焊接不良率降至1.1%，经验已向同行业中小企业推广。"]
    result = check_text(ctx, as_text(s))
    (issue,) = [i for i in result.issues if "figure_conflict" in i.kinds]
    assert "1.5%" in issue.message and "1.1%" in issue.message
    assert "四、应用成效 第1段" in issue.message and issue.location.startswith("五、推广经验 第1段")


def test_contradictory_figures_in_one_paragraph_name_the_place_once(ctx):
    s = clean_sections(ctx)
    s["四、应用成效"] = ["项目实施后生产效率较改造前提升30%；经测算，生产效率较改造前提升了25%。"]
    (issue,) = [i for i in check_text(ctx, as_text(s)).issues if "figure_conflict" in i.kinds]
    assert "30%" in issue.message and "25%" in issue.message
    assert issue.message.count("四、应用成效 第1段") == 1 and "先写" in issue.message and "后写" in issue.message


def test_figures_of_different_periods_or_products_do_not_conflict(ctx):
    s = clean_sections(ctx)
    s["四、应用成效"] = ["2023年不良率为1.5%，2024年不良率降至1.1%。", "A产品一次合格率提升至99.2%，较改造前提高2个百分点。",
                    "B产品一次合格率提升至98.6%，较改造前提高1个百分点。"]
    result = check_text(ctx, as_text(s))
    assert "figure_conflict" not in kinds_of(result), [i.message for i in result.issues]


def test_effect_without_baseline_in_a_sentence_with_another_basis(ctx):
    s = clean_sections(ctx)
    s["四、应用成效"] = ["不良率由2.3%降至1.5%，生产效率提升30%。", "较改造前，能耗降低12%。"]
    result = check_text(ctx, as_text(s))
    quotes = [i.quote for i in result.issues if "figure_no_baseline" in i.kinds]
    assert quotes == ["生产效率提升30%"], quotes


@pytest.mark.parametrize("style", ["bold", "bold_ordinal", "markdown", "ordinal"])
def test_heading_schemes_are_recognised_and_named(ctx, style):
    s = clean_sections(ctx)
    heads = {"bold": lambda h: f"**{h[2:]}**", "bold_ordinal": lambda h: f"**{h}**",
             "markdown": lambda h: f"### {h}", "ordinal": lambda h: h}[style]
    text = "\n".join(f"{heads(h)}\n\n" + "\n\n".join(p) + "\n" for h, p in s.items())
    if not style.startswith("bold"):  # a bold sub-heading inside a section marked otherwise stays in that section
        text = text.replace("\n\n将业务流程", "\n\n**实施要点**\n\n将业务流程")
    result = check_text(ctx, text)
    assert [x.heading for x in result.sections] == ["项目概况", "标准群构成", "实施路径", "应用成效", "推广经验"]
    assert result.issues == [], [i.message for i in result.issues]
    expected = {"bold": "加粗行", "bold_ordinal": "加粗行", "markdown": "Markdown", "ordinal": "中文序号"}[style]
    assert expected in result.structure
    assert f"识别到的章节标题格式：{result.structure}" in render_polish(result)


def test_docx_heading_styles_and_bold_lines(ctx, tmp_path):
    import docx

    for mode in ("style", "bold"):
        doc = docx.Document()
        for heading, paras in clean_sections(ctx).items():
            if mode == "style":
                doc.add_heading(heading[2:], level=2)
            else:
                doc.add_paragraph().add_run(heading[2:]).bold = True
            for p in paras:
                doc.add_paragraph(p)
        path = tmp_path / f"{mode}.docx"
        doc.save(str(path))
        result = polish_file(ctx, path)
        assert [x.heading for x in result.sections] == ["项目概况", "标准群构成", "实施路径", "应用成效", "推广经验"]
        assert result.issues == [], [i.message for i in result.issues]
        assert ("Word 标题样式" if mode == "style" else "加粗行") in result.structure


def test_wording_and_structure_come_from_corpus_data(ctx):
    from assistant.polish import WORDING_CATEGORIES, load_polish_data

    data = load_polish_data(ctx.settings.corpus_dir)
    assert set(data.wording.categories) == set(WORDING_CATEGORIES)
    for cat in data.wording.categories.values():
        assert cat.source and cat.name and (cat.phrases or cat.patterns)
        assert all(e.alternative for e in cat.phrases + cat.patterns)
    assert "广告法" in data.wording.categories["absolute"].source
    assert {"第一批", "第一部分", "首批", "第一阶段", "第一章"} <= set(data.wording.exceptions)
    assert data.structure.names == ["项目概况", "标准群构成", "实施路径", "应用成效", "推广经验"] and data.structure.source


def test_number_broken_over_two_lines_of_a_text_file(ctx, tmp_path):
    s = clean_sections(ctx)
    s["三、实施路径"] = ["按照GB/T\n41996—2022的车间运行管理模型梳理业务流程，按GB/T 36323—2018建立工控安全管理制度。"]
    path = tmp_path / "entry.txt"
    path.write_text(as_text(s), encoding="utf-8")
    (issue,) = [i for i in polish_file(ctx, path).issues if "41996" in i.message]
    assert "number_form" in issue.kinds and "中间断行" in issue.message
    assert issue.location == "三、实施路径 第1段（第8行）"  # where the number starts


@pytest.mark.parametrize("layout", ["label", "bracket", "ordinal_label"])
def test_label_and_bracket_headings(ctx, layout):
    s = clean_sections(ctx)
    head = {"label": lambda h: f"{h[2:]}：", "bracket": lambda h: f"【{h[2:]}】", "ordinal_label": lambda h: f"{h}："}[layout]
    text = "\n".join(head(h) + "".join(p) for h, p in s.items())
    result = check_text(ctx, text)
    assert [x.heading for x in result.sections] == ["项目概况", "标准群构成", "实施路径", "应用成效", "推广经验"]
    assert result.issues == [], [i.message for i in result.issues]
    assert ("方括号" if layout == "bracket" else "行首标签") in result.structure


def test_metric_after_the_verb_and_abbreviations(ctx):
    s = clean_sections(ctx)
    s["四、应用成效"] = ["项目降低生产成本15%，设备综合效率（OEE）由61%提高到74%（2024年对比2022年）。"]
    s["五、推广经验"] = ["推广后OEE达到78%，经验已向同行业中小企业推广。"]
    result = check_text(ctx, as_text(s))
    assert [i.quote for i in result.issues if "figure_no_baseline" in i.kinds] == ["降低生产成本15%"]
    (conflict,) = [i for i in result.issues if "figure_conflict" in i.kinds]
    assert "74%" in conflict.message and "78%" in conflict.message and "设备综合效率（OEE）" in conflict.message


def test_an_undated_figure_equal_to_a_dated_one_takes_its_period(ctx):
    s = clean_sections(ctx)
    s["四、应用成效"] = ["一次染色合格率由改造前的88.5%提高至95.2%；2023年一次染色合格率为94.1%，2024年提升至95.2%。"]
    result = check_text(ctx, as_text(s))
    assert "figure_conflict" not in kinds_of(result), [i.message for i in result.issues]
    s["五、推广经验"] = ["2024年一次染色合格率达到96.0%，经验已向同行业中小企业推广。"]
    (conflict,) = [i for i in check_text(ctx, as_text(s)).issues if "figure_conflict" in i.kinds]
    assert "95.2%" in conflict.message and "96%" in conflict.message


def test_fresh_phrasings_plan_numbers_parts_and_points(ctx):
    """From 14 dev entries a helper wrote without the polish code (evals/polish_dev.yaml pd3-*): new phrasings of
    absolute, ranking, endorsement and unverifiable claims; a plan number since published; a standard published
    in parts cited without its part; "提升了12%" after 由81%提高到93% (12 points, a 14.8% rise); a % missing on
    the result; and no finding for "…由97.4%提高到99.1%，提高1.7个百分点" in a clean entry."""
    s = clean_sections(ctx)
    s["四、应用成效"] = ["项目彻底告别了人工看色分级，杜绝了一切人为差错，稳居国内行业头部阵营，在国内行业尚属首例。",
                    "多位省市领导莅临调研并对项目给予充分肯定，关键指标优于海外同类产线。",
                    "订单准时交付率由81%提高到93%，提升了12%；一次合格率由97.4%提高到99.1%，提高1.7个百分点。",
                    "数据采集率由82.1%提高到86.4。"]
    s["二、标准群构成"][0] += "另参照20202868—T—339和GB/T 39466—2020。"
    result = check_text(ctx, as_text(s))
    kinds = [k for i in result.issues for k in i.kinds]
    for kind in ("wording:absolute", "wording:ranking", "wording:endorsement", "wording:unverifiable"):
        assert kind in kinds, kind
    points = [i for i in result.issues if "figure_conflict" in i.kinds]
    assert len(points) == 1 and "12个百分点" in points[0].message and "14.8%" in points[0].message
    assert not any("1.7个百分点" in i.message for i in result.issues)
    assert any("figure_no_unit" in i.kinds and "86.4" in i.message for i in result.issues)
    plan = [i for i in result.issues if "20202868" in i.message and "replaced_edition" in i.kinds]
    assert plan and "GB/T 43553.1—2023" in plan[0].message
    series = [i for i in result.issues if "39466—2020" in i.message]
    assert series and series[0].kinds == ["number_form"] and "GB/T 39466.1" in series[0].message


def test_thousands_full_width_bilingual_headings_and_a_basis_in_the_next_sentence(ctx):
    """From a second dev set written without the polish code (evals/polish_dev2.yaml): "员工约1,260人" is one number
    with its unit, "由９６．２％提高到９８．７％" is read like its half-width form, "## 实施路径 Implementation" and
    "## Project Overview 项目概况" name their sections, and "下降41%。对比口径：2022年…2024年…" has its basis;
    image words (一张亮丽名片, 引领…发展方向) are reported."""
    text = ("## Project Overview 项目概况\n某企业员工约1,260人，年产18万台。\n\n## 标准群构成 Standards\n"
            "以GB/T 39116—2020《智能制造能力成熟度模型》为核心。\n\n## 实施路径 Implementation\n按GB/T 39116—2020开展自评估。\n\n"
            "## 应用成效 Results\n设备非计划停机时间下降41%。对比口径：2022年全年为1,260小时，2024年全年为743小时。"
            "一次合格率由９６．２％提高到９８．７％（2024年对比2022年）。\n\n## 推广经验 Lessons learned\n"
            "做法已成为行业的一张亮丽名片，引领了区域数字化转型发展方向。\n")
    result = check_text(ctx, text)
    kinds = [k for i in result.issues for k in i.kinds]
    assert "missing_section" not in kinds and "section_unknown" not in kinds, [i.message for i in result.issues]
    assert not [i for i in result.issues if "figure_no_unit" in i.kinds or "figure_no_baseline" in i.kinds]
    assert kinds.count("wording:unverifiable") >= 2


def test_a_table_whose_header_names_the_baseline_gives_its_rows_a_basis(ctx):
    """evals/polish_dev2.yaml pd4-clean-table-logistics: "| 指标 | 基线（2022年） | 2024年 | 变化 |" under 应用成效,
    after another table in 实施路径: its rows' changes have their basis; the same row without such a header does not."""
    head = "## 三、实施路径\n| 阶段 | 时间 | 工作内容 |\n|---|---|---|\n| 第一阶段 | 2023.01—2023.06 | 梳理流程 |\n\n## 四、应用成效\n"
    rows = "| 供应商准时交货率 | 88.5% | 96.2% | 提高7.7个百分点 |\n"
    with_basis = check_text(ctx, head + "| 指标 | 基线（2022年） | 2024年 | 变化 |\n|---|---|---|---|\n" + rows)
    assert not [i for i in with_basis.issues if "figure_no_baseline" in i.kinds]
    without = check_text(ctx, head + "| 指标 | 数值一 | 数值二 | 变化 |\n|---|---|---|---|\n" + rows)
    assert [i for i in without.issues if "figure_no_baseline" in i.kinds]


def test_a_short_group_heading_and_a_restated_change_after_thousands_are_not_problems(ctx, tmp_path):
    """Two false positives on clean entries of evals/polish_dev2.yaml, in new words: 二、标准群（共6项） is the group
    section (标准群 only as the whole heading, so 标准群应用情况 still means other writing), and "下降39.8%" right
    after "由1,260小时降至743小时" restates that from–to (the thousands comma used to cut the clause)."""
    text = ("一、项目概况\n某泵业公司，员工400人。\n\n二、标准群（共6项）\n以GB/T 37393—2019《数字化车间 通用技术要求》为核心。\n\n"
            "三、实施路径\n按GB/T 37393—2019完成车间改造。\n\n四、应用成效\n设备非计划停机时间由2022年的 1,260 小时降至2024年的 743 小时，"
            "下降41.0%。\n\n五、推广经验\n向3家同行提供联网配置模板。\n")
    path = tmp_path / "pump.txt"
    path.write_text(text, encoding="utf-8")
    result = polish_file(ctx, path)
    kinds = [(k, i.message) for i in result.issues for k in i.kinds]
    assert not any(k == "missing_section" for k, _ in kinds), kinds
    assert not any("下降41.0%" in m for _, m in kinds), kinds


def test_doubled_in_words_is_a_figure_without_its_own_basis(ctx, tmp_path):
    """"产能翻了一番" after a from–to of another indicator (evals/polish_dev2.yaml pd4-news-ev-plant, in new words):
    the other figure's basis is not this one's."""
    path = tmp_path / "ev.txt"
    path.write_text("四、应用成效\n投产后，单台工时由12.5小时降至9.8小时，日产量翻了一番。\n", encoding="utf-8")
    issues = [i for i in polish_file(ctx, path).issues if i.quote == "翻了一番"]
    assert issues and "figure_no_baseline" in issues[0].kinds and "100%" in issues[0].fix, issues


def test_labelled_results_calculation_inputs_savings_and_contacts_are_read_as_editors_mean(ctx):
    """evals/polish_dev7.yaml, in new words: a bullet label names the indicator of its from–to (• 料仓结拱次数：从12次减少到
    3次); a change that is an input of a stated calculation (按…下降…计算) needs no basis of its own, but an amount saved
    with nothing to derive it from (年节约蒸汽费用约85万元) does; 从接单到发货 is a span, no basis; a table row is quoted as
    written; 结果 and 心得 are template headings, and a heading's aside may name the years compared; praise a clause
    after a visit (…调研时，对…给予高度肯定) and a masked mobile number are flagged."""
    s = clean_sections(ctx)
    del s["四、应用成效"], s["五、推广经验"]
    s["结果"] = [
        "• 料仓结拱次数：从每月12次减少到每月3次；", "• 饲料制粒一次合格率：从95.6%提高到98.2%；",
        "| 指标 | 2022年 | 2024年 | 单位 |", "| --- | --- | --- | --- |", "| 吨料电耗 | 38.5 | 33.1 | 千瓦时 |",
        "按2024年产量42万吨、吨料电耗下降5.4千瓦时、电价0.62元/千瓦时计算，节约电费约141万元。",
        "通过余热回收，年节约蒸汽费用约85万元。", "一单定制饲料从接单到发货，周期缩短至3天。",
        "吨料电耗由38.5千瓦时降至33.6千瓦时。"]
    s["一点心得"] = ["市领导到公司调研时，对公司的数字化工作给予高度肯定。", "合作请联系销售部王经理：139××××5521。"]
    issues = check_text(ctx, as_text(s)).issues
    unbased = " ".join(i.quote for i in issues if "figure_no_baseline" in (i.kinds or ()))
    assert "结拱" not in unbased and "合格率" not in unbased and "5.4千瓦时" not in unbased and "141万元" not in unbased, unbased
    assert "年节约蒸汽费用约85万元" in unbased and "缩短至3天" in unbased, unbased
    assert not [i for i in issues if "missing_section" in (i.kinds or ())], [i.message for i in issues]
    conflict = next(i for i in issues if "figure_conflict" in (i.kinds or ()))
    assert "| 吨料电耗 | 38.5 | 33.1 | 千瓦时 |" in conflict.quote, conflict.quote
    wording = {k for i in issues for k in (i.kinds or ()) if k.startswith("wording:")}
    assert {"wording:endorsement", "wording:sales_contact"} <= wording, wording
    s = clean_sections(ctx)
    s["四、应用成效（2022年全年 vs 2024年全年）"] = s.pop("四、应用成效")
    assert not [i for i in check_text(ctx, as_text(s)).issues if "missing_section" in (i.kinds or ())]


def test_numbered_bar_headings_units_labels_and_two_names_of_one_rate_are_read(ctx):
    """evals/polish_dev8.yaml, in new words: 04 | 效果如何 and Section 5 推广经验 are template headings; 吉焦, 处 and
    多达…余页 are units, CPK is an index, 表1序号3 a position; 提高到了 states a result; one rate under two names of
    one length (成品一次合格率 / 产品一次合格率) from one baseline conflicts, as do a label before a colon and prose
    (- 吨钢电耗：由…); a result line after label–value lines is an item of its own; a first-order discount is sales."""
    text = "\n".join([
        "01 | 项目概况", "某风电叶片企业，员工900人，一套图纸多达60余页。", "",
        "02 | 用了哪些标准", "标准群共5项，以GB/T 37393—2019《数字化车间 通用技术要求》为核心。", "",
        "03 | 怎么做的", "依据表1序号3的要求改造车间。", "",
        "04 | 效果如何", "2024年与2022年相比：",
        "- 吨钢电耗：由512千瓦时降到468千瓦时",
        "- 加热炉煤气单耗由每吨1.32吉焦降至每吨1.19吉焦",
        "- 涂胶厚度CPK由1.08提升至1.41",
        "- 返工由每百片27处降至每百片4处", "",
        "成品一次合格率由93.1%提高到97.2%。",
        "产品一次合格率从93.1%提高到了96.5%，吨钢电耗从512千瓦时降到了471千瓦时。",
        "主机厂来料质量问题：12起 → 3起",
        "企业品牌影响力显著增强。", "",
        "Section 5 推广经验", "先试点一条线，再推广。点击下方小程序下单，新用户首单立减30元。"])
    issues = check_text(ctx, text).issues
    kinds = [k for i in issues for k in (i.kinds or ())]
    assert "missing_section" not in kinds, [i.message for i in issues if "missing_section" in (i.kinds or ())]
    assert "figure_no_unit" not in kinds, [i.message for i in issues if "figure_no_unit" in (i.kinds or ())]
    conflicts = " ".join(i.message for i in issues if "figure_conflict" in (i.kinds or ()))
    assert "97.2%" in conflicts and "96.5%" in conflicts and "471千瓦时" in conflicts, conflicts
    assert any("显著增强" in i.quote for i in issues if "wording:unverifiable" in (i.kinds or ()))
    assert "wording:sales_contact" in kinds, kinds


def test_letter_section_and_rule_wrapped_headings_wrapped_list_items_and_new_sales_and_era_words(ctx):
    """evals/polish_dev10.yaml, in new words: A. 项目概述（Project Overview）, §2 标准群构成, 三｜实施路径 and
    —— 04 应用成效 —— are headings; a hard-wrapped list item (（1）…，分解炉、⏎…) is no heading; GB/T …—2019版 is a
    form slip; 商务合作请致电, a QR code to add a sales adviser, 开启了…新纪元 and 毫无瑕疵 are wording problems;
    订单交付周期 and 订单交货周期 from one baseline are one indicator."""
    s = clean_sections(ctx)
    text = "\n".join([
        "A. 项目概述（Project Overview）", *s["一、项目概况"], "",
        "§2 标准群构成", *s["二、标准群构成"], "依据GB/T 37393—2019版《数字化车间 通用技术要求》规划车间。", "",
        "三｜实施路径", "（1）装配线：部署制造执行系统，实现工单下达、",
        "报工和质量记录的闭环；", "（2）仓储：建设立体库。", "",
        "—— 04 应用成效 ——", "与2022年相比，2025年订单交付周期由40天缩短至26天，出厂产品毫无瑕疵。",
        "据测算，订单交货周期由40天缩短至30天。", "",
        "五、推广经验", *s["五、推广经验"], "项目开启了开关设备智造的新纪元。商务合作请致电：010-8xxx-6xxx，"
        "或扫描下方二维码添加销售顾问微信。"])
    result = check_text(ctx, text)
    issues = result.issues
    kinds = [k for i in issues for k in (i.kinds or ())]
    by_kind = lambda k: " ".join(i.message + (i.quote or "") for i in issues if k in (i.kinds or ()))  # noqa: E731
    assert not [i.message for i in issues if i.rule == "sections"], [i.message for i in issues if i.rule == "sections"]
    assert "其他编号" in result.structure, result.structure  # the report names the scheme it recognised
    assert "“版”" in by_kind("number_form") and "首次引用缺少标准名称" not in by_kind("number_form"), by_kind("number_form")
    assert "26天" in by_kind("figure_conflict") and "30天" in by_kind("figure_conflict"), by_kind("figure_conflict")
    sales = by_kind("wording:sales_contact")
    assert "致电" in sales and "二维码" in sales, sales
    assert "新纪元" in by_kind("wording:unverifiable") and "毫无瑕疵" in by_kind("wording:absolute"), kinds


def test_a_level_told_in_the_lessons_still_needs_its_baseline(ctx):
    """evals/polish_dev8.yaml p8-14, in new words: a rate stated as reached inside 推广经验 (…之后，一次装配合格率达到了
    98.2%) is a result without its before value; one stated from its before value there is not."""
    s = clean_sections(ctx)
    text = "\n".join(["一、项目概况", *s["一、项目概况"], "二、标准群构成", *s["二、标准群构成"], "三、实施路径", *s["三、实施路径"],
                      "四、应用成效", *s["四、应用成效"], "五、推广经验",
                      "第一，工位防错要先做。第二，扭矩数据按产品编号存档之后，一次装配合格率达到了98.2%，这一做法值得同行借鉴。"
                      "第三，换型时间由45分钟缩短到20分钟，建议从一条线做起。"])
    issues = check_text(ctx, text).issues
    no_basis = " ".join(i.message for i in issues if "figure_no_baseline" in (i.kinds or ()))
    assert "一次装配合格率达到了98.2%" in no_basis and "20分钟" not in no_basis, no_basis
