"""The draft as a document: Markdown or DOCX with the group table, sources and notices."""
from __future__ import annotations

from pathlib import Path

from assistant.draft.result import Draft, GroupRow
from assistant.errors import InputError, suffix_refused
from assistant.suggest.result import sources_text

GROUP_HEADER = ["编号", "名称", "层级", "角色"]


def group_markdown(rows: list[GroupRow]) -> str:
    """The group as a Markdown table (streamed under its heading and in the exported Markdown)."""
    from assistant.export import markdown_table

    return markdown_table(GROUP_HEADER, [[r.number, r.title, r.level, r.role] for r in rows])


def document_notices(draft: Draft) -> list[str]:
    """Notices as the document shows them: numbers that failed the catalog check stay out of the document
    (they are listed in `removed_numbers` and on stderr)."""
    out = []
    for n in draft.notices:
        for number in sorted(set(draft.removed_numbers), key=len, reverse=True):
            n = n.replace(number, "【未核实编号】")
        out.append(n)
    return out


def render_draft(draft: Draft) -> str:
    """The draft as Markdown: title, how it was made, sections (group as a table), sources, notices."""
    out = [f"# {draft.title}", "", f"> {draft.banner}", ""]
    for s in draft.sections:
        out += [f"## {s.heading}", ""]
        if s.table:
            out += [group_markdown(draft.group), ""]
        out += [s.text, ""]
    out += ["## 参考来源", ""]
    for s in draft.sections:
        if s.sources:
            out.append(f"- {s.heading}：" + sources_text(s.sources))
    if draft.notices:
        out += ["", "## 生成说明", ""] + [f"- {n}" for n in document_notices(draft)]
    return "\n".join(out).rstrip() + "\n"


def write_draft(draft: Draft, path: Path) -> Path:
    """Write .docx (real headings and table) or .md; anything else is an input error."""
    from assistant.export import save_docx, write_markdown

    suffix = Path(path).suffix.lower()
    if suffix == ".md":
        return write_markdown(path, render_draft(draft))
    if suffix == ".docx":
        return save_docx(_docx(draft), path)
    raise InputError(f"{path}: 只能导出 .docx 或 .md，{suffix_refused(suffix)}")


def _docx(draft: Draft):
    from assistant.export import add_table, docx_document

    doc = docx_document(draft.title)
    doc.add_paragraph().add_run(draft.banner).italic = True
    for s in draft.sections:
        doc.add_heading(s.heading, level=1)
        if s.table:
            add_table(doc, GROUP_HEADER, [[r.number, r.title, r.level, r.role] for r in draft.group])
        _docx_text(doc, s.text)
    doc.add_heading("参考来源", level=1)
    for s in draft.sections:
        if s.sources:  # one line a section, as in the Markdown
            doc.add_paragraph(f"{s.heading}：{sources_text(s.sources)}", style="List Bullet")
    if draft.notices:
        doc.add_heading("生成说明", level=1)
        for n in document_notices(draft):
            doc.add_paragraph(n, style="List Bullet")
    return doc


def _docx_text(doc, text: str) -> None:
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(("- ", "* ")):
            doc.add_paragraph(stripped[2:], style="List Bullet")
        else:
            doc.add_paragraph(stripped.lstrip("#").strip() if stripped.startswith("#") else stripped)
