"""Assembly by the plan's rules: group size, family cap, national core, support levels; reasons and sources."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from assistant.context import Context
from assistant.corpus import Direction
from assistant.standards import LEVEL_ZH, find_numbers, parse_number
from assistant.suggest.candidates import Candidate, fits
from assistant.suggest.result import Source, SuggestedStandard

TARGET_MIN, TARGET_MAX = 8, 12  # inside the plan's 5–20: enough to cover the scenario, few enough to apply
MAX_CORE = 3
FAMILY_CAP = 2  # at most this many parts of one multi-part standard, so one family cannot crowd out the rest

# ---- assembly ------------------------------------------------------------------------------------------


def _family(number: str) -> str:
    parsed = parse_number(number)
    return f"{parsed.prefix} {parsed.code.split('.')[0]}" if parsed else number


def assemble(cands: dict[str, Candidate], min_count: int = 5, max_count: int = 20,
             needs: list[list[str]] | None = None) -> tuple[list[Candidate], set[str], list[str]]:
    """Pick the group and its core by the plan's rules; returns (members, core numbers, notes).

    `needs` are the scenario's distinct needs (scenario_needs): each one the catalog can serve gets at least one
    member, even past the usual size, up to `max_count`.
    """
    notes: list[str] = []
    ordered = sorted(cands.values(), key=lambda c: (-c.score, c.number))
    examples = [c for c in ordered if c.example and c.std.level == "national"]
    fitting = [c for c in examples if fits(c)]
    chosen: list[Candidate] = list(fitting)
    top = ordered[0].score if ordered else 0.0
    target = max(TARGET_MIN, min(TARGET_MAX, sum(1 for c in ordered if c.score >= 0.45 * top)))
    target = max(min_count, min(target, max_count))
    for c in ordered:
        if len(chosen) >= target:
            break
        if c in chosen:
            continue
        if sum(1 for x in chosen if _family(x.number) == _family(c.number)) >= FAMILY_CAP:
            continue
        chosen.append(c)
    _add_support(chosen, ordered, fitting)
    _ensure_national(chosen, ordered)
    _cover_needs(chosen, ordered, needs or [], max_count)
    for c in examples:
        if c not in chosen:
            notes.append(f"方案示例标准 {c.number}（{c.std.title}）与场景关联较弱，未纳入；如确实适用可自行加入。")
    core = _pick_core(chosen, fitting)
    chosen.sort(key=lambda c: (c.number not in core, -c.score, c.number))
    return chosen, core, notes


def _covers(c: Candidate, need: list[str]) -> bool:
    words = set(c.matched) | set(c.related)
    return any(t in words or any(t in w for w in c.matched) for t in need)  # 成熟度 inside 成熟度评估


def _cover_needs(chosen: list[Candidate], ordered: list[Candidate], needs: list[list[str]], max_count: int) -> None:
    """Each need the scenario names (追溯, 数字孪生, AGV, 成熟度) gets its best-scoring entry if none serves it yet."""
    for need in needs:
        if len(chosen) >= max_count:
            return
        if any(_covers(c, need) for c in chosen):
            continue
        options = [c for c in ordered if c not in chosen and any(t in c.matched for t in need)]
        capped = [c for c in options if sum(1 for x in chosen if _family(x.number) == _family(c.number)) < FAMILY_CAP]
        pick = (capped or options or [None])[0]
        if pick is not None:
            chosen.append(pick)


def _add_support(chosen: list[Candidate], ordered: list[Candidate], keep: list[Candidate]) -> None:
    """The plan wants national standards supported by other levels: add the best one the scenario calls for."""
    if any(c.std.level != "national" for c in chosen):
        return
    support = next((c for c in ordered if c.std.level != "national" and c not in chosen
                    and (c.match_weight > 0 or (c.rank is not None and c.rank < 15))), None)
    if support is None:
        return
    if len(chosen) >= TARGET_MAX:
        drop = next((c for c in reversed(chosen) if c not in keep), None)
        if drop is not None:
            chosen.remove(drop)
    chosen.append(support)


def _ensure_national(chosen: list[Candidate], ordered: list[Candidate]) -> None:
    if not any(c.std.level == "national" for c in chosen):
        best = next((c for c in ordered if c.std.level == "national"), None)
        if best is not None:
            chosen.insert(0, best)


def _pick_core(chosen: list[Candidate], fitting: list[Candidate]) -> set[str]:
    """Core: the fitting plan examples (best first), else the best national standard in the group."""
    core = [c.number for c in sorted(fitting, key=lambda c: (-c.score, c.number))][:MAX_CORE]
    if not core:
        nationals = sorted((c for c in chosen if c.std.level == "national"), key=lambda c: (-c.score, c.number))
        core = [nationals[0].number] if nationals else []
    return set(core)


# ---- reasons and sources -------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _plan_lines(corpus_root: Path) -> dict[str, str]:
    """Year-less key → '第N行' of plan.txt where the plan names the number (1-based, as the index cites it)."""
    out: dict[str, str] = {}
    path = Path(corpus_root) / "plan" / "plan.txt"
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for number, _, _ in find_numbers(line):
            out.setdefault(number.key, f"第{i}行")
    return out


def reason_for(c: Candidate, core: bool, direction: Direction, case_titles: dict[str, str]) -> str:
    """A short Chinese reason tied to the scenario: its words, the plan, the cases, the standard's area."""
    parts = []
    if c.example:
        parts.append(f"方案为“{direction.name}”列举的示例国家标准")
    if c.industry:
        parts.append(f"专用于{c.std.industries[0]}等特定领域，场景提到了" + "、".join(f"“{m}”" for m in c.industry[:3]))
    if c.matched:
        parts.append("对应场景中的" + "、".join(f"“{m}”" for m in c.matched[:4]))
    elif c.related:
        parts.append("与场景中的" + "、".join(f"“{m}”" for m in c.related[:3]) + "有关")
    if c.std.area:
        parts.append(f"属于体系中的“{c.std.area.split(' ', 1)[-1]}”部分")
    if direction.name in c.std.directions and not c.example:
        parts.append(f"适用于{direction.name}")
    titles = [case_titles[cid] for cid in c.cases if cid in case_titles][:1]
    if titles:
        parts.append(f"案例《{titles[0]}》也采用了它")
    if not c.matched and not c.related and not c.example and c.rank is not None:
        parts.append(f"与场景描述语义相近（检索第{c.rank + 1}位）")
    if c.std.level != "national":
        parts.append(f"作为{LEVEL_ZH[c.std.level]}配套细化国家标准")
    text = "；".join(parts) + "。"
    if core:
        text = "核心标准：" + text
    if c.via:
        text += f"（由目录中的 {c.via} 落到此项：系列取具体部分、计划号取已发布版本）"
    if c.std.status == "plan":
        text += "（在研计划号，发布后请改用正式编号）"
    if c.std.replaced_by:
        text += f"（目录注明已被 {c.std.replaced_by} 代替，请核实现行版本）"
    return text


def sources_for(c: Candidate, plan_lines: dict[str, str]) -> list[Source]:
    out = [Source(source="standards/catalog.yaml", location=c.number)]
    for number in [c.number, c.via, c.std.part_of]:
        parsed = parse_number(number) if number else None
        if parsed and parsed.key in plan_lines:
            out.append(Source(source="plan/plan.txt", location=plan_lines[parsed.key]))
            break
    out += [Source(source=f"cases/{cid}.yaml", location="二、标准群构成") for cid in sorted(c.cases)]
    return out


def build_standards(chosen: list[Candidate], core: set[str], direction: Direction, ctx: Context,
                    reasons: dict[str, str] | None = None) -> list[SuggestedStandard]:
    case_titles = {c.id: c.title for c in ctx.corpus.cases}
    plan_lines = _plan_lines(ctx.settings.corpus_dir)
    out = []
    for c in chosen:
        reason = (reasons or {}).get(c.number) or reason_for(c, c.number in core, direction, case_titles)
        out.append(SuggestedStandard(number=c.number, title=c.std.title, level=c.std.level, status=c.std.status,
                                     core=c.number in core, reason=reason, sources=sources_for(c, plan_lines)))
    return out
