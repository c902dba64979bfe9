"""The polish result as text (CLI), and as a report (.md / .docx)."""
from __future__ import annotations

from pathlib import Path

from assistant.errors import InputError
from assistant.polish.result import RULES, PolishResult, rule_name

# ---- output ---------------------------------------------------------------------------------------


def render_polish(result: PolishResult) -> str:
    lines = [f"案例编辑检查：{result.source}"]
    if result.structure:
        lines.append(f"识别到的章节标题格式：{result.structure}")
    lines.append(f"共发现 {len(result.issues)} 处问题")
    for name in dict.fromkeys(rule_name(r) for r in RULES):  # rules sharing a name are listed together
        group = [i for i in result.issues if rule_name(i.rule) == name]
        if not group:
            continue
        lines.append("")
        lines.append(f"【{name}】{len(group)} 处")
        for k, issue in enumerate(group, 1):
            lines.append(f"  {k}. {issue.location}：{issue.message}")
            lines.append(f"     建议：{issue.fix}")
    lines.append("")
    lines.append("章节篇幅：" + "；".join(
        f"{s.heading} {s.chars}字" + (f"/{s.limit}" if s.limit else "") for s in result.sections))
    if result.rewrite:
        lines.append("")
        lines.append(f"【改写稿】（{result.rewrite.backend}）")
        for sec in result.rewrite.sections:
            lines.append(f"  {sec.heading}：{'采用' if sec.accepted else '未采用'}（{sec.reason}）")
            if sec.accepted:
                lines.extend("    " + ln for ln in sec.diff.splitlines())
    for notice in result.notices:
        lines.append(f"提示：{notice}")
    return "\n".join(lines)


def _markdown(result: PolishResult) -> str:
    from assistant.export import markdown_table

    parts = ["# 案例编辑检查报告", "", f"文件：{result.source}", ""]
    if result.structure:
        parts += [f"识别到的章节标题格式：{result.structure}", ""]
    parts += [f"共发现 {len(result.issues)} 处问题。", ""]
    if result.issues:
        parts.append(markdown_table(["#", "规则", "位置", "问题", "修改建议"],
                                    [(k, rule_name(i.rule), i.location, i.message, i.fix)
                                     for k, i in enumerate(result.issues, 1)]))
        parts.append("")
    parts += ["## 章节篇幅", "", markdown_table(["章节", "字数", "上限"],
                                              [(s.heading, s.chars, s.limit or "") for s in result.sections]), ""]
    if result.rewrite:
        parts += [f"## 改写稿（{result.rewrite.backend}）", ""]
        for sec in result.rewrite.sections:
            parts += [f"### {sec.heading}：{'采用' if sec.accepted else '未采用'}", "", sec.reason, ""]
            parts += ["```diff", sec.diff or "（无改动）", "```", ""]
    parts += [f"> {n}" for n in result.notices]
    return "\n".join(parts)


def write_polish(result: PolishResult, out_path: Path) -> Path:
    """Write the report as .md or .docx (atomically); any other extension is an InputError."""
    from assistant.export import add_table, docx_document, save_docx, write_markdown

    out_path = Path(out_path)
    suffix = out_path.suffix.lower()
    if suffix in {".md", ".markdown"}:
        return write_markdown(out_path, _markdown(result))
    if suffix != ".docx":
        raise InputError(f"{out_path.name}: 不支持的输出格式 {suffix or '(无扩展名)'}，请用 .docx 或 .md")
    doc = docx_document("案例编辑检查报告")
    doc.add_paragraph(f"文件：{result.source}")
    if result.structure:
        doc.add_paragraph(f"识别到的章节标题格式：{result.structure}")
    doc.add_paragraph(f"共发现 {len(result.issues)} 处问题。")
    if result.issues:
        add_table(doc, ["#", "规则", "位置", "问题", "修改建议"],
                  [(k, rule_name(i.rule), i.location, i.message, i.fix) for k, i in enumerate(result.issues, 1)])
    doc.add_heading("章节篇幅", level=1)
    add_table(doc, ["章节", "字数", "上限"], [(s.heading, s.chars, s.limit or "") for s in result.sections])
    if result.rewrite:
        doc.add_heading(f"改写稿（{result.rewrite.backend}）", level=1)
        for sec in result.rewrite.sections:
            doc.add_heading(f"{sec.heading}：{'采用' if sec.accepted else '未采用'}", level=2)
            doc.add_paragraph(sec.reason)
            for line in (sec.diff or "（无改动）").splitlines():
                doc.add_paragraph(line)
    for notice in result.notices:
        doc.add_paragraph(f"提示：{notice}")
    return save_docx(doc, out_path)
