"""Suggestions and group checks as text for the CLI."""
from __future__ import annotations

from assistant.standards import LEVEL_ZH, GroupChecks
from assistant.suggest.result import USER_DIRECTION_NOTE, Suggestion


def render_checks(checks: GroupChecks) -> str:
    lines = [f"标准数量：{checks.count} 项", f"含国家标准核心：{'是' if checks.has_national_core else '否'}"]
    if checks.violations:
        lines.append("不符合方案规则：")
        lines += [f"  ✗ {v}" for v in checks.violations]
    else:
        lines.append("✓ 符合方案对标准群的规则（5–20 项，至少 1 项国家标准为核心）")
    return "\n".join(lines)


def user_chose_direction(result: Suggestion) -> bool:
    """Whether --direction fixed the direction (the JSON has no flag of its own; the note says it, and survives)."""
    return any(n.startswith(USER_DIRECTION_NOTE) for n in result.notes)


def render_suggestion(result: Suggestion) -> str:
    how = "用户指定" if user_chose_direction(result) else "据场景自动判断"  # no confidence figure (issue 18)
    lines = [f"试点方向：{result.direction}（{how}）", "",
             f"建议标准群（{len(result.standards)} 项，★ 为核心标准）："]
    for i, s in enumerate(result.standards, start=1):
        mark = "★" if s.core else " "
        status = "已发布" if s.status == "published" else "在研"
        lines.append(f"{i:>2}. {mark} {s.number}  《{s.title}》  [{LEVEL_ZH[s.level]}·{status}]")
        lines.append(f"      理由：{s.reason}")
        lines.append("      来源：" + "；".join(f"{src.source} {src.location}" for src in s.sources))
    lines += ["", "规则检查：", *("  " + ln for ln in render_checks(result.checks).splitlines())]
    if result.notes:
        lines += ["", "说明：", *(f"  · {n}" for n in result.notes)]
    return "\n".join(lines)
