"""The entry point: direction, candidates, assembly, optional LLM pass, rule checks, notes."""
from __future__ import annotations

import re

from assistant.context import Context
from assistant.errors import InputError
from assistant.standards import GroupMember, Standard, check_group
from assistant.suggest.assemble import assemble, build_standards
from assistant.suggest.candidates import Candidate, gather_candidates, scenario_needs
from assistant.suggest.direction import domain_terms, infer_direction, resolve_direction
from assistant.suggest.hints import english_terms
from assistant.suggest.rerank import _llm_pass
from assistant.suggest.result import USER_DIRECTION_NOTE, Suggestion

LOW_CONFIDENCE = 0.35
# Fewer distinct domain words than this (direction keywords, catalog keywords and title words) and the scenario
# says too little to tailor a group: 帮我们弄个试点, 工厂, MES.
MIN_DOMAIN_TERMS = 2
VAGUE_CONFIDENCE = 0.2

# ---- the entry point -----------------------------------------------------------------------------------


def suggest_group(ctx: Context, scenario: str, direction: str | None = None) -> Suggestion:
    """A standard group for the scenario: direction, members with reasons and sources, rule checks, notes."""
    scenario = (scenario or "").strip()
    if not scenario:
        raise InputError("场景描述为空 (empty scenario)")
    corpus = ctx.corpus
    notes: list[str] = []
    terms = domain_terms(ctx, scenario)
    vague = len(terms) < MIN_DOMAIN_TERMS
    english = english_terms(ctx.settings.corpus_dir, scenario)
    if english and len(re.findall(r"[A-Za-z]{2,}", scenario)) >= 3:  # not for one MES in a Chinese sentence
        notes.append("场景中的英文用词按对照表理解为：" + "、".join(english[:12]) + "。")
    if direction:
        chosen_dir, confidence = resolve_direction(ctx, direction), 1.0
        notes.append(f"{USER_DIRECTION_NOTE}：{chosen_dir.name}。")
    else:
        chosen_dir, confidence, evidence = infer_direction(ctx, scenario)
        if vague:
            confidence = min(confidence, VAGUE_CONFIDENCE)
        said = "、".join(evidence["keywords"][:6])
        notes.append(f"试点方向按场景用词{('（' + said + '）') if said else ''}和相似方案条目、标准、案例推断为"
                     f"“{chosen_dir.name}”。")  # no confidence figure on screen (issue 18)
        if evidence.get("role_changed"):
            role = evidence["role"]
            cues = "、".join(f"“{c}”" for c in evidence["role_cues"][:3])
            notes.append(f"申报主体看来是{role.label}（场景写到{cues}）：方案中“{role.category}”各方向由这类主体申报，"
                         f"据此判为“{chosen_dir.name}”；只看用词会判为“{evidence['without_role']}”。")
        if confidence < LOW_CONFIDENCE and not vague:
            notes.append("方向判断把握不大：请补充企业行业、要解决的问题和拟建系统，或用 --direction 指定方向。")
    if vague:
        said = f"只识别到{'、'.join(f'“{t}”' for t in terms)}" if terms else "没有识别到智能制造领域的具体用词"
        notes.append(f"场景描述过于笼统（{said}）：下面的标准群只是该方向的通用组合，没有针对性，仅供参考。"
                     "请补充：企业所在行业和主要产品；要做的具体场景（如车间/产线、采购物流、定制或运维服务、"
                     "评估诊断、新技术应用、系统集成）；要解决的问题和目标（如提高良品率、降低库存、缩短交付）。")
    excluded: list[Standard] = []
    cands = gather_candidates(ctx, scenario, chosen_dir, excluded)
    rules = corpus.plan.group_rules
    needs = scenario_needs(scenario, cands, ctx.settings.corpus_dir)
    members, core, assembly_notes = assemble(cands, rules.min_count, rules.max_count, needs)
    reasons: dict[str, str] = {}
    if ctx.settings.llm != "none":
        members, core, reasons = _llm_pass(ctx, scenario, chosen_dir, cands, members, core, notes)
    standards = build_standards(members, core, chosen_dir, ctx, reasons)
    checks = check_group([GroupMember(**s.model_dump(include={"number", "title", "level", "status", "core"}))
                          for s in standards], corpus.catalog, rules.min_count, rules.max_count)
    notes += _build_notes(members, reasons, rules.min_count, rules.max_count)
    notes += _excluded_notes(excluded)
    notes += assembly_notes
    return Suggestion(direction=chosen_dir.name, direction_confidence=confidence, standards=standards,
                      checks=checks, notes=notes)


def _excluded_notes(excluded: list[Standard]) -> list[str]:
    if not excluded:
        return []
    items = "；".join(f"{s.number}（{s.title}，适用于{'、'.join(s.industries[:3])}等）" for s in excluded)
    return [(f"方案为该方向列举的示例标准中，{items} 面向特定行业或技术，场景没有提到，未纳入也不作核心；"
             "如确属该领域，请在场景中写明。")]


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
