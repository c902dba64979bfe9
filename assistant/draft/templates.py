"""The kind's template (prompts/draft/<kind>.yaml) and the variables its sections are rendered with."""
from __future__ import annotations

from assistant.context import Context
from assistant.draft.basis import DraftBasis, basis_vars, draft_basis, relevant_cases
from assistant.draft.result import KINDS, GroupRow
from assistant.draft.safety import strip_injections
from assistant.errors import AssistantError, InputError
from assistant.prompts import load_prompt, render_template
from assistant.suggest import Suggestion

SCENARIO_QUERY_CHARS = 200
MAX_REVISABLE = 5  # revision proposals: the core standards first, a handful in all


def fill_template(template: str, name: str, variables: dict) -> str:
    """One template string rendered strictly (a missing variable is an error, not a blank)."""
    return render_template(str(template), name, **variables).strip()


def load_template(ctx: Context, kind: str) -> dict:
    """The kind's template data; an unknown kind is an input error, a template without sections a bug."""
    if kind not in KINDS:
        raise InputError(f"未知的文档类型 {kind!r}，可选：{'、'.join(KINDS)}")
    data = load_prompt(ctx.settings.prompts_dir, f"draft/{kind}").data
    if not isinstance(data, dict) or not data.get("sections"):
        raise AssistantError(f"提示模板 draft/{kind} 没有 sections 一项，模板有误")
    return data


def template_variables(ctx: Context, kind: str, scenario: str, group: Suggestion, rows: list[GroupRow],
                       basis: DraftBasis | None = None) -> dict:
    """What every section template may use: scenario (injections stripped), direction, group, plan facts."""
    corpus = ctx.corpus
    plan = corpus.plan
    direction = plan.direction(group.direction) if group.direction else None
    clean, _ = strip_injections(scenario)
    dir_vars = (direction.model_dump() if direction else
                {"name": "【待补充：试点方向】", "category": "【待补充】", "scope": "【待补充】", "applicants": "【待补充】"})
    # Revision proposals cover catalog standards only (a number the catalog lacks is still 待核实).
    catalog_levels = {r.number: entry.level for r in rows if (entry := corpus.catalog.get(r.number)) is not None}
    basis = basis or draft_basis(ctx, clean, group, rows)
    return {
        "basis": basis_vars(basis, relevant_cases(ctx, basis)),
        "kind": kind,
        "scenario": clean or "【待补充：试点场景】",
        "scenario_short": " ".join(clean.split())[:SCENARIO_QUERY_CHARS],
        "direction": dir_vars,
        "direction_name": dir_vars["name"],
        "group": [r.model_dump() for r in rows],
        "core": [r.model_dump() for r in rows if r.role == "核心"],
        "support": [r.model_dump() for r in rows if r.role == "配套"],
        "revisable": sorted((r.model_dump() for r in rows if catalog_levels.get(r.number) in ("national", "industry")),
                            key=lambda r: r["role"] != "核心")[:MAX_REVISABLE],
        "plan": {"title": plan.title, "period_years": plan.period_years, "months": plan.period_years * 12,
                 "assessment": plan.assessment, "min_count": plan.group_rules.min_count,
                 "max_count": plan.group_rules.max_count},
    }


def rule_vars(variables: dict) -> dict:
    """The programme rules the system and user prompts restate for the model."""
    plan = variables["plan"]
    return {"period_years": plan["period_years"], "min_count": plan["min_count"], "max_count": plan["max_count"],
            "direction_name": variables["direction_name"], "group": variables["group"]}
