"""Suggest a 标准群 from the scenario's needs: analysis once, members from catalog data, a coverage map in every
output, the plan's rules always held, numbers only from the catalog, honest answers to bad input."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from conftest import REPO, HashEmbedder

from assistant.context import Context
from assistant.errors import InputError
from assistant.standards import GroupChecks, check_group, parse_number
from assistant.suggest import (
    Suggestion,
    analyse_scenario,
    load_group_file,
    parse_llm_reply,
    render_checks,
    render_suggestion,
    suggest_group,
    write_suggestion,
)
from assistant.suggest.needs import applicability, load_vocabulary

AUTO_PARTS = ("我们是一家汽车零部件企业，主要生产制动盘和轮毂，计划建设数字化车间，实施MES和设备联网，并开展智能制造能力"
              "成熟度评估，同时建设能源管理系统降低单位产品能耗。")
SPREAD = [
    "我们是家电企业，想把供应商协同、仓储物流和经销商补货打通，减少缺货和库存积压",
    AUTO_PARTS,
    "We make car parts and want predictive maintenance for our CNC machines.",
    "我们生产全屋定制家具，顾客在门店挑款式，订单按单生产下发工厂",
    "给钢厂做高炉的数字孪生，实时映射炉况",
    "我们是系统集成商，帮机加工厂把不同品牌的数控机床联网",
    "我们是咨询公司，帮中小企业做智能制造能力成熟度评估",
    "化工厂的安全仪表系统和DCS网络安全防护" * 3,
    "船厂分段建造，船舶设计院与船厂开展协同设计",
]
_QUOTE = re.compile(r"“([^”]+)”")


def _keys(result: Suggestion) -> set[str]:
    return {parse_number(s.number).key for s in result.standards}


def _assert_rules(ctx: Context, result: Suggestion, scenario: str) -> None:
    """The plan's rules, catalog numbers of current editions, a reason quoting the scenario, no ranks, no examples."""
    catalog = ctx.corpus.catalog
    assert 5 <= len(result.standards) <= 20
    assert any(s.core and s.level == "national" for s in result.standards)
    assert len(_keys(result)) == len(result.standards)
    examples = {c.id for c in ctx.corpus.cases if c.kind == "example"}
    for s in result.standards:
        entry = catalog.get(s.number)
        assert entry is not None and entry.number == s.number and entry.title == s.title
        assert entry.status in {"published", "plan"} and not entry.series
        assert any(q in scenario for q in _QUOTE.findall(s.reason)), s.reason
        assert not re.search(r"检索第|得分|score|rank", s.reason)
        assert s.role in {"need", "companion", "filler"}
        assert not any(src.source.removeprefix("cases/").removesuffix(".yaml") in examples for src in s.sources)
    assert result.checks.violations == [] and result.checks.has_national_core
    assert result.direction in {d.name for d in ctx.corpus.plan.directions}


@pytest.mark.parametrize("scenario", SPREAD)
def test_rules_hold_for_a_spread_of_scenarios(fake_ctx, scenario):
    _assert_rules(fake_ctx, suggest_group(fake_ctx, scenario), scenario)


def test_same_input_same_output(fake_ctx):
    assert suggest_group(fake_ctx, SPREAD[0]).model_dump() == suggest_group(fake_ctx, SPREAD[0]).model_dump()


# ---- the analysis -----------------------------------------------------------------------------------------


def test_analysis_reads_role_industry_products_needs_and_scenes(fake_ctx):
    a = analyse_scenario(fake_ctx, AUTO_PARTS)
    assert a.role == "manufacturer" and a.role_phrase and a.role_phrase in AUTO_PARTS
    assert a.industry == "汽车零部件" and a.products == ["制动盘", "轮毂"]
    assert a.language == "zh" and a.direction == "smart_factory" and "汽车零部件企业" in a.direction_reason
    ids = [n.need_id for n in a.needs]
    for need in ["digital_workshop", "mes", "equipment_networking", "maturity_assessment", "energy_management"]:
        assert need in ids
    assert all(n.phrase in AUTO_PARTS for n in a.needs)
    assert any("MES" in s.text and "mes" in s.need_ids for s in a.scenes)


def test_generic_words_are_never_needs(fake_ctx):
    vocab = load_vocabulary(fake_ctx.settings.corpus_dir)
    a = analyse_scenario(fake_ctx, "我们是制造企业，车间里设备很多，想用数字化平台和管理系统提升生产水平")
    assert a.needs == []
    assert not any(p in vocab.generic for n in analyse_scenario(fake_ctx, AUTO_PARTS).needs for p in [n.phrase])


def test_a_negated_need_is_not_a_commitment(fake_ctx):
    a = analyse_scenario(fake_ctx, "我们是汽车零部件企业，要上线MES，暂不考虑能源管理")
    assert [n.need_id for n in a.needs] == ["mes"]


@pytest.mark.parametrize("scenario,direction,role", [
    ("我们是化工行业的工程设计院，想把工厂规划到数字化交付的全过程标准化", "consulting", "consultant"),
    ("我们是一家系统集成商，为客户实施MES和设备联网", "integration", "provider"),
    ("我们是汽车零部件企业，要在自己的车间上线MES和设备联网", "smart_factory", "manufacturer"),
    ("集团下属船厂与船舶设计院异地协同设计，共用三维模型", "new_mode", "manufacturer"),
    ("我们是纺织产业集群的供应链服务平台运营方，做订单协同和供应链金融", "supply_chain", "platform"),
])
def test_direction_follows_role_and_needs_together(fake_ctx, scenario, direction, role):
    a = analyse_scenario(fake_ctx, scenario)
    assert (a.direction, a.role) == (direction, role), a.direction_reason


def test_a_committed_business_mode_decides_the_direction_for_a_manufacturer_only(fake_ctx):
    """evals/suggest_dev8.yaml s10-08, dev9 s11-02, dev7 s9-08, dev5 s7-12, in new words: a maker whose pilot is built
    around a mode of business (plan 二、3: 定制化服务, 产品运维服务, 业务并行协同) applies under 新模式 even when it names
    the factory steps that serve it first (排产, 批记录); a platform operator running the same mode for its members
    stays on the supply side (dev8 s10-11)."""
    maker = analyse_scenario(fake_ctx, "我们是一家做实木家具的工厂，订单到了以后自动排产、按单生成批次记录，核心是让消费者在小程序上"
                                       "在线定制尺寸和木色，下单后15天交付")
    assert maker.direction == "new_mode", maker.direction_reason
    platform = analyse_scenario(fake_ctx, "我们是家具产业集群工业互联网平台的运营方，为入驻的120家小厂提供设备接入和在线定制接单"
                                          "服务，帮它们按订单排产")
    assert platform.role == "platform" and platform.direction != "new_mode", platform.direction_reason


