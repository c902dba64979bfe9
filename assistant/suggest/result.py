"""The JSON contract of a suggestion (what `suggest --json` prints and `draft` reads back), and building it.

Reasons quote the scenario phrase a member answers and the standard's scope; they never show ranks or scores.
Only public cases are sources; invented examples (kind: example) never support a member.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from assistant.context import Context
from assistant.standards import LEVEL_ZH, GroupChecks, Level, find_numbers, parse_number
from assistant.suggest.group import NAMED, Group, Member
from assistant.suggest.scenario import ScenarioAnalysis

# Notes starting with this mark a direction fixed by the user (--direction / the UI dropdown).
USER_DIRECTION_NOTE = "试点方向由用户指定"
UNCOVERED_ADVICE = ("目录中没有服务这项需求的标准。可以：在场景中写明拟采用的标准编号；用 `assistant catalog import` "
                    "导入本企业或行业的标准目录后重试；或在申报中删去这项需求。")
# An entry's `industries` are industry or technology words (开关设备, 船舶; 远程运维, 增材制造), a local entry's `regions`
# places (江苏): the advice names all three.
RESTRICTED_ADVICE = ("目录中只有面向特定行业、技术或地区的标准服务这项需求（{items}），场景没有写到这些用语；"
                     "如确属其中之一，请在场景中写明。")


class Source(BaseModel):
    source: str  # machine fields, kept in --json
    location: str
    label: str = ""  # what a person reads (assistant/labels.py): 标准目录《…》（编号，现行）, never a path


def labelled(ctx: Context, source: str, location: str) -> Source:
    from assistant.labels import source_label

    return Source(source=source, location=location, label=source_label(source, location, ctx.corpus))


def sources_text(sources: list[Source]) -> str:
    """Sources as people name them, each once."""
    from assistant.labels import source_label

    return "；".join(dict.fromkeys(s.label or source_label(s.source, s.location) for s in sources))


class SuggestedStandard(BaseModel):
    number: str
    title: str
    level: Level
    status: Literal["published", "plan"]
    core: bool
    reason: str
    sources: list[Source]
    # "user" marks a row the user added in the UI table (no need behind it that we know of).
    role: Literal["need", "companion", "filler", "user"] = "user"
    need_ids: list[str] = []
    companion_of: str | None = None
    scope: str = ""


class Coverage(BaseModel):
    need_id: str
    name: str
    phrase: str
    standards: list[str]
    uncovered: bool
    advice: str = ""


class Suggestion(BaseModel):
    direction: str
    direction_confidence: float
    standards: list[SuggestedStandard]
    checks: GroupChecks
    notes: list[str]
    coverage: list[Coverage] = []
    analysis: dict = {}
    direction_reason: str = ""


# ---- building it ---------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _plan_lines(corpus_root: Path) -> dict[str, str]:
    """Year-less key → '第N行' of plan.txt where the plan names the number (1-based, as the index cites it)."""
    out: dict[str, str] = {}
    path = Path(corpus_root) / "plan" / "plan.txt"
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for number, _, _ in find_numbers(line):
            out.setdefault(number.key, f"第{i}行")
    return out


def _quote(analysis: ScenarioAnalysis, need_ids: list[str]) -> str:
    """The scenario phrases of the member's needs, else the principal one (fillers), quoted."""
    phrases = [n.phrase for nid in need_ids for n in [analysis.need(nid)] if n]
    if not phrases:
        pool = [n.phrase for n in analysis.needs[:1]] + analysis.direction_keywords[:1]
        phrases = [p for p in [*pool, analysis.industry, analysis.role_phrase] if p][:1]
    return "、".join(f"“{p}”" for p in dict.fromkeys(phrases))


def _parts(analysis: ScenarioAnalysis, need_ids: list[str]) -> str:
    """A need the scenario names only by its parts (MES and 设备联网 make a digital workshop): the parts, quoted."""
    parts = [p for nid in need_ids for n in [analysis.need(nid)] if n for p in n.parts]
    return "、".join(f"“{p}”" for p in dict.fromkeys(parts)) if len(need_ids) == 1 else ""


