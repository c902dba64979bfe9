"""Suggest a 标准群: the plan's rules always hold, numbers come only from the catalog, check-group reads files."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

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
from conftest import REPO

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