def test_a_step_of_another_need_in_its_sentence_brings_no_need_of_its_own(fake_ctx):
    """evals/suggest_dev7.yaml s9-08, dev9 s11-07, dev6 s8-15, in new words: 排产 right after an online customised order
    is the customisation's step, 电子批记录 beside batch control is the batch record, and neither brings an MES; an MES
    named in a sentence of its own still does."""
    a = analyse_scenario(fake_ctx, "我们是做定制眼镜架的小厂，顾客在小程序上个性化定制镜框颜色和刻字，下单后直接排产发货。")
    assert [n.need_id for n in a.needs] == ["personalized_customization"] and not a.set_aside_needs
    b = analyse_scenario(fake_ctx, "调味品厂要把发酵罐的批次控制和配方管理做成电子批记录。")
    assert "mes" not in [n.need_id for n in b.needs] and "batch_process" in [n.need_id for n in b.needs]
    c = analyse_scenario(fake_ctx, "顾客在小程序上个性化定制镜框，下单后直接排产。另外车间要上线MES，实现排产和报工。")
    assert "mes" in [n.need_id for n in c.needs]


def test_english_words_quote_the_applicants_own_words(fake_ctx):
    text = "We make car parts and want predictive maintenance for our CNC machines."
    a = analyse_scenario(fake_ctx, text)
    assert a.language == "en" and {"predictive_maintenance", "cnc_interconnection"} <= {n.need_id for n in a.needs}
    assert all(n.phrase in text for n in a.needs)
    assert any("英文" in n for n in a.notes)


# ---- members from needs ------------------------------------------------------------------------------------


def test_issue_example_has_the_maturity_pair_and_no_word_match_members(fake_ctx):
    result = suggest_group(fake_ctx, AUTO_PARTS)
    _assert_rules(fake_ctx, result, AUTO_PARTS)
    keys = _keys(result)
    assert {"GB/T 39116", "GB/T 39117"} <= keys
    assert not any(k.startswith("GB/T 33905") for k in keys)  # 智能传感器: the scenario names no sensor need
    energy = next(c for c in result.coverage if c.need_id == "energy_management")
    assert energy.phrase == "能源管理"
    if energy.uncovered:
        assert "catalog import" in energy.advice
    else:
        root = fake_ctx.settings.corpus_dir
        assert all("energy_management" in applicability(root, fake_ctx.corpus.catalog.get(n)).needs
                   for n in energy.standards)
    for s in result.standards:
        assert s.role != "need" or s.need_ids  # every need member says which need it answers


def test_uncovered_need_is_listed_with_what_to_do(tmp_path, settings):
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    catalog = corpus / "standards" / "catalog.yaml"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace('"energy_management"', '"terminology"'),
                       encoding="utf-8")
    ctx = Context(settings.model_copy(update={"corpus_dir": corpus}), _embedder=HashEmbedder())
    result = suggest_group(ctx, AUTO_PARTS)
    energy = next(c for c in result.coverage if c.need_id == "energy_management")
    assert energy.uncovered and energy.standards == [] and "assistant catalog import" in energy.advice
    assert "未覆盖" in render_suggestion(result) and any("未覆盖" in n for n in result.notes)
    _assert_rules(ctx, result, AUTO_PARTS)


def test_industry_specific_entries_need_their_industry(fake_ctx):
    assert "GB/T 41996" not in _keys(suggest_group(fake_ctx, AUTO_PARTS))
    switchgear = "我们做高低压开关柜和环网柜，想把装配车间做成数字化车间"
    result = suggest_group(fake_ctx, switchgear)
    member = next(s for s in result.standards if s.number.startswith("GB/T 41996"))
    assert member.core and "数字化车间" in member.reason
    assert "GB/T 38994" not in _keys(result)  # 船舶: not this scenario's industry


def test_retired_editions_are_never_proposed_and_plan_numbers_link_only_by_catalog(fake_ctx):
    text = "我们是咨询公司，帮客户开展数据管理能力成熟度DCMM贯标，并给设计院做工厂数字化交付"
    result = suggest_group(fake_ctx, text)
    numbers = {s.number for s in result.standards}
    assert "GB/T 36073—2025" in numbers and "GB/T 36073—2018" not in numbers
    assert "GB/T 43553.1—2023" in numbers and "20202868—T—339" not in numbers  # the catalog links these two
    twin = suggest_group(fake_ctx, "我们是软件公司，为客户建设数字孪生工厂")
    for s in twin.standards:  # 20213298—T—469 has no sourced published twin: it is never turned into one
        assert "20213298" not in s.reason or s.number == "20213298—T—469"


def test_companions_are_marked_and_fillers_are_named_in_a_note(fake_ctx):
    result = suggest_group(fake_ctx, "我们是咨询机构，为中小企业开展智能制造能力成熟度评估")
    roles = {parse_number(s.number).key: s for s in result.standards}
    assert {"GB/T 39116", "GB/T 39117"} <= set(roles)
    companions = [s for s in result.standards if s.role == "companion"]
    assert all(s.companion_of is None or s.companion_of in {m.number for m in result.standards} for s in companions)
    fillers = [s for s in result.standards if s.role == "filler"]
    if fillers:
        note = next(n for n in result.notes if "补充了" in n)
        assert all(s.number in note for s in fillers)
        assert all("补足" in s.reason for s in fillers)


# ---- bad input -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "。。。！！！？？——……", "12345 ---",
                                  "Hello, we would like some help with our application, thanks.",
                                  "我想开一家奶茶店", "今天天气不错",
                                  "市人民医院计划建设智慧医院，上线电子病历系统和药房管理平台，实现数据互联互通。"])
def test_bad_input_is_one_line_error(fake_ctx, text):
    with pytest.raises(InputError) as err:
        suggest_group(fake_ctx, text)
    assert "\n" not in str(err.value)


def test_very_long_scenario_gets_a_group_and_a_note(fake_ctx):
    text = (AUTO_PARTS * 200)[:20000]
    result = suggest_group(fake_ctx, text)
    assert 5 <= len(result.standards) <= 20 and any("很长" in n for n in result.notes)


def test_manufacturer_without_named_need_gets_an_honest_note(fake_ctx):
    result = suggest_group(fake_ctx, "我们生产挖掘机")
    assert any("没有识别到" in n for n in result.notes)
    assert all(s.role == "filler" for s in result.standards) and result.checks.violations == []


def test_direction_by_name_id_prefix_and_unknown(fake_ctx):
    assert suggest_group(fake_ctx, AUTO_PARTS, "consulting").direction == "咨询规划服务类"
    assert suggest_group(fake_ctx, AUTO_PARTS, "咨询规划").direction == "咨询规划服务类"
    with pytest.raises(InputError):
        suggest_group(fake_ctx, AUTO_PARTS, "航天类")
    with pytest.raises(InputError, match="有歧义"):
        suggest_group(fake_ctx, AUTO_PARTS, "新")


# ---- the contract and every output carries the coverage map ------------------------------------------------


