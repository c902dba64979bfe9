"""The LLM hook: the model may only reorder and reword the retrieved candidates; its answer is validated again."""
from __future__ import annotations

import json
import re

from assistant.context import Context
from assistant.corpus import Direction
from assistant.errors import AssistantError
from assistant.standards import LEVEL_ZH, parse_number
from assistant.suggest.assemble import _ensure_national, _pick_core
from assistant.suggest.candidates import Candidate
from assistant.suggest.matching import QUERY_CHARS

# ---- LLM hook ------------------------------------------------------------------------------------------

LLM_CANDIDATES = 25
LLM_REASON_CHARS = 160


def rerank_with_llm(ctx: Context, scenario: str, direction: Direction, candidates: list[Candidate],
                    notes: list[str] | None = None) -> list[tuple[str, str]] | None:
    """Ask the LLM to order and word reasons for the candidates; None when it is unavailable or unreadable."""
    notes = notes if notes is not None else []
    try:
        from assistant.prompts import load_prompt

        prompt = load_prompt(ctx.settings.prompts_dir, "suggest/rerank")
        lines = [f"{c.number}｜{c.std.title}｜{LEVEL_ZH[c.std.level]}｜{c.std.area}" for c in candidates]
        variables = dict(scenario=scenario[:QUERY_CHARS], direction=direction.name,
                         candidates="\n".join(lines), min_count=5, max_count=12)
        reply = ctx.llm.complete(prompt.render("system", **variables), prompt.render("user", **variables))
    except (ImportError, AssistantError):
        notes.append("LLM unavailable, offline result（大模型不可用，采用离线结果）。")
        return None
    picks = _parse_llm_reply(reply)
    if picks is None:
        notes.append("大模型回答不是约定的 JSON，采用离线结果 (LLM reply unreadable, offline result)。")
    return picks


def _parse_llm_reply(reply: str) -> list[tuple[str, str]] | None:
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


def _llm_pass(ctx: Context, scenario: str, direction: Direction, cands: dict[str, Candidate],
              members: list[Candidate], core: set[str], notes: list[str]):
    """Let the LLM reorder within the candidates; validate, re-apply the rules, fall back to offline."""
    pool = sorted(cands.values(), key=lambda c: (-c.score, c.number))[:LLM_CANDIDATES]
    picks = rerank_with_llm(ctx, scenario, direction, pool, notes)
    if not picks:
        return members, core, {}
    by_key = {c.std.key: c for c in pool}
    chosen, reasons, dropped = [], {}, []
    for number, reason in picks:
        parsed = parse_number(number)
        c = by_key.get(parsed.key) if parsed else None
        if c is None or ctx.corpus.catalog.get(parsed) is None:
            dropped.append(number)
        elif c not in chosen:
            chosen.append(c)
            reasons[c.number] = reason
    if dropped:
        notes.append("已删除大模型给出的不在候选或目录中的编号：" + "、".join(dropped[:10]) + "。")
    rules = ctx.corpus.plan.group_rules
    fitting = [c for c in members if c.number in core]
    for c in fitting:  # the plan's core standards stay whatever the model says
        if c not in chosen:
            chosen.insert(0, c)
    for c in members:  # too few valid picks: top up from the offline group
        if len(chosen) >= rules.min_count:
            break
        if c not in chosen:
            chosen.append(c)
    chosen = chosen[:rules.max_count]
    _ensure_national(chosen, pool)
    new_core = _pick_core(chosen, [c for c in fitting if c in chosen])
    reasons = {n: ("核心标准：" + r if n in new_core else r) for n, r in reasons.items() if r}
    notes.append("大模型在检索候选范围内排序并撰写理由；结果已按标准目录和方案规则复核。")
    return chosen, new_core, reasons