def reason_for(m: Member, core: bool, analysis: ScenarioAnalysis, names: dict[str, str]) -> str:
    std, scope = m.cand.std, m.cand.info.scope or f"标准名称为《{m.cand.std.title}》"
    quote = f"“{m.phrase}”" if m.phrase else _quote(analysis, m.need_ids)
    what = "、".join(names[nid] for nid in m.need_ids if nid in names)
    if m.role == "need" and m.why == NAMED:
        text = f"场景写明采用{quote}{('（需求：' + what + '）') if what else ''}；本标准{_scope(scope)}"
    elif m.role == "need" and (parts := _parts(analysis, m.need_ids)):
        text = f"场景写到{parts}，合起来即{what}；本标准{_scope(scope)}"
    elif m.role == "need":
        text = f"场景写到{quote}（需求：{what}）；本标准{_scope(scope)}"
    elif m.role == "companion":
        text = f"{m.why}{'，' if m.why else ''}服务场景中的{quote}（{what}）；本标准{_scope(scope)}"
    else:
        text = f"补足方案要求的项数：{m.why}，不直接对应场景中的{quote}；本标准{_scope(scope)}"
    if core:
        text = "核心标准：" + text
    if std.level != "national":
        text += f"（{LEVEL_ZH[std.level]}，配套细化国家标准）"
    if m.cand.via:
        text += f"（{m.cand.via} 已被本版本代替）"
    if std.status == "plan":
        text += "（在研计划号，发布后请改用正式编号）"
    return text


def _scope(scope: str) -> str:
    scope = scope.strip().rstrip("。")
    return (scope if scope.startswith(("规定", "给出", "提出", "描述", "确立", "界定", "定义", "适用", "标准名称")) else
            "的范围：" + scope) + "。"


def sources_for(ctx: Context, m: Member) -> list[Source]:
    plan_lines = _plan_lines(ctx.settings.corpus_dir)
    out = [labelled(ctx, "standards/catalog.yaml", m.number)]
    for number in [m.number, m.cand.via, m.cand.std.part_of]:
        parsed = parse_number(number) if number else None
        if parsed and parsed.key in plan_lines:
            out.append(labelled(ctx, "plan/plan.txt", plan_lines[parsed.key]))
            break
    key = m.cand.std.key
    for case in ctx.corpus.cases:
        if case.kind == "public" and any((p := parse_number(n)) and p.key == key for n in case.standards):
            out.append(labelled(ctx, f"cases/{case.id}.yaml", "二、标准群构成（公开案例）"))
    return out


def build_standards(ctx: Context, group: Group, analysis: ScenarioAnalysis) -> list[SuggestedStandard]:
    from assistant.suggest.needs import load_vocabulary

    names = {nid: n.name for nid, n in load_vocabulary(ctx.settings.corpus_dir).needs.items()}
    return [SuggestedStandard(number=m.number, title=m.cand.std.title, level=m.cand.std.level,
                              status=m.cand.std.status, core=m.number in group.core,
                              reason=reason_for(m, m.number in group.core, analysis, names),
                              sources=sources_for(ctx, m), role=m.role, need_ids=m.need_ids,
                              companion_of=m.companion_of, scope=m.cand.info.scope) for m in group.members]


def coverage_for(analysis: ScenarioAnalysis, group: Group, restricted: dict[str, list]) -> list[Coverage]:
    out = []
    for n in analysis.needs:
        numbers = [m.number for m in group.members if n.need_id in m.need_ids]
        advice = ""
        if not numbers:
            held = restricted.get(n.need_id) or []
            advice = (RESTRICTED_ADVICE.format(items="、".join(f"{s.number}（{'、'.join((s.industries or s.regions)[:2])}等）"
                                                               for s in held[:3])) if held else UNCOVERED_ADVICE)
        out.append(Coverage(need_id=n.need_id, name=n.name, phrase=n.phrase, standards=numbers,
                            uncovered=not numbers, advice=advice))
    return out
