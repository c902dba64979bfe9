"""The optional LLM pass: the model may only reword reasons of the members already chosen.

Membership, roles and the core stay as the data decided. A reworded reason is kept only when it still quotes a
phrase of the scenario and names no standard number outside the group; otherwise the offline reason stays.
"""
from __future__ import annotations

import json
import re

from assistant.context import Context
from assistant.errors import AssistantError
from assistant.standards import LEVEL_ZH, find_numbers, parse_number
from assistant.suggest.result import SuggestedStandard
from assistant.suggest.scenario import ScenarioAnalysis

LLM_REASON_CHARS = 160
QUERY_CHARS = 1500
_QUOTED = re.compile(r"“([^”]{1,40})”")


def refine_reasons(ctx: Context, analysis: ScenarioAnalysis, direction_name: str,
                   standards: list[SuggestedStandard], notes: list[str]) -> list[SuggestedStandard]:
    """Standards with LLM-worded reasons where they pass the checks; the offline ones where not."""
    reply = _ask(ctx, analysis, direction_name, standards, notes)
    picks = parse_llm_reply(reply) if reply is not None else None
    if reply is not None and picks is None:
        notes.append("大模型回答不是约定的 JSON，无法读取，采用离线理由。")
    if not picks:
        return standards
    keys = {s.number: parse_number(s.number).key for s in standards}
    given = {}
    for number, reason in picks:
        parsed = parse_number(number)
        match = next((n for n, k in keys.items() if parsed and k == parsed.key), None)
        if match and _acceptable(reason, analysis, set(keys.values())):
            given[match] = reason
    notes.append(f"大模型改写了 {len(given)} 项理由（成员、核心和覆盖表仍按目录数据确定）。")
    return [s.model_copy(update={"reason": ("核心标准：" if s.core else "") + given[s.number]})
            if s.number in given else s for s in standards]


def _ask(ctx: Context, analysis: ScenarioAnalysis, direction_name: str, standards: list[SuggestedStandard],
         notes: list[str]) -> str | None:
    try:
        from assistant.prompts import load_prompt

        prompt = load_prompt(ctx.settings.prompts_dir, "suggest/rerank")
        lines = [f"{s.number}｜{s.title}｜{LEVEL_ZH[s.level]}｜{s.scope}" for s in standards]
        variables = dict(scenario=analysis.text[:QUERY_CHARS], direction=direction_name,
                         candidates="\n".join(lines), min_count=len(standards), max_count=len(standards))
        return ctx.llm.complete(prompt.render("system", **variables), prompt.render("user", **variables))
    except (ImportError, AssistantError):
        notes.append("大模型不可用，采用离线理由。")
        return None


def _acceptable(reason: str, analysis: ScenarioAnalysis, keys: set[str]) -> bool:
    """It quotes the scenario (a “…” the scenario contains) and cites no number outside the group."""
    quotes = [q for q in _QUOTED.findall(reason) if q in analysis.text]
    return bool(reason.strip()) and bool(quotes) and all(n.key in keys for n, _, _ in find_numbers(reason))


def parse_llm_reply(reply: str) -> list[tuple[str, str]] | None:
    match = re.search(r"\{.*\}|\[.*\]", reply or "", re.S)  # models wrap JSON in prose or ``` fences
    try:
        data = json.loads(match.group(0)) if match else None
    except ValueError:
        return None
    items = data.get("standards") if isinstance(data, dict) else data
    if not isinstance(items, list):
        return None
    out = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("number"), str):
            out.append((item["number"], str(item.get("reason", ""))[:LLM_REASON_CHARS]))
        elif isinstance(item, str):
            out.append((item, ""))
    return out
