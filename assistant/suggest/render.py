"""Suggestions as text for the CLI, and as a .docx/.md file: members, the coverage map, rule checks, notes."""
from __future__ import annotations

from pathlib import Path

from assistant.errors import checked_suffix
from assistant.standards import LEVEL_ZH, GroupChecks
from assistant.suggest.result import USER_DIRECTION_NOTE, Suggestion, sources_text

ROLE_ZH = {"need": "对应需求", "companion": "配套", "filler": "补足项数", "user": "用户添加"}
COVERAGE_HEADER = ["需求", "场景原文", "标准", "说明"]
MEMBER_HEADER = ["序号", "核心", "标准编号", "标准名称", "层级·状态", "角色", "理由"]


def render_checks(checks: GroupChecks, members: bool = True) -> str:
    """The rule checks; with `members`, every member's catalog status first (a suggestion lists them itself)."""
    lines = [f"标准数量：{checks.count} 项", f"含国家标准核心：{'是' if checks.has_national_core else '否'}"]
    if members and checks.checked:
        lines.append("逐项核对：")
        lines += [f"  {'★' if m.core else ' '} {m.number}" + (f"《{m.title}》" if m.title else "")
                  + (f"［{m.level}］" if m.level else "") + f"：{m.status}" for m in checks.checked]
    if checks.violations:
        lines.append("不符合方案规则：")
        lines += [f"  ✗ {v}" for v in checks.violations]
    else:
        lines.append("✓ 符合方案对标准群的规则（5–20 项，至少 1 项国家标准为核心）")
    return "\n".join(lines)


def user_chose_direction(result: Suggestion) -> bool:
    """Whether --direction fixed the direction (the note says it, and survives a JSON round trip)."""
    return any(n.startswith(USER_DIRECTION_NOTE) for n in result.notes)


def coverage_rows(result: Suggestion) -> list[list[str]]:
    """need → quoted phrase → standards (or 未覆盖 with what to do)."""
    return [[c.name, f"“{c.phrase}”", "、".join(c.standards) if c.standards else "未覆盖", c.advice]
            for c in result.coverage]


def _status(s) -> str:
    return f"{LEVEL_ZH[s.level]}·{'已发布' if s.status == 'published' else '在研'}"


def render_suggestion(result: Suggestion) -> str:
    how = "用户指定" if user_chose_direction(result) else result.direction_reason
    lines = [f"试点方向：{result.direction}", f"  依据：{how}", "", "需求覆盖："]
    for name, phrase, numbers, advice in coverage_rows(result) or [["（未识别到具体需求）", "", "", ""]]:
        lines.append(f"  · {name} {phrase} → {numbers}")
        if advice:
            lines.append(f"      {advice}")
    lines += ["", f"建议标准群（{len(result.standards)} 项，★ 为核心标准）："]
    for i, s in enumerate(result.standards, start=1):
        mark = "★" if s.core else " "
        lines.append(f"{i:>2}. {mark} {s.number}  《{s.title}》  [{_status(s)}]  〔{ROLE_ZH[s.role]}〕")
        lines.append(f"      理由：{s.reason}")
        lines.append("      来源：" + sources_text(s.sources))
    lines += ["", "规则检查：", *("  " + ln for ln in render_checks(result.checks, members=False).splitlines())]
    if result.notes:
        lines += ["", "说明：", *(f"  · {n}" for n in result.notes)]
    return "\n".join(lines)


def _member_rows(result: Suggestion) -> list[list[str]]:
    return [[str(i), "★" if s.core else "", s.number, s.title, _status(s), ROLE_ZH[s.role], s.reason]
            for i, s in enumerate(result.standards, start=1)]


def write_suggestion(result: Suggestion, out_path: Path) -> Path:
    """The suggestion as .docx or .md: direction, coverage map, members, checks, notes."""
    from assistant.export import add_table, docx_document, markdown_table, save_docx, write_markdown

    out_path = Path(out_path)
    suffix = checked_suffix(out_path, (".docx", ".md", ".markdown"))
    title, direction = "标准群建议", f"试点方向：{result.direction}。{result.direction_reason}"
    checks = render_checks(result.checks, members=False).splitlines()
    if suffix == ".docx":
        doc = docx_document(title)
        doc.add_paragraph(direction)
        doc.add_heading("需求覆盖", level=1)
        add_table(doc, COVERAGE_HEADER, coverage_rows(result))
        doc.add_heading("标准群", level=1)
        add_table(doc, MEMBER_HEADER, _member_rows(result))
        doc.add_heading("规则检查与说明", level=1)
        for line in [*checks, *result.notes]:
            doc.add_paragraph(line, style="List Bullet")
        return save_docx(doc, out_path)
    text = "\n\n".join([f"# {title}", direction, "## 需求覆盖", markdown_table(COVERAGE_HEADER, coverage_rows(result)),
                        "## 标准群", markdown_table(MEMBER_HEADER, _member_rows(result)), "## 规则检查与说明",
                        "\n".join(f"- {line}" for line in [*checks, *result.notes])])
    return write_markdown(out_path, text)
