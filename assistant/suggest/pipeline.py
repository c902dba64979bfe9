"""scenario → needs → candidates → group → result: the whole suggest chain, each stage reading the analysis."""
from __future__ import annotations

from assistant.context import Context
from assistant.corpus import Direction
from assistant.errors import InputError
from assistant.standards import GroupMember, check_group
from assistant.suggest.candidates import gather_candidates
from assistant.suggest.group import Group, assemble
from assistant.suggest.refine import refine_reasons
from assistant.suggest.result import USER_DIRECTION_NOTE, Suggestion, build_standards, coverage_for
from assistant.suggest.scenario import analyse_scenario

NOTHING_MATCHED = ("场景中没有识别到智能制造的需求、行业或申报主体，无法推荐标准群：请写明企业行业、要建设或解决的具体事项，"
                   "例如 MES、设备联网、成熟度评估、供应链协同、远程运维、能源管理。")

OUTSIDE = ("场景写到{words}，看来不属于制造业：智能制造标准应用试点面向制造企业和为其服务的解决方案供应商，无法推荐标准群。"
           "如确为制造场景，请写明行业、产品和要建设的具体事项。")


def suggest_group(ctx: Context, scenario: str, direction: str | None = None) -> Suggestion:
    """A 标准群 for the scenario: members from its needs, a national core, a coverage map, rule checks."""
    analysis = analyse_scenario(ctx, scenario)
    notes: list[str] = []
    if direction:
        chosen = resolve_direction(ctx, direction)
        analysis.direction, analysis.direction_reason = chosen.id, f"{USER_DIRECTION_NOTE}：{chosen.name}。"
        notes.append(analysis.direction_reason)
    elif analysis.outside:
        raise InputError(OUTSIDE.format(words="、".join(f"“{w}”" for w in analysis.outside[:3])))
    elif not (analysis.needs or analysis.direction_keywords or analysis.industry or analysis.role != "unknown"):
        raise InputError(NOTHING_MATCHED)
    d = next(x for x in ctx.corpus.plan.directions if x.id == analysis.direction)
    cands = gather_candidates(ctx, analysis)
    group = assemble(ctx, analysis, cands)
    standards = build_standards(ctx, group, analysis)
    if ctx.settings.llm != "none":
        standards = refine_reasons(ctx, analysis, d.name, standards, notes)
    rules = ctx.corpus.plan.group_rules
    checks = check_group([GroupMember(**s.model_dump(include={"number", "title", "level", "status", "core"}))
                          for s in standards], ctx.corpus.catalog, rules.min_count, rules.max_count)
    coverage = coverage_for(analysis, group, cands.restricted)
    notes = [*notes, *analysis.notes, *group.notes,
             *_offline_note(ctx, group)]
    return Suggestion(direction=d.name, direction_confidence=1.0 if direction else analysis.direction_confidence,
                      standards=standards, checks=checks, notes=notes, coverage=coverage,
                      analysis=analysis.to_json(), direction_reason=analysis.direction_reason)


def _offline_note(ctx: Context, group: Group) -> list[str]:
    notes = []
    if ctx.settings.llm == "none":
        notes.append("本标准群离线组合（未使用大模型）：成员由场景需求对照标准目录中各标准的适用需求确定，"
                     "检索只用于同一需求内的排序。")
    uncovered = len(group.uncovered)
    if uncovered:
        notes.append(f"有 {uncovered} 项需求目录中没有适用于本场景的标准，见覆盖表中的“未覆盖”及其说明。")
    return notes


def resolve_direction(ctx: Context, name: str) -> Direction:
    """--direction by name, id or unique prefix; a prefix of several lists them, anything else lists the six."""
    d = ctx.corpus.plan.direction(name)
    if d is not None:
        return d
    key = (name or "").strip()
    matches = [x for x in ctx.corpus.plan.directions
               if key and (x.name.startswith(key) or x.id.startswith(key.lower()))]
    if len(matches) > 1:
        names = "、".join(f"{x.name}（{x.id}）" for x in matches)
        raise InputError(f"试点方向“{key}”有歧义，可能是：{names}；请写出完整名称或编号")
    names = "、".join(f"{x.name}（{x.id}）" for x in ctx.corpus.plan.directions)
    raise InputError(f"未知的试点方向“{name}”，可选：{names}")