def test_json_contract_has_coverage_analysis_and_member_roles(fake_ctx):
    data = json.loads(json.dumps(suggest_group(fake_ctx, AUTO_PARTS).model_dump(mode="json"), ensure_ascii=False))
    assert {"direction", "direction_confidence", "direction_reason", "standards", "checks", "notes", "coverage",
            "analysis"} == set(data)
    assert {"number", "title", "level", "status", "core", "reason", "sources", "role", "need_ids", "companion_of",
            "scope"} == set(data["standards"][0])
    assert {"need_id", "name", "phrase", "standards", "uncovered", "advice"} == set(data["coverage"][0])
    assert data["analysis"]["role"] == "manufacturer" and data["analysis"]["needs"][0]["phrase"]
    assert Suggestion.model_validate(data).coverage[0].phrase == data["coverage"][0]["phrase"]


def test_text_docx_and_markdown_show_the_coverage_map(fake_ctx, tmp_path):
    import docx

    result = suggest_group(fake_ctx, AUTO_PARTS)
    text = render_suggestion(result)
    assert "需求覆盖" in text and "“成熟度评估”" in text and "★" in text and "规则检查" in text
    out = write_suggestion(result, tmp_path / "group.docx")
    doc = docx.Document(str(out))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "“MES”" in cells and any("GB/T 39116" in c for c in cells)
    md = write_suggestion(result, tmp_path / "group.md").read_text(encoding="utf-8")
    assert "## 需求覆盖" in md and "“能源管理”" in md
    with pytest.raises(InputError):
        write_suggestion(result, tmp_path / "group.pdf")


def test_ui_summary_carries_the_coverage_table(fake_ctx):
    from assistant.ui import format as fmt

    summary = fmt.suggestion_markdown(suggest_group(fake_ctx, AUTO_PARTS))
    assert "需求覆盖" in summary and "| 需求 | 场景原文 | 标准 | 说明 |" in summary and "置信度" not in summary


# ---- the LLM may only reword reasons -----------------------------------------------------------------------


class FakeLLM:
    def __init__(self, reply: str | Exception) -> None:
        self.reply, self.prompts = reply, []

    def complete(self, system: str, user: str) -> str:
        self.prompts.append((system, user))
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply


def _llm_ctx(fake_ctx, monkeypatch, reply) -> tuple[Context, FakeLLM]:
    llm = FakeLLM(reply)
    ctx = Context(fake_ctx.settings.model_copy(update={"llm": "openai"}), _embedder=fake_ctx.embedder)
    monkeypatch.setattr(Context, "llm", property(lambda self: llm))
    return ctx, llm


def test_llm_rewords_reasons_only_when_they_quote_the_scenario(fake_ctx, monkeypatch):
    offline = suggest_group(fake_ctx, AUTO_PARTS)
    first, second, third = offline.standards[:3]
    picks = [{"number": first.number, "reason": "场景要建“数字化车间”，本标准给出其通用要求"},
             {"number": second.number, "reason": "没有引用场景的理由"},
             {"number": third.number, "reason": "场景写到“MES”，可参考 GB/T 99999—2099"},
             {"number": "GB/T 99999—2099", "reason": "编造"}]
    ctx, llm = _llm_ctx(fake_ctx, monkeypatch, "```json\n" + json.dumps({"standards": picks}) + "\n```")
    result = suggest_group(ctx, AUTO_PARTS)
    assert [s.number for s in result.standards] == [s.number for s in offline.standards]
    assert "本标准给出其通用要求" in result.standards[0].reason
    assert result.standards[1].reason == second.reason and result.standards[2].reason == third.reason
    assert "数据" in llm.prompts[0][0] and "JSON" in llm.prompts[0][0]


def test_llm_failure_falls_back_to_offline(fake_ctx, monkeypatch):
    from assistant.errors import LLMError

    offline = suggest_group(fake_ctx, AUTO_PARTS)
    ctx, _ = _llm_ctx(fake_ctx, monkeypatch, LLMError("timeout"))
    result = suggest_group(ctx, AUTO_PARTS)
    assert any("大模型不可用" in n for n in result.notes) and result.standards == offline.standards
    ctx, _ = _llm_ctx(fake_ctx, monkeypatch, "I cannot help with that")
    assert any("不是约定的 JSON" in n for n in suggest_group(ctx, AUTO_PARTS).notes)


def test_parse_llm_reply_shapes():
    assert parse_llm_reply('["GB/T 25103—2010"]') == [("GB/T 25103—2010", "")]
    assert parse_llm_reply("not json {") is None
    assert parse_llm_reply('{"x": 1}') is None


# ---- check-group ------------------------------------------------------------------------------------------


def _checks(ctx: Context, path) -> GroupChecks:
    rules = ctx.corpus.plan.group_rules
    return check_group(load_group_file(path), ctx.corpus.catalog, rules.min_count, rules.max_count)


def test_check_group_reads_suggest_json_and_text_output(fake_ctx, tmp_path):
    result = suggest_group(fake_ctx, AUTO_PARTS)
    path = tmp_path / "group.json"
    path.write_text(json.dumps(result.model_dump(mode="json"), ensure_ascii=False), encoding="utf-8")
    assert _checks(fake_ctx, path).violations == []
    text = tmp_path / "sug.txt"
    text.write_text(render_suggestion(result), encoding="utf-8")  # coverage lines name numbers too
    members = load_group_file(text)
    assert [m.number for m in members] == [s.number for s in result.standards]
    assert [m.core for m in members] == [s.core for s in result.standards]
    assert _checks(fake_ctx, text).violations == []


def test_check_group_json_list_without_core_or_too_short(fake_ctx, tmp_path):
    path = tmp_path / "list.json"
    path.write_text(json.dumps(["GB/T 25103—2010", "GB/T 35121—2017", "GB/T 46881—2025"]), encoding="utf-8")
    violations = _checks(fake_ctx, path).violations
    assert any("少于" in v for v in violations) and any("核心" in v for v in violations)
    objs = [{"number": n, "core": i == 0} for i, n in
            enumerate(["GB/T 25103—2010", "GB/T 35121—2017", "GB/T 46881—2025", "GB/T 38670—2020", "GB/T 43851—2024"])]
    path.write_text(json.dumps(objs), encoding="utf-8")
    assert _checks(fake_ctx, path).violations == []


def test_check_group_text_with_violations(fake_ctx, tmp_path):
    path = tmp_path / "group.txt"
    path.write_text("标准群：\n1. GB/T 25103—2010（核心）\n2. GB/T 25103-2010\n3. SJ/T 11666.1—2016\n", encoding="utf-8")
    checks = _checks(fake_ctx, path)
    assert any("重复" in v for v in checks.violations) and any("少于" in v for v in checks.violations)
    assert "✗" in render_checks(checks)
    star = tmp_path / "g.md"
    star.write_text("1. ★ GB/T 25103—2010\n2. GB/T 35121—2017\n3. GB/T 46881—2025\n4. GB/T 38670—2020\n"
                    "5. GB/T 43851—2024\n", encoding="utf-8")
    assert [m.core for m in load_group_file(star)] == [True, False, False, False, False]


@pytest.mark.parametrize("content", ["{not json", '{"standards": []}', "没有任何编号的文字", '[{"title": "x"}]'])
def test_check_group_bad_input(tmp_path, content):
    path = tmp_path / ("g.json" if content[:1] in "{[" else "g.txt")
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError):
        load_group_file(path)
    with pytest.raises(InputError):
        load_group_file(tmp_path / "nope.json")


