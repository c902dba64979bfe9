"""Suggest a 标准群: the plan's rules always hold, numbers come only from the catalog, check-group reads files."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import REPO

from assistant.context import Context
from assistant.errors import InputError
from assistant.standards import GroupChecks, check_group, parse_number
from assistant.suggest import (
    Suggestion,
    _parse_llm_reply,
    load_group_file,
    render_checks,
    render_suggestion,
    resolve_direction,
    suggest_group,
)

SPREAD = [
    "我们是家电企业，想把供应商下单、仓库发货和经销商补货打通，减少缺货和库存积压",
    "MES",
    "工厂",
    "We make car parts and want predictive maintenance for our CNC machines.",
    "我想开一家奶茶店",
    "今天天气不错",
    "我们生产定制家具，顾客在门店挑款式，订单直接下发工厂",
    "给钢厂做高炉的虚拟模型，实时映射炉况",
    "帮机加工厂把不同品牌的数控机床接到同一个网络",
    "我们是咨询公司，帮中小企业做智能制造水平诊断",
    "化工厂的安全仪表系统和DCS网络安全防护" * 3,
    "船厂分段建造三维协同",
]


def _keys(result: Suggestion) -> set[str]:
    return {parse_number(s.number).key for s in result.standards}


def _assert_rules(ctx: Context, result: Suggestion) -> None:
    catalog = ctx.corpus.catalog
    assert 5 <= len(result.standards) <= 20
    assert 1 <= sum(s.core for s in result.standards) <= 3
    assert any(s.core and s.level == "national" for s in result.standards)
    assert len(_keys(result)) == len(result.standards)  # no duplicates
    for s in result.standards:
        entry = catalog.get(s.number)
        assert entry is not None and entry.number == s.number and entry.title == s.title
        assert not entry.series or not any(x.part_of == entry.number for x in catalog.standards)
        assert s.reason and s.sources[0].source == "standards/catalog.yaml"
    assert result.checks.violations == [] and result.checks.has_national_core
    assert 0.0 <= result.direction_confidence <= 1.0
    assert result.direction in {d.name for d in ctx.corpus.plan.directions}


@pytest.mark.parametrize("scenario", SPREAD)
def test_rules_hold_for_a_spread_of_scenarios(fake_ctx, scenario):
    result = suggest_group(fake_ctx, scenario)
    _assert_rules(fake_ctx, result)
    assert any("未使用大模型" in n for n in result.notes)


def test_same_input_same_output(fake_ctx):
    a = suggest_group(fake_ctx, SPREAD[0]).model_dump()
    b = suggest_group(fake_ctx, SPREAD[0]).model_dump()
    assert a == b


def test_direction_by_name_id_prefix_and_unknown(fake_ctx):
    assert resolve_direction(fake_ctx, "supply_chain").name == "供应链协同应用类"
    assert resolve_direction(fake_ctx, "供应链").name == "供应链协同应用类"
    result = suggest_group(fake_ctx, "我们想把车间设备联网", "consulting")
    assert result.direction == "咨询规划服务类" and result.direction_confidence == 1.0
    _assert_rules(fake_ctx, result)
    with pytest.raises(InputError) as err:
        suggest_group(fake_ctx, "车间", "航天类")
    assert all(d.name in str(err.value) for d in fake_ctx.corpus.plan.directions)


def test_empty_scenario_is_an_input_error(fake_ctx):
    with pytest.raises(InputError):
        suggest_group(fake_ctx, "   ")


def test_replaced_plan_number_becomes_its_published_version(fake_ctx):
    result = suggest_group(fake_ctx, "设计院做新工厂的数字化交付和智能工厂规划设计", "consulting")
    numbers = {s.number for s in result.standards}
    assert "20202868—T—339" not in numbers  # replaced_by GB/T 43553.1—2023, which is in the catalog
    parts = {s.number for s in suggest_group(fake_ctx, "异地协同研发设计", "new_mode").standards}
    assert "GB/T 42383" not in parts  # the series entry is replaced by its concrete parts


def test_json_contract_and_rendering(fake_ctx):
    result = suggest_group(fake_ctx, SPREAD[0])
    data = json.loads(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
    assert set(data) == {"direction", "direction_confidence", "standards", "checks", "notes"}
    assert set(data["standards"][0]) == {"number", "title", "level", "status", "core", "reason", "sources"}
    assert set(data["checks"]) == {"count", "has_national_core", "violations"}
    assert set(data["standards"][0]["sources"][0]) == {"source", "location"}
    text = render_suggestion(result)
    assert "★" in text and result.direction in text and "规则检查" in text


# ---- the LLM hook -------------------------------------------------------------------------------------


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


def test_llm_picks_are_validated_and_invented_numbers_dropped(fake_ctx, monkeypatch):
    offline = suggest_group(fake_ctx, SPREAD[0])
    picks = [{"number": s.number, "reason": "模型写的理由"} for s in offline.standards[:4]]
    picks.append({"number": "GB/T 99999—2099", "reason": "编造"})
    ctx, llm = _llm_ctx(fake_ctx, monkeypatch, "好的：```json\n" + json.dumps({"standards": picks}) + "\n```")
    result = suggest_group(ctx, SPREAD[0])
    _assert_rules(ctx, result)
    assert all("99999" not in s.number for s in result.standards)
    assert any("GB/T 99999—2099" in n for n in result.notes)
    assert any("模型写的理由" in s.reason for s in result.standards)
    assert "数据" in llm.prompts[0][0] and "JSON" in llm.prompts[0][0]


def test_llm_failure_falls_back_to_offline(fake_ctx, monkeypatch):
    from assistant.errors import LLMError

    ctx, _ = _llm_ctx(fake_ctx, monkeypatch, LLMError("timeout"))
    result = suggest_group(ctx, SPREAD[0])
    _assert_rules(ctx, result)
    assert any("LLM unavailable" in n for n in result.notes)
    ctx, _ = _llm_ctx(fake_ctx, monkeypatch, "I cannot help with that")
    result = suggest_group(ctx, SPREAD[0])
    _assert_rules(ctx, result)
    assert any("offline result" in n for n in result.notes)


def test_parse_llm_reply_shapes():
    assert _parse_llm_reply('["GB/T 25103—2010"]') == [("GB/T 25103—2010", "")]
    assert _parse_llm_reply("not json {") is None
    assert _parse_llm_reply('{"x": 1}') is None


# ---- check-group --------------------------------------------------------------------------------------


def _checks(ctx: Context, path) -> GroupChecks:
    rules = ctx.corpus.plan.group_rules
    return check_group(load_group_file(path), ctx.corpus.catalog, rules.min_count, rules.max_count)


def test_check_group_reads_suggest_output(fake_ctx, tmp_path):
    path = tmp_path / "group.json"
    path.write_text(json.dumps(suggest_group(fake_ctx, SPREAD[0]).model_dump(mode="json"), ensure_ascii=False),
                    encoding="utf-8")
    assert _checks(fake_ctx, path).violations == []


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
    assert checks.has_national_core
    assert any("重复" in v for v in checks.violations) and any("少于" in v for v in checks.violations)
    text = render_checks(checks)
    assert "✗" in text and "重复" in text
    only_industry = tmp_path / "industry.md"
    only_industry.write_text("- SJ/T 11666.1—2016 核心\n- SJ/T 11666.4—2016\n", encoding="utf-8")
    assert any("没有国家标准" in v for v in _checks(fake_ctx, only_industry).violations)


@pytest.mark.parametrize("content", ["{not json", '{"standards": []}', "没有任何编号的文字", '[{"title": "x"}]'])
def test_check_group_bad_input(tmp_path, content):
    path = tmp_path / ("g.json" if content[:1] in "{[" else "g.txt")
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError):
        load_group_file(path)


def test_check_group_missing_file(tmp_path):
    with pytest.raises(InputError):
        load_group_file(tmp_path / "nope.json")


# ---- real model: one scenario per direction, not in the plan's words ---------------------------------

BY_DIRECTION = [
    ("我们是家电企业，想把供应商下单、仓库发货和经销商补货打通，减少缺货和库存积压", "供应链协同应用类",
     ["GB/T 25103—2010", "GB/T 35121—2017"]),
    ("我们做高低压开关柜，想让装配车间的工单、物料和检验记录实时流转，管理人员随时看到车间运行情况", "智能工厂建设应用类",
     ["GB/T 41996—2022", "GB/T 38994—2020"]),
    ("我们卖工程机械，想通过设备上的传感器在总部看到每台设备的工况，提前发现故障并派工程师上门", "新模式实践应用类",
     ["GB/T 42202—2022", "GB/T 42136—2022", "GB/T 42383"]),
    ("我们受地方工信部门委托，给辖区制造企业做智能化改造诊断，想统一打分方法和诊断报告的格式", "咨询规划服务类",
     ["GB/T 40647—2021", "GB/T 39116—2020", "GB/T 37393—2019", "GB/T 43553.1—2023"]),
    ("几家零部件企业想在不泄露商业秘密的前提下互相开放质量和产能数据，需要一套可信的数据流通机制", "新技术融合创新类",
     ["GB/T 37700—2019", "GB/T 42029—2022", "GB/T 43441.1—2023"]),
    ("我们是自动化工程公司，帮机加工厂把不同品牌的数控机床接到同一个网络，统一采集状态和下发加工程序", "系统集成服务类",
     ["GB/T 39561", "GB/T 42405.1—2023"]),
]


def _example_core(result: Suggestion, examples: list[str]) -> bool:
    keys = {parse_number(n).key for n in examples}
    for s in result.standards:
        key = parse_number(s.number).key
        if s.core and (key in keys or any(key.startswith(k + ".") for k in keys)):
            return True
    return False


@pytest.mark.integration
@pytest.mark.parametrize("scenario,direction,examples", BY_DIRECTION)
def test_each_direction_gets_its_plan_example_as_core(real_ctx, scenario, direction, examples):
    result = suggest_group(real_ctx, scenario)
    assert result.direction == direction, result.notes
    assert _example_core(result, examples), [(s.number, s.core) for s in result.standards]
    _assert_rules(real_ctx, result)


@pytest.mark.integration
def test_suggest_eval_meets_targets(real_ctx):
    from assistant.evaluation import load_cases
    from assistant.evaluation.suggest import run

    result = run(real_ctx, load_cases("suggest"))
    assert result.cases >= 18
    assert result.metrics["direction_accuracy"] >= 0.9, result.failures
    assert result.metrics["must_include_recall"] >= 0.8, result.failures
    assert result.metrics["rule_violation_rate"] == 0.0, result.failures


def _cli(real_ctx, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(real_ctx.settings.data_dir), "HF_HUB_OFFLINE": "1",
           "ASSISTANT_LLM": "none"}
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=600)


@pytest.mark.integration
def test_cli_suggest_json_and_check_group_exit_codes(real_ctx, tmp_path):
    proc = _cli(real_ctx, "suggest", BY_DIRECTION[0][0], "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["direction"] == "供应链协同应用类" and data["checks"]["violations"] == []
    group = tmp_path / "group.json"
    group.write_text(proc.stdout, encoding="utf-8")
    ok = _cli(real_ctx, "check-group", str(group), "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["checks"]["violations"] == []
    bad = tmp_path / "bad.txt"
    bad.write_text("GB/T 25103—2010\nGB/T 35121—2017\n", encoding="utf-8")
    proc3 = _cli(real_ctx, "check-group", str(bad))
    assert proc3.returncode == 3 and "少于" in proc3.stdout
    broken = tmp_path / "broken.json"
    broken.write_text("{oops", encoding="utf-8")
    proc2 = _cli(real_ctx, "check-group", str(broken))
    assert proc2.returncode == 2 and "Traceback" not in proc2.stderr
    unknown = _cli(real_ctx, "suggest", "车间", "--direction", "航天类")
    assert unknown.returncode == 2 and "供应链协同应用类" in unknown.stderr


# ---- QA round: industry fit, applicant role, named needs, vague input, English, check-group on text ------

LITHIUM = "我们是锂电池制造企业，正在新建自己的智能工厂，要做生产追溯、数字孪生、AGV物流和智能制造能力成熟度评估"
APPLIANCE_EN = "We are an appliance maker; we want to connect suppliers, warehouses and distributors to cut stockouts"


def _numbers(result: Suggestion) -> set[str]:
    return {s.number for s in result.standards}


def test_industry_specific_entries_need_their_industry(fake_ctx):
    from assistant.suggest import off_industry

    catalog = fake_ctx.corpus.catalog
    switchgear, ship = catalog.get("GB/T 41996—2022"), catalog.get("GB/T 38994—2020")
    assert switchgear.industries and ship.industries
    assert off_industry(switchgear, "我们是汽车零部件冲压焊接企业") and not off_industry(switchgear, "我们做高低压开关柜")
    assert off_industry(ship, "SMT贴片线") and not off_industry(ship, "公司是一家造船厂")
    assert not off_industry(catalog.get("GB/T 25103—2010"), "随便什么")  # no industries: fits anyone
    assert all(catalog.get(n).industries for n in ["GB/T 35351—2025", "GB/T 37698—2019"])


@pytest.mark.parametrize("scenario", [
    "我们是汽车零部件冲压焊接企业，计划上线MES系统，把设备联网做数据采集，提高良品率",
    "我们是SMT电子组装工厂，想做贴片线的数据采集和质量追溯",
    "我们生产挖掘机，想让结构件焊接和总装车间的生产数据实时采集",
])
def test_off_industry_plan_examples_are_left_out_and_never_core(fake_ctx, scenario):
    result = suggest_group(fake_ctx, scenario, "smart_factory")
    _assert_rules(fake_ctx, result)
    assert not _numbers(result) & {"GB/T 41996—2022", "GB/T 38994—2020"}
    note = next(n for n in result.notes if "GB/T 41996—2022" in n)
    assert "GB/T 38994—2020" in note and "未纳入" in note
    assert any(s.core and s.level == "national" for s in result.standards)  # the fallback core


def test_on_industry_plan_example_is_kept_with_its_reason(fake_ctx):
    result = suggest_group(fake_ctx, "我们做高低压开关柜，想让装配车间的工单、物料和检验记录实时流转", "smart_factory")
    member = next(s for s in result.standards if s.number == "GB/T 41996—2022")
    assert member.core and "开关柜" in member.reason and "特定领域" in member.reason
    assert "GB/T 38994—2020" not in _numbers(result)


def test_apparel_gets_no_additive_or_remote_maintenance(fake_ctx):
    for scenario in ["我们是服装企业，想做服装个性化定制，顾客在线选款式量尺寸", "服装厂想做柔性生产，小批量快反"]:
        numbers = _numbers(suggest_group(fake_ctx, scenario))
        assert not numbers & {"GB/T 35351—2017", "GB/T 35351—2025", "GB/T 37698—2019", "GB/T 42136—2022"}
    numbers = _numbers(suggest_group(fake_ctx, "我们用3D打印给客户做个性化定制零件", "new_mode"))
    assert numbers & {"GB/T 35351—2025", "GB/T 37698—2019", "GB/T 35351—2017"}


def test_applicant_role_cues(fake_ctx):
    from assistant.suggest import applicant_role

    root = fake_ctx.settings.corpus_dir
    role, cues = applicant_role(root, LITHIUM)
    assert role.name == "own" and role.category == "智能制造应用水平提升" and cues
    for provider in ["我们是一家咨询公司，帮中小制造企业摸清自己的数字化水平处在哪一级",  # 自己的 is the client's
                     "我们是软件实施商，帮客户把财务、生产、仓储几套软件打通", "我们给化工厂做控制系统和上层信息系统的对接",
                     "We are a system integrator; for our customers we connect CNC machines"]:
        from assistant.suggest import expand_scenario

        role, _ = applicant_role(root, expand_scenario(root, provider))
        assert role is not None and role.name == "provider", provider
    assert applicant_role(root, "几家零部件企业想互相开放质量和产能数据")[0] is None


def test_applicant_role_is_a_moderate_weight(fake_ctx, monkeypatch):
    import assistant.suggest.direction as direction_mod

    _, _, with_role = direction_mod.infer_direction(fake_ctx, LITHIUM)
    monkeypatch.setattr(direction_mod, "ROLE_WEIGHT", 0.0)
    _, _, without = direction_mod.infer_direction(fake_ctx, LITHIUM)
    app_side = {d.name for d in fake_ctx.corpus.plan.directions if d.category == "智能制造应用水平提升"}
    for name, score in with_role["scores"].items():
        assert score - without["scores"][name] == pytest.approx(0.12 if name in app_side else 0.0, abs=0.002)


def test_role_note_when_it_changes_the_direction(fake_ctx, monkeypatch):
    import assistant.suggest.pipeline as pipeline_mod
    from assistant.suggest.hints import load_hints

    role = next(r for r in load_hints(fake_ctx.settings.corpus_dir).roles if r.name == "own")
    fake = (fake_ctx.corpus.plan.direction("smart_factory"), 0.6,
            {"keywords": [], "role": role, "role_cues": ["新建自己的智能工厂"], "role_changed": True,
             "without_role": "咨询规划服务类"})
    monkeypatch.setattr(pipeline_mod, "infer_direction", lambda ctx, scenario: fake)
    result = suggest_group(fake_ctx, LITHIUM)
    note = next(n for n in result.notes if "申报主体" in n)
    assert "新建自己的智能工厂" in note and "咨询规划服务类" in note and "智能工厂建设应用类" in note


def test_each_named_need_gets_a_standard(fake_ctx):
    from assistant.suggest import scenario_needs
    from assistant.suggest.candidates import gather_candidates

    direction = fake_ctx.corpus.plan.direction("smart_factory")
    needs = scenario_needs(LITHIUM, gather_candidates(fake_ctx, LITHIUM, direction))
    flat = {t for need in needs for t in need}
    assert {"追溯", "数字孪生", "AGV"} <= flat and any("成熟度" in t for t in flat)
    assert len([n for n in needs if any("成熟度" in t for t in n)]) == 1  # 成熟度评估 and 评估 are one need
    result = suggest_group(fake_ctx, LITHIUM, "smart_factory")
    _assert_rules(fake_ctx, result)
    catalog = fake_ctx.corpus.catalog
    for word in ["追溯", "数字孪生", "AGV", "成熟度"]:
        assert any(any(word in k for k in catalog.get(s.number).keywords) for s in result.standards), word


def test_vague_scenario_keeps_a_group_but_asks_for_more(fake_ctx):
    result = suggest_group(fake_ctx, "帮我们弄个试点")
    _assert_rules(fake_ctx, result)
    assert result.direction_confidence <= 0.2
    note = next(n for n in result.notes if "过于笼统" in n)
    assert "行业" in note and "场景" in note and "目标" in note and "通用" in note
    assert not any("过于笼统" in n for n in suggest_group(fake_ctx, SPREAD[0]).notes)
    forced = suggest_group(fake_ctx, "帮我们弄个试点", "supply_chain")
    assert forced.direction_confidence == 1.0 and any("过于笼统" in n for n in forced.notes)


def test_user_direction_is_shown_as_such(fake_ctx):
    forced = render_suggestion(suggest_group(fake_ctx, SPREAD[0], "supply_chain")).splitlines()[0]
    assert "（用户指定）" in forced and "置信度" not in forced
    inferred = render_suggestion(suggest_group(fake_ctx, SPREAD[0])).splitlines()[0]
    assert "据场景自动判断" in inferred and "用户指定" not in inferred and "置信度" not in inferred


def test_ambiguous_direction_prefix(fake_ctx):
    with pytest.raises(InputError) as err:
        resolve_direction(fake_ctx, "新")
    assert "有歧义" in str(err.value) and "新模式实践应用类" in str(err.value) and "新技术融合创新类" in str(err.value)
    assert "供应链协同应用类" not in str(err.value)
    assert resolve_direction(fake_ctx, "新模式").id == "new_mode" and resolve_direction(fake_ctx, "新技术").id == "new_tech"
    assert fake_ctx.corpus.plan.direction("新") is None
    with pytest.raises(InputError, match="unknown"):
        resolve_direction(fake_ctx, "航天类")


def test_english_words_become_chinese_terms(fake_ctx):
    from assistant.suggest import expand_scenario

    root = fake_ctx.settings.corpus_dir
    text = expand_scenario(root, APPLIANCE_EN)
    assert all(t in text for t in ["供应商", "仓储", "经销商", "库存"]) and text.endswith(APPLIANCE_EN)
    mixed = expand_scenario(root, "我们想做digital twin和Predictive Maintenance，管好inventories")
    assert all(t in mixed for t in ["数字孪生", "预测性维护", "库存"])
    assert expand_scenario(root, "纯中文场景，没有英文") == "纯中文场景，没有英文"
    assert "物流" not in expand_scenario(root, "biologistics")  # whole words only
    result = suggest_group(fake_ctx, APPLIANCE_EN)
    _assert_rules(fake_ctx, result)
    assert result.direction == "供应链协同应用类"
    assert any(fake_ctx.corpus.catalog.get(s.number).area.startswith("BC") for s in result.standards)
    assert any("对照表" in n for n in result.notes)


def test_check_group_reads_suggest_text_output(fake_ctx, tmp_path):
    result = suggest_group(fake_ctx, "设计院做新工厂的数字化交付和智能工厂规划设计", "consulting")
    path = tmp_path / "sug.txt"
    path.write_text(render_suggestion(result), encoding="utf-8")
    members = load_group_file(path)
    assert [m.number for m in members] == [s.number for s in result.standards]
    assert [m.core for m in members] == [s.core for s in result.standards]
    assert [m.level for m in members] == [s.level for s in result.standards]
    assert _checks(fake_ctx, path).violations == []


def test_check_group_star_marks_core_in_plain_text(fake_ctx, tmp_path):
    path = tmp_path / "g.md"
    path.write_text("1. ★ GB/T 25103—2010\n2. GB/T 35121—2017\n3. GB/T 46881—2025\n4. GB/T 38670—2020\n"
                    "5. GB/T 43851—2024\n", encoding="utf-8")
    members = load_group_file(path)
    assert [m.core for m in members] == [True, False, False, False, False]
    assert _checks(fake_ctx, path).violations == []


@pytest.mark.integration
def test_qa_eval_cases_exclude_off_industry_entries(real_ctx):
    from assistant.evaluation import load_cases

    cases = [c for c in load_cases("suggest") if c.get("must_exclude")]
    assert len(cases) >= 4
    for case in cases:
        result = suggest_group(real_ctx, case["scenario"])
        keys = _keys(result)
        assert not keys & {parse_number(n).key for n in case["must_exclude"]}, case["id"]


@pytest.mark.integration
def test_lithium_own_plant_is_a_smart_factory_covering_each_need(real_ctx):
    result = suggest_group(real_ctx, LITHIUM)
    assert result.direction == "智能工厂建设应用类", result.notes
    assert any("申报主体" in n for n in result.notes)
    catalog = real_ctx.corpus.catalog
    for word in ["追溯", "数字孪生", "AGV", "成熟度"]:
        assert any(any(word in k for k in catalog.get(s.number).keywords) for s in result.standards), word
    _assert_rules(real_ctx, result)


@pytest.mark.integration
def test_cli_check_group_on_suggest_text_and_ambiguous_direction(real_ctx, tmp_path):
    proc = _cli(real_ctx, "suggest", BY_DIRECTION[0][0])
    assert proc.returncode == 0, proc.stderr
    path = tmp_path / "sug.txt"
    path.write_text(proc.stdout, encoding="utf-8")
    checked = _cli(real_ctx, "check-group", str(path))
    assert checked.returncode == 0 and "重复" not in checked.stdout and "含国家标准核心：是" in checked.stdout
    ambiguous = _cli(real_ctx, "suggest", "车间", "--direction", "新")
    assert ambiguous.returncode == 2 and "有歧义" in ambiguous.stderr
