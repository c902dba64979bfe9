"""The entry point: direction, candidates, assembly, optional LLM pass, rule checks, notes."""
from __future__ import annotations

from assistant.context import Context
from assistant.errors import InputError
from assistant.standards import GroupMember, check_group
from assistant.suggest.assemble import assemble, build_standards
from assistant.suggest.candidates import Candidate, gather_candidates
from assistant.suggest.direction import infer_direction, resolve_direction
from assistant.suggest.rerank import _llm_pass
from assistant.suggest.result import Suggestion

LOW_CONFIDENCE = 0.35

# ---- the entry point -----------------------------------------------------------------------------------


def suggest_group(ctx: Context, scenario: str, direction: str | None = None) -> Suggestion:
    """A standard group for the scenario: direction, members with reasons and sources, rule checks, notes."""
    scenario = (scenario or "").strip()
    if not scenario:
        raise InputError("场景描述为空 (empty scenario)")
    corpus = ctx.corpus
    notes: list[str] = []
    if direction:
        chosen_dir, confidence = resolve_direction(ctx, direction), 1.0
        notes.append(f"试点方向由用户指定：{chosen_dir.name}。")
    else:
        chosen_dir, confidence, evidence = infer_direction(ctx, scenario)
        said = "、".join(evidence["keywords"][:6])
        notes.append(f"试点方向按场景用词{('（' + said + '）') if said else ''}和相似方案条目、标准、案例推断为"
                     f"“{chosen_dir.name}”，置信度 {confidence:.2f}。")
        if confidence < LOW_CONFIDENCE:
            notes.append("方向判断把握不大：请补充企业行业、要解决的问题和拟建系统，或用 --direction 指定方向。")
    cands = gather_candidates(ctx, scenario, chosen_dir)
    rules = corpus.plan.group_rules
    members, core, assembly_notes = assemble(cands, rules.min_count, rules.max_count)
    reasons: dict[str, str] = {}
    if ctx.settings.llm != "none":
        members, core, reasons = _llm_pass(ctx, scenario, chosen_dir, cands, members, core, notes)
    standards = build_standards(members, core, chosen_dir, ctx, reasons)
    checks = check_group([GroupMember(**s.model_dump(include={"number", "title", "level", "status", "core"}))
                          for s in standards], corpus.catalog, rules.min_count, rules.max_count)
    notes += _build_notes(members, reasons, rules.min_count, rules.max_count)
    notes += assembly_notes
    return Suggestion(direction=chosen_dir.name, direction_confidence=confidence, standards=standards,
                      checks=checks, notes=notes)


def _build_notes(members: list[Candidate], reasons: dict[str, str], lo: int, hi: int) -> list[str]:
    notes = []
    if not reasons:
        notes.append("本标准群由检索与规则离线组合（未使用大模型）：候选来自标准目录检索、方案示例标准和相似案例，"
                     "按场景用词匹配、检索排名、是否服务该方向打分排序。")
    notes.append(f"按方案规则：共 {len(members)} 项（要求 {lo}–{hi} 项），以国家标准为核心；编号均来自标准目录。")
    for c in members:
        if c.via:
            notes.append(f"{c.via} 在目录中以 {c.number} 形式纳入（系列取具体部分，或计划号/旧版取现行版本）。")
    if not any(c.std.level != "national" for c in members):
        notes.append("目录中与该场景相关的行业、地方、团体标准很少，未能配套；可补充本行业或企业标准。")
    return notes