# ---- real model and index ---------------------------------------------------------------------------------

BY_DIRECTION = [
    ("我们是家电企业，想和供应商协同，把仓储和经销商补货打通，减少缺货和库存积压", "供应链协同应用类", "GB/T 25103"),
    ("我们做高低压开关柜，想把装配车间建成数字化车间，工单和检验数据实时流转", "智能工厂建设应用类", "GB/T 41996"),
    ("我们卖工程机械，想做远程运维：在总部看到每台设备的工况，故障预警后派工程师上门", "新模式实践应用类", "GB/T 42136"),
    ("我们是咨询公司，受地方工信部门委托为辖区制造企业做智能制造能力成熟度评估诊断", "咨询规划服务类", "GB/T 39116"),
    ("我们是软件公司，为零部件企业搭建工业大数据平台，做数据治理和数据共享", "新技术融合创新类", "GB/T 42130"),
    ("我们是自动化工程公司，帮机加工厂把不同品牌的数控机床接到同一个网络，统一采集状态", "系统集成服务类", "GB/T 39561.1"),
]


@pytest.mark.integration
@pytest.mark.parametrize("scenario,direction,member", BY_DIRECTION)
def test_each_direction_gets_its_needs_standard(real_ctx, scenario, direction, member):
    result = suggest_group(real_ctx, scenario)
    assert result.direction == direction, result.direction_reason
    assert member in _keys(result), [(s.number, s.role) for s in result.standards]
    _assert_rules(real_ctx, result, scenario)


@pytest.mark.integration
def test_suggest_eval_dev_targets_and_retrieval_comparison(real_ctx):
    from assistant.evaluation import load_cases
    from assistant.evaluation.suggest import run

    result = run(real_ctx, load_cases("suggest"))
    m = result.metrics
    assert m["rule_violation_rate"] == 0.0 and m["must_exclude_violation_rate"] == 0.0, result.failures
    # The development half meets the issue's targets except precision (see docs/notes/suggest.md).
    assert m["dev_must_exclude_violations"] == 0.0 and m["dev_must_recall"] >= 0.95, result.failures
    assert m["dev_direction_accuracy"] >= 0.9 and m["dev_precision"] >= 0.85, result.failures
    for split in ("dev", "heldout"):
        assert m[f"{split}_quote_share"] == 1.0, result.failures
        assert m[f"{split}_bad_input_honesty"] == 1.0, result.failures
        # The need-driven builder beats both retrieval-only builders of the same size.
        assert m[f"{split}_precision"] > max(m[f"{split}_dense_precision"], m[f"{split}_bm25_precision"])
        assert m[f"{split}_must_recall"] > max(m[f"{split}_dense_must_recall"], m[f"{split}_bm25_must_recall"])
    assert not any(f.startswith("heldout ") for f in result.failures)  # held-out cases are counted, never listed


def _cli(real_ctx, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(real_ctx.settings.data_dir), "HF_HUB_OFFLINE": "1",
           "ASSISTANT_LLM": "none"}
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=600)


@pytest.mark.integration
def test_cli_suggest_json_out_and_check_group_exit_codes(real_ctx, tmp_path):
    out = tmp_path / "group.docx"
    proc = _cli(real_ctx, "suggest", AUTO_PARTS, "--json", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["direction"] == "智能工厂建设应用类" and data["checks"]["violations"] == [] and out.stat().st_size
    assert {"GB/T 39116—2020", "GB/T 39117—2020"} <= {s["number"] for s in data["standards"]}
    group = tmp_path / "group.json"
    group.write_text(proc.stdout, encoding="utf-8")
    assert _cli(real_ctx, "check-group", str(group)).returncode == 0
    text = _cli(real_ctx, "suggest", AUTO_PARTS)
    assert text.returncode == 0 and "需求覆盖" in text.stdout and "“能源管理”" in text.stdout
    bad = tmp_path / "bad.txt"
    bad.write_text("GB/T 25103—2010\nGB/T 35121—2017\n", encoding="utf-8")
    short = _cli(real_ctx, "check-group", str(bad))
    assert short.returncode == 3 and "少于" in short.stdout
    for args in (["suggest", "。。。！！"], ["suggest", "我想开一家奶茶店"], ["suggest", AUTO_PARTS, "--direction", "航天类"]):
        proc = _cli(real_ctx, *args)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_a_local_standard_fits_only_a_scenario_that_names_its_region():
    from assistant.standards import Standard
    from assistant.suggest.candidates import fits_scenario

    local = Standard(number="DB32/T 5058—2025", title="制造业质量管理数字化水平评价规范", year=2025, level="local",
                     status="published", regions=["江苏"], needs=["quality_traceability"], source="test", confidence="M")
    assert fits_scenario(local, [], ["江苏"])
    assert not fits_scenario(local, [], [])
    assert not fits_scenario(local, ["纺织"], ["浙江"])


def test_order_and_inventory_sharing_with_customers_is_a_supply_chain_need(fake_ctx):
    from assistant.suggest.scenario import analyse_scenario

    analysis = analyse_scenario(fake_ctx, "计划上线MES管理工单，并对主要客户（两家整机厂）实现订单和库存信息共享。")
    assert "supply_chain_management" in [n.need_id for n in analysis.needs]


def test_what_the_applicant_already_built_is_not_a_need_nor_what_is_listed_with_it(fake_ctx):
    """已经建了工业互联网平台和数据中台 describes what exists (found on a fresh steel scenario, where the existing
    platform became the principal need): the platform and the 数据中台 coordinated with it are facts, not
    commitments; what the sentence then plans (数据治理) still is a need, and so is a plan after a comma."""
    from assistant.suggest.scenario import analyse_scenario

    text = "集团已经建了工业互联网平台和数据中台，但数据质量差。本次先做工业数据治理，再上人工智能缺陷检测。"
    needs = [n.need_id for n in analyse_scenario(fake_ctx, text).needs]
    assert "industrial_cloud" not in needs and needs[0] == "industrial_big_data"
    assert [n.phrase for n in analyse_scenario(fake_ctx, text).needs][0] == "数据治理"
    needs = [n.need_id for n in analyse_scenario(fake_ctx, "已有MES，计划建设WMS和AGV物流配送。").needs]
    assert "mes" not in needs and "logistics_warehousing" in needs


def test_a_thing_the_sentence_then_calls_done_or_out_of_scope_is_not_a_need(fake_ctx):
    """数字化车间去年已经建完，这次不在申报范围内 (found on a fresh transformer maker's scenario) and 已经通过两化融合
    管理体系评定，这次不再重复贯标 name what is done or excluded; a cue followed by its own object
    (暂不考虑能源管理) leaves the earlier phrase alone."""
    from assistant.suggest.scenario import analyse_scenario

    text = ("准备为客户提供远程运维服务，平台要通过网络安全等级保护测评。工厂内部的数字化车间去年已经建完，这次不在申报范围内。"
            "这些企业大多已经通过两化融合管理体系评定，这次不再重复贯标。")
    needs = [n.need_id for n in analyse_scenario(fake_ctx, text).needs]
    assert "remote_operations" in needs and "cybersecurity" in needs
    assert "digital_workshop" not in needs and "integration_management" not in needs
    needs = [n.need_id for n in analyse_scenario(fake_ctx, "要上线MES，暂不考虑能源管理，设备联网已经完成。").needs]
    assert needs == ["mes"]


def test_check_group_says_what_the_catalog_knows_of_every_member(fake_ctx):
    """Every number of a checked group gets a status line — current, replaced (with the successor), unknown
    national (check the number), or another level's number the catalog cannot verify (import it) — instead of
    passing silently when it breaks no rule (found checking a fresh group with a Q/ and a DB32 member)."""
    from assistant.standards import check_group, parse_group_text
    from assistant.suggest import render_checks

    group = parse_group_text("GB/T 39116-2020 核心\nGB/T 36073—2018\nQ/ABC 001—2024\nGB/T 99999—2021\n")
    checks = check_group(group, fake_ctx.corpus.catalog)
    status = {m.number: m.status for m in checks.checked}
    assert status["GB/T 39116—2020"] == "现行"
    assert status["GB/T 36073—2018"].startswith("已被 GB/T 36073—2025 代替")
    assert "无法核实" in status["Q/ABC 001—2024"] and "请核实编号" in status["GB/T 99999—2021"]
    text = render_checks(checks)
    assert "★ GB/T 39116—2020《智能制造能力成熟度模型》［国家标准］：现行" in text
    assert all(n in text for n in status)


def test_what_the_applicant_names_decides_direction_members_and_what_it_sets_aside(real_ctx):
    """Found on fresh dev cases (evals/suggest_dev3.yaml): a direction the text names (本次申报新技术融合创新类) is
    the direction and its words are no need (系统集成服务类 is not the need 系统集成); a standard named by title
    (按智能制造单元成熟度评估方法) joins; a theme said to be done or out of scope (去年已通过绿色工厂评价, 本次不再
    涉及) opens no entry about it; a clause the sentence puts out of scope (…由客户自行完成，不在本项目范围内) is
    no need."""
    text = ("我们是太原一家做机器人自动化单元的公司。本次申报系统集成服务类试点：为锻造企业建设机器人上下料单元，完成单元的"
            "安全设计，并按智能制造单元成熟度评估方法对交付单元分级。与客户ERP的对接由客户自行完成，不在本项目范围内。")
    result, a = suggest_group(real_ctx, text), analyse_scenario(real_ctx, text)
    assert a.direction == "integration" and "系统集成服务类" in a.direction_reason
    assert "system_integration" not in [n.need_id for n in a.needs]
    assert "GB/T 47860" in _keys(result)
    assert any("场景写明采用“智能制造单元成熟度评估方法”" in m.reason for m in result.standards if m.number.startswith("GB/T 47860"))
    text = ("佛山一家陶瓷砖企业，计划建设数字化车间，窑炉天然气分线计量并纳入能效分析。公司去年已通过省级绿色工厂评价，"
            "本次不再涉及绿色工厂创建。")
    result = suggest_group(real_ctx, text)
    assert not any("绿色工厂" in m.title for m in result.standards), [m.title for m in result.standards]
    assert "energy_management" in [n.need_id for n in analyse_scenario(real_ctx, text).needs]


def test_an_activity_on_a_thing_keeps_the_thing_as_a_need(fake_ctx):
    """车间级数字化改造规划: the planning is of a digital workshop, so both needs stand (a qualifier before
    设备联网 is dropped, one before 规划 is not)."""
    needs = [n.need_id for n in analyse_scenario(fake_ctx, "为15家企业做车间级数字化改造规划。").needs]
    assert "digital_workshop" in needs and "planning_design" in needs
    needs = [n.need_id for n in analyse_scenario(fake_ctx, "焊接机器人设备联网。").needs]
    assert needs == ["equipment_networking"]


def test_needs_vocabulary_pairs_read_everyday_wording_and_leave_false_friends():
    """A thing and what is done to it, apart in one clause (corpus/needs.yaml `pairs`), names a need that no
    listed phrase holds; a listed phrase keeps its span; a product word (配方奶粉) or a clause break is no pair."""
    from assistant.suggest.needs import find_phrases

    vocab = load_vocabulary(REPO / "corpus")

    def ids(text: str) -> list[str]:
        return [h.need_id for h in find_phrases(vocab, text)]

    assert "energy_management" in ids("全厂天然气按窑炉分别计量")
    assert "energy_management" in ids("想降低蒸汽消耗")
    assert "equipment_networking" in ids("采集压机运行状态")
    assert "batch_process" in ids("按配方自动配料并记录每批投料")
    assert [h.phrase for h in find_phrases(vocab, "建设能源管理系统")] == ["能源管理"]
    assert "batch_process" not in ids("婴幼儿配方奶粉全链条追溯")
    assert "energy_management" not in ids("天然气管道由燃气公司铺设。我们计划优化排产")
    assert "system_integration" in ids("跟客户的MES和ERP做集成")
    assert "equipment_networking" in ids("把造型线、混砂机这些设备连起来")
    # tried as an applicant: counts inside the pair, and what is read off the machines
    assert "equipment_networking" in ids("把12台加工中心和3条造型线联网")
    assert "equipment_networking" in ids("采集主轴负载和浇注温度")
    assert "equipment_networking" not in ids("全厂12台加工中心。我们计划联网")
    # evals/suggest_dev7.yaml s9-02, s9-06: sequenced supply, suppliers seeing demand and stock, whole-chain tracing
    assert "supply_chain_management" in ids("主机厂要求排序供货，按车序一台车一套")
    assert "supply_chain_management" in ids("让供应商在平台上看到我们的需求和库存")
    assert "supply_chain_traceability" in ids("建立一品一码全程追溯")


def test_what_a_maker_sells_what_was_done_and_who_the_applicant_is_are_read_as_such(fake_ctx):
    ctx = fake_ctx
    """evals/suggest_dev4.yaml, in new words: a maker's products (主营…能源管理系统软件; 主营工业机器人, then 已售机器人)
    are no needs; a settled clause's tail that says what it was done to (…已建成能源管控中心，对…分项计量) is settled;
    a hospital saying who it is gets no group; a slogan's 数据更加贯通 is no need."""
    a = analyse_scenario(ctx, "公司在合肥，主营储能变流器和能源管理系统（EMS）软件。我们想建设数字化车间，上线MES。")
    assert "energy_management" not in [n.need_id for n in a.needs] and "mes" in [n.need_id for n in a.needs]
    a = analyse_scenario(ctx, "我们主营搬运工业机器人本体。已售机器人8000台，计划建设机器人远程运维平台。")
    assert [n.need_id for n in a.needs] == ["remote_operations"], a.needs
    a = analyse_scenario(ctx, "2019年已建成能源管控中心，对窑炉天然气和空压机用电进行分项计量。本次计划建设MES。")
    assert [n.need_id for n in a.needs] == ["mes"], a.needs
    with pytest.raises(InputError, match="医院"):
        suggest_group(ctx, "我院是一家三级综合医院。拟对大型医疗设备开展远程监控和故障预警，建设能耗在线监测。")
    group = suggest_group(ctx, "我们是一家为医院生产病床的医疗器械企业，计划建设MES。")
    assert group.standards
    a = analyse_scenario(ctx, "集团要推动设备更加先进、数据更加贯通、管理更加精细。")
    assert not a.needs, a.needs


def test_a_pilot_named_by_its_theme_decides_the_direction_and_put_off_needs_are_none(fake_ctx):
    """我想申报个性化定制那个试点 names the new-mode pilot by its theme even when MES words outnumber it; 先不考虑 and
    不用搞 after a phrase put it off (evals/suggest_dev4.yaml s6-03, in new words)."""
    a = analyse_scenario(fake_ctx, "我们做定制门窗，报工靠纸、排产靠人、交期老拖。这次想申报个性化定制那个试点，"
                                   "客户下单后自动拆单排产。AGV啥的先不考虑，客户投诉能追溯到就行，不用搞大系统。")
    assert a.direction == "new_mode" and "个性化定制" in a.direction_reason, a.direction_reason
    ids = [n.need_id for n in a.needs]
    assert "logistics_warehousing" not in ids and "quality_traceability" not in ids, ids


def test_a_standard_named_by_its_subtitle_or_with_a_de_is_named(fake_ctx):
    """企业的应用水平与绩效评价 names GB/T 41870 (的 comes and goes); 机器人系统与集成 names the part GB 11291.2 by
    its subtitle; the quote is the applicant's own words (evals/suggest_dev4.yaml s6-07, s6-10)."""
    a = analyse_scenario(fake_ctx, "我们是工业互联网平台运营公司，要建立平台上企业的应用水平与绩效评价办法，"
                                   "工作站安全设计满足机器人系统与集成的安全要求。")
    named = {k.split("—")[0]: v for k, v in a.named_standards.items()}
    assert named.get("GB/T 41870") == "企业的应用水平与绩效评价", named
    assert named.get("GB 11291.2") == "机器人系统与集成", named


def test_english_farm_to_shelf_is_supply_chain_traceability(fake_ctx):
    """A foreign-invested plant's farm-to-shelf traceability is the whole chain's (evals/suggest_dev4.yaml s6-04)."""
    a = analyse_scenario(fake_ctx, "We make infant formula and want farm-to-shelf traceability and supplier scorecards "
                                   "on one supply chain platform.")
    ids = [n.need_id for n in a.needs]
    assert "supply_chain_traceability" in ids and "supply_chain_platform" in ids, ids


def test_parts_supplied_to_customers_their_products_and_a_dealer_group_are_read_as_such(fake_ctx):
    """evals/suggest_dev5.yaml, in new words: 为扫地机器人客户供应外观件 names the customers' product, not a robot need;
    …本期均不涉及 after a list of themes puts them all out; a car dealer group with 4S shops is outside manufacturing;
    交期 alone (with suppliers) is no MES need."""
    a = analyse_scenario(fake_ctx, "我们生产手机中框，另为扫地机器人客户供应外观件。计划建设与客户的协同设计平台。")
    assert "industrial_robot" not in [n.need_id for n in a.needs], a.needs
    a = analyse_scenario(fake_ctx, "本次只做机床联网。除此之外的内容（车间物流、质量管理体系、能源管理）本期均不涉及。")
    ids = [n.need_id for n in a.needs]
    assert "energy_management" not in ids and "quality_management" not in ids, ids
    with pytest.raises(InputError):
        suggest_group(fake_ctx, "我们是一家汽车经销服务集团，有38家品牌4S店，想把维修车间做成数字化车间。")
    a = analyse_scenario(fake_ctx, "供应商交期经常对不上，想建供应商协同平台。")
    assert "mes" not in [n.need_id for n in a.needs]


def test_a_chain_leaders_supply_risk_and_a_platform_already_live_and_a_typed_category(real_ctx):
    """evals/suggest_dev6.yaml s8-04 and s8-10, in new words: a chain leader (链主) working on 断供 risk and a
    supply-chain maturity check of its suppliers gets the risk guide and the maturity model, while the platform it
    says is live already (供应商协同平台已上线，本次不做) brings no platform standard in as a companion; 正反向追溯
    is supply-chain traceability. A small automation firm doing work for its customers' plants that wants to 报系统
    集成那个类别 is a provider in the integration direction, not a manufacturer because a customer is a 厂."""
    text = ("我们是一家电动工具整车企业，作为链主牵头45家配套商申报。供应商协同平台去年已上线，本次不再做平台建设。"
            "重点做两件事：一是针对电机、锂电芯的断供风险建立识别和预警；二是对配套商开展数字化供应链成熟度评估；"
            "另外要实现关键零部件从供应商批次到整机序列号的正反向追溯。")
    keys = _keys(suggest_group(real_ctx, text))
    assert {"20261191—T—469", "20221957—T—339", "GB/T 25103", "GB/T 46881"} <= keys, keys
    assert "GB/T 35121" not in keys, keys
    a = analyse_scenario(real_ctx, "我们是做自动化集成的小公司 主要给饲料厂做配料改造 想上配料批次控制 配方自动下发"
                                   " MES和ERP对接 想报系统集成那个类别")
    assert a.role == "provider" and a.direction == "integration", (a.role, a.direction)


def test_what_a_plant_does_not_make_and_english_out_of_scope_open_nothing(real_ctx):
    """evals/suggest_dev6.yaml s8-01 and s8-15, in new words: a cement plant that 不生产商品混凝土 gets no ready-mix
    concrete standard (and 建材 alone no longer opens them); in English, "our ERP went live in 2022 and is out of
    scope" sets the ERP aside."""
    text = ("某水泥公司有一条4500t/d熟料线，产品为复合硅酸盐水泥，不生产商品混凝土。本次申报智能工厂建设应用类："
            "建设智能工厂，窑磨优化控制，能源管理体系按GB/T 23331—2020运行。")
    keys = _keys(suggest_group(real_ctx, text))
    assert not keys & {"T/CBMF 89", "T/CCPA 16"}, keys
    a = analyse_scenario(real_ctx, "We run a motor plant in Ningbo. Scope: a digital twin of the winding line and "
                                   "energy monitoring. Our MES went live in 2022 and is out of scope.")
    assert "MES" in a.set_aside and "mes" not in [n.need_id for n in a.needs], (a.set_aside, a.needs)


def test_things_listed_back_as_out_a_vision_kit_not_built_and_a_bar_chain(real_ctx):
    """evals/suggest_dev7.yaml s9-07, s9-11, s9-16, in new words: "上述能源、绿色工厂两块内容本次不再纳入" sets
    aside every earlier mention of both; a supplier's vision kit "本次不单独建设" is no need; "也不造机器人" denies
    robots; a chain of bars that brews nothing (酒馆连锁…不生产啤酒) is outside manufacturing."""
    a = analyse_scenario(real_ctx, "2020年建成能源管控中心并通过能源管理体系认证；2022年获评绿色工厂。灌装线的液位检测为设备商"
                                   "随机配套的视觉检测装置，本次不单独建设。上述能源、绿色工厂两块内容本次不再纳入。本次计划建设"
                                   "糖化、发酵的批次配方管理和电子批记录。")
    ids = [n.need_id for n in a.needs]
    assert "energy_management" not in ids and "machine_vision" not in ids and "batch_process" in ids, ids
    a = analyse_scenario(real_ctx, "我们是磁材产业平台运营方，计划为企业提供SaaS排产应用。这些企业本身不生产电机，也不造机器人。")
    assert "industrial_robot" not in [n.need_id for n in a.needs]
    a = analyse_scenario(real_ctx, "我们是一家咖啡店连锁品牌，有30家门店，自己不生产咖啡豆，想做会员系统和中央仓配送。")
    assert a.outside, a.outside


def test_english_words_name_no_need_where_the_text_names_a_product_or_settles_it(real_ctx):
    """evals/suggest_dev7.yaml s9-03, in new words: an English plant "making lenses for machine-vision cameras" sells
    a product; that word is no need of its plant, as a Chinese product phrase is not."""
    a = analyse_scenario(real_ctx, "We are a plant in Wuxi making lenses for machine-vision cameras. Scope: an MES for "
                                   "the assembly lines and data collection from the coating chambers.")
    ids = [n.need_id for n in a.needs]
    assert "machine_vision" not in ids and "mes" in ids, ids


def test_a_system_that_exists_named_again_and_done_or_put_out_headings_are_no_needs(fake_ctx):
    """evals/suggest_dev8.yaml, in new words: a system said to exist (都已上线) and named again where only a problem
    sits (…在ERP和MES里对不上) is no need, while one named again in a sentence that builds (将MES扩展到…) is; 已经做完 and
    已经拿到 are done; a heading 不涉及： puts its items out; English mass personalisation, electronic batch record and
    unique code are read."""
    ctx = fake_ctx

    def ids(text: str) -> list[str]:
        return [n.need_id for n in analyse_scenario(ctx, text).needs]

    got = ids("我们是一家家纺企业，ERP、MES、WMS都已上线。现在的问题是订单状态在ERP和MES里对不上。这次试点想做面料的机器视觉验布。")
    assert "mes" not in got and "machine_vision" in got, got
    got = ids("我们是一家家纺企业，MES去年已上线。本期将MES扩展到缝制车间，并建设能源在线监测。")
    assert "mes" in got, got
    got = ids("灌装车间的MES在2023年已经做完，2024年已经拿到能力成熟度三级。本次试点建设能源管控中心。")
    assert "mes" not in got and "maturity_assessment" not in got and "energy_management" in got, got
    got = ids("一、重点内容：\n1. 建设能源管控中心，能耗数据实时采集。\n二、不涉及：产品个性化定制；供应链平台。")
    assert "personalized_customization" not in got and "supply_chain_platform" not in got, got
    got = ids("Our pilot is a mass-personalisation line for sauces: an electronic batch record for every micro-batch "
              "and a unique code on every jar.")
    assert {"personalized_customization", "batch_process", "identification"} <= set(got), got


def test_a_platform_operator_serving_plants_applies_on_the_supply_side(fake_ctx):
    """evals/suggest_dev8.yaml, in new words: an industrial-internet platform operator that connects its members'
    machines and sells OEE dashboards and scheduling as SaaS applies under 新技术融合创新类, not as a smart factory;
    a supply-chain platform stays in supply chain; what 不由我们负责 is no need."""
    ctx = fake_ctx
    a = analyse_scenario(ctx, "我们是XX市五金产业集群工业互联网平台的运营方，平台接入小厂200家。本次试点：用边缘网关把入驻企业的"
                              "冲床接入平台，统一数据采集接口；平台提供OEE看板和排产SaaS服务。入驻企业自己的ERP、MES建设不由我们负责。")
    assert a.role == "platform" and a.direction == "new_tech", (a.role, a.direction, a.direction_reason)
    assert "mes" not in [n.need_id for n in a.needs[:3]], a.needs
    a = analyse_scenario(ctx, "我们是一家钢材供应链服务平台的运营方，为300家中小加工厂提供集中采购、仓储配送和订单协同服务。")
    assert a.role == "platform" and a.direction == "supply_chain", (a.role, a.direction)


def test_interfaces_between_named_systems_recipes_sent_down_and_english_workshop_words_are_needs(fake_ctx):
    """evals/suggest_dev9.yaml, in new words: the interface between two named systems (WMS与客户ERP的接口统一) is system
    integration; recipes and process curves sent down to each vessel (配方和升温曲线…直接下到反应釜) are batch control;
    'digital workshop' and 'shop-floor execution' name their needs in English."""
    ctx = fake_ctx

    def ids(text: str) -> list[str]:
        return [n.need_id for n in analyse_scenario(ctx, text).needs]

    assert "system_integration" in ids("我司给涂料厂做实施，这次要把WMS与客户ERP的接口统一，换客户不用重写。")
    assert "batch_process" in ids("我们是涂料厂，想把配方和工艺曲线从系统直接下到反应釜，每釜执行记录自动存档。")
    got = ids("We build forklifts. The pilot is a digital workshop for the frame shop, with shop-floor execution and "
              "torque data captured per truck.")
    assert "digital_workshop" in got and "mes" in got, got


def test_done_workshops_put_aside_and_english_denials_are_no_needs(fake_ctx):
    """evals/suggest_dev9.yaml, in new words: 去年已经做了数字化车间改造，验收了，这次不再弄车间 settles the workshop; a
    denial in English or plain words (we don't do 3D printing / 别推增材制造) is no need."""
    ctx = fake_ctx

    def ids(text: str) -> list[str]:
        return [n.need_id for n in analyse_scenario(ctx, text).needs]

    got = ids("我们是做箱包的，车间去年已经做了数字化车间改造，验收了，这次不再弄车间。这次想做供应商协同和成品仓RFID出货。")
    assert "digital_workshop" not in got and "identification" in got, got
    got = ids("We print labels. Our pilot is mass customization through a web-to-print portal; we don't do 3D printing, "
              "别推增材制造相关的。")
    assert "personalized_customization" in got and "additive_manufacturing" not in got, got


def test_an_entry_whose_own_rare_keyword_the_scenario_writes_joins_its_need(fake_ctx):
    """evals/suggest_dev8.yaml s10-16, in new words: a need's first entry is not the only one the scenario asks for:
    数据分类分级 (a keyword of GB/T 43697 alone) names that entry too; a keyword many entries hold (信息交换) or a needs
    phrase itself (数据治理) names none of them."""
    from collections import Counter

    from assistant.suggest.group import KEYWORD_HOLDERS

    ctx = fake_ctx
    text = "我们是做电动工具的，ERP、MES都已上线。这次试点做数据治理：主数据统一，并开展工业数据分类分级和数据安全防护。"
    numbers = {s.number.split("—")[0] for s in suggest_group(ctx, text).standards}
    assert "GB/T 43697" in numbers, numbers
    holders = Counter(k for std in ctx.corpus.catalog.standards for k in set(std.keywords))
    assert holders["数据分类分级"] <= KEYWORD_HOLDERS < holders["信息交换"]


def test_a_vision_system_is_one_way_of_inspecting_and_other_inspection_is_not_vision(fake_ctx):
    """evals/suggest_dev10 s12-04/s12-05, dev8 s10-15, dev4 s6-14, dev7 s9-15, in new words: GB/T 40659 covers a
    machine-vision system, so it joins where the scenario builds one (机器视觉在线检测, AI视觉检测) and serves that
    inspection, and not for a spark tester's or an ultrasonic tester's inspection, which stays an uncovered need
    rather than borrowing the vision standard; an AI company whose product runs in other companies' plants serves
    them."""
    ctx = fake_ctx
    vision = "我们是一家汽车线束厂，计划在端子压接工位上线机器视觉在线检测，自动识别压接高度异常和外露铜丝，检测结果进MES。"
    analysis = analyse_scenario(ctx, vision)
    assert [n.need_id for n in analysis.needs][:3] == ["machine_vision", "quality_inspection", "mes"], analysis.needs
    result = suggest_group(ctx, vision)
    assert "GB/T 40659" in {s.number.split("—")[0] for s in result.standards}
    inspection = next(c for c in result.coverage if c.need_id == "quality_inspection")
    assert [n.split("—")[0] for n in inspection.standards] == ["GB/T 40659"], inspection

    other = "我们是电缆厂，要把火花试验机、在线测径仪的数据接入MES，并实现超声探伤结果自动判定。"
    result = suggest_group(ctx, other)
    assert "GB/T 40659" not in {s.number.split("—")[0] for s in result.standards}
    inspection = next(c for c in result.coverage if c.need_id == "quality_inspection")
    assert inspection.uncovered and inspection.phrase == "探伤结果自动判定", inspection

    seller = "我们是一家做工业视觉的人工智能公司，产品已在20家家电企业部署使用，这次想把钣金件表面缺陷的AI视觉检测做成行业方案。"
    analysis = analyse_scenario(ctx, seller)
    assert analysis.role == "provider" and "machine_vision" in [n.need_id for n in analysis.needs], analysis


def test_a_workshop_named_by_its_parts_is_a_digital_workshop_in_a_smart_factory_pilot(fake_ctx):
    """evals/suggest_dev6 s8-02, dev7 s9-03, dev9 s11-01, dev10 s12-02/s12-03, in new words: MES with equipment data
    or batch traceability on a plant's own floor builds a digital workshop (GB/T 37393), named or not, and the reason
    quotes the parts; the same parts sold by a platform as SaaS, or kept as the base of a supply-chain pilot, do not."""
    ctx = fake_ctx
    plant = "我们是宁波一家做汽车座椅骨架的工厂，300人。想在冲焊车间上MES，把焊接机器人和冲压机的数据采上来，每个骨架打码，焊接参数和批次能对应追溯。"
    result = suggest_group(ctx, plant)
    workshop = next(s for s in result.standards if s.number.startswith("GB/T 37393"))
    assert "“MES”" in workshop.reason and "“数据采上来”" in workshop.reason and "合起来即数字化车间建设" in workshop.reason

    platform = ("我们运营一个面向五金小厂的工业互联网平台，给入驻的80多家企业提供SaaS版MES（工单、报工），并把它们的冲床、"
                "注塑机运行数据采集上云做产能看板。")
    assert all(not s.number.startswith("GB/T 37393") for s in suggest_group(ctx, platform).standards)


def test_a_pulp_line_a_repeated_grading_a_put_off_store_and_sanitary_ware_open_nothing(fake_ctx):
    """evals/suggest_dev10 s12-06/s12-14/s12-16, in new words: a paper mill's 化学浆 is its pulp, not the chemical
    industry (GB/T 32151.10); 不重复开展等保 denies the grading (GB/T 22239); a warehouse idea the owner put off
    (还没定，先放一放) is no need; a sanitary-ware plant is not a building-ceramics (tile) workshop (T/CBCSA 68)."""
    ctx = fake_ctx
    text = ("我们是福建一家卫浴陶瓷厂，做坐便器和洗手盆，另有一条化学浆生产线给包装纸厂供浆。计划上MES和窑炉能耗计量，把每条窑的燃气消耗算到每件产品；"
            "去年已过等保二级，这次不重复开展等保测评。立体仓库有人提过，厂里还没定，先放一放。")
    analysis = analyse_scenario(ctx, text)
    assert "logistics_warehousing" not in [n.need_id for n in analysis.needs], analysis.needs
    numbers = {s.number.split("—")[0] for s in suggest_group(ctx, text).standards}
    assert not numbers & {"GB/T 32151.10", "GB/T 22239", "GB/T 22240", "T/CBCSA 68"}, numbers
    tiles = suggest_group(ctx, "我们是佛山一家建筑陶瓷企业，主要生产瓷砖，计划建设数字化车间，上MES并把窑炉数据采集起来。")
    assert "T/CBCSA 68" in {s.number.split("—")[0] for s in tiles.standards}


def test_a_partner_consultancy_is_not_the_applicant_and_a_company_of_system_integration_serves(fake_ctx):
    """evals/suggest_dev10 s12-04, in new words: 做…系统集成的公司 is a provider, and a consultancy named as its
    partner (由我们的合作咨询机构做) does not make the applicant a consultant."""
    text = ("我们是常州一家做PLC改造和系统集成的公司，服务过二十多家印染厂，想把染缸、定型机接入统一网关，打通ERP和MES。"
            "能力成熟度评估由我们的合作咨询机构做，不在本次申报里。")
    analysis = analyse_scenario(fake_ctx, text)
    assert analysis.role == "provider" and analysis.direction == "integration", (analysis.role, analysis.direction)


def test_a_configured_order_is_customisation_safety_design_is_safety_and_passed_or_elsewhere_settles(fake_ctx):
    """evals/suggest_dev11 s13-05/s13-14/s13-22, in new words: 定制单 and a configurator commit to customisation (a
    new-mode pilot); 协同设计 inside a safety-integration sentence is its own step, not collaborative design; 已经测评
    通过 and 已经全部…上线 say done; 不用在这里配标准 puts a thing out of this group."""
    ctx = fake_ctx
    text = ("我们做定制衣柜，客户在门店用配置器选板材和尺寸，定制单直接进工厂排产。"
            "涂装车间要把功能安全和信息安全放到一个体系里做风险评估和协同设计。"
            "等保二级已经测评通过，产品二维码也已经全部赋码上线；质量体系按集团统一的来，不用在这里配标准。")
    analysis = analyse_scenario(ctx, text)
    ids = [n.need_id for n in analysis.needs]
    assert "personalized_customization" in ids and "functional_safety" in ids, ids
    assert not {"collaborative_design", "identification", "quality_management"} & set(ids), ids
    assert "等保" not in [n.phrase for n in analysis.needs] + [p for n in analysis.needs for p in n.also], analysis.needs
    assert analysis.direction == "new_mode", analysis.direction
