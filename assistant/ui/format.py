"""Pure formatting for the web UI: core results in, table rows or escaped HTML out (no Gradio, no I/O).

Every string that may come from a user's document goes through `esc` (HTML) or `md_text` (Markdown), so the
page never renders markup that a document carried in.
"""
from __future__ import annotations

import difflib
import html
import re
from pathlib import Path
from typing import Any, Iterable, Sequence

from assistant.labels import source_label
from assistant.polish.result import rule_name
from assistant.review.report import CITATION_HEADERS, CitationLine, citation_row, merged_citations  # noqa: F401 (fmt.CITATION_HEADERS)
from assistant.review.result import CITATION_ZH, CitationResult  # noqa: F401  (one wording: CLI, report and UI)
from assistant.standards import LEVEL_ZH, GroupMember

STATUS_ZH = {"published": "已发布", "plan": "在研计划号", "replaced": "已被代替", "abolished": "已废止"}
VERDICT_ZH = {"covered": "已覆盖", "planned": "已有计划", "partial": "部分覆盖", "missing": "缺失", "unreadable": "无法判断"}
# Background / border colours per verdict: green, blue, amber, red, grey (readable on light and dark themes).
VERDICT_COLOURS = {"covered": ("#e6f4ea", "#1e8e3e"), "planned": ("#e8f0fe", "#1a73e8"), "partial": ("#fef7e0", "#e37400"),
                   "missing": ("#fce8e6", "#d93025"), "unreadable": ("#f1f3f4", "#5f6368")}
# The review stage as the page offers it (first: the default).
STAGE_LABELS = ["验收阶段（看已完成的成果）", "申报阶段（看计划是否具体）"]
DOC_TYPE_ZH = {"plan": "实施方案", "standard": "标准目录", "requirement": "考核要求", "case": "案例", "upload": "上传文档"}

GROUP_HEADERS = ["核心", "标准编号", "标准名称", "层级", "状态", "推荐理由", "依据来源"]
CATALOG_HEADERS = ["标准编号", "标准名称", "层级", "状态", "适用需求", "适用行业", "体系位置", "来源"]
ALL = "全部"  # the 知识库 filters' "no restriction" choice
NO_MATCH = "没有符合条件的标准"
ISSUE_HEADERS = ["规则", "位置", "问题", "修改建议"]
HIT_HEADERS = ["#", "类型", "来源", "内容"]  # no score column: ranks and scores are internal

_LEVEL_FROM_ZH = {v: k for k, v in LEVEL_ZH.items()}
_STATUS_FROM_ZH = {v: k for k, v in STATUS_ZH.items()}
_TRUE = {"true", "1", "yes", "y", "是", "核心", "✓", "√", "x"}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")


def get(obj: Any, name: str, default: Any = None) -> Any:
    """Field of a pydantic model, dataclass or dict alike (the core returns all three)."""
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def esc(value: Any) -> str:
    """HTML-escaped text of any value (None → empty)."""
    return html.escape("" if value is None else str(value), quote=True)


def md_text(value: Any) -> str:
    """Plain text made inert inside Markdown: no HTML, links, images or emphasis from the text itself."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape("" if value is None else str(value), quote=False))


def inert_markdown(markdown: str) -> str:
    """Our own generated Markdown (drafts) with any raw HTML it quotes shown as text, not rendered."""
    return markdown.replace("<", "&lt;")


def one_line(message: str, limit: int = 300) -> str:
    """An error message as one short line."""
    line = " ".join(str(message).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


# ---- apply tab -------------------------------------------------------------------------------------------


def sources_text(sources: Iterable[Any], corpus: Any = None) -> str:
    """Sources as people name them (assistant/labels.py), each once."""
    labels = [source_label(get(s, "source", ""), get(s, "location", ""), corpus) for s in sources or []]
    return "；".join(dict.fromkeys(labels))


def group_rows(standards: Iterable[Any], corpus: Any = None) -> list[list[Any]]:
    """Suggested standards as rows of the editable group table."""
    rows = []
    for s in standards:
        level, status = get(s, "level"), get(s, "status")
        rows.append([bool(get(s, "core", False)), get(s, "number", ""), get(s, "title", ""),
                     LEVEL_ZH.get(level, level or ""), STATUS_ZH.get(status, status or ""),
                     get(s, "reason", ""), sources_text(get(s, "sources", []), corpus)])
    return rows


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in _TRUE


def _cell(row: Sequence[Any], i: int) -> str:
    value = row[i] if i < len(row) else ""
    return "" if value is None or value != value else str(value).strip()  # value != value: pandas NaN


def table_records(table: Any) -> list[list[Any]]:
    """Rows of a Gradio Dataframe value (pandas DataFrame, {'data': ...} dict or list of lists)."""
    if table is None:
        return []
    if hasattr(table, "values") and hasattr(table, "columns"):
        return [list(r) for r in table.values.tolist()]
    if isinstance(table, dict):
        return [list(r) for r in table.get("data", [])]
    return [list(r) for r in table]


def _row_member(row: Sequence[Any]) -> GroupMember | None:
    number = _cell(row, 1)
    if not number:
        return None
    level, status = _cell(row, 3), _cell(row, 4)
    return GroupMember(
        number=number, title=_cell(row, 2), core=_truthy(row[0]),
        level=_LEVEL_FROM_ZH.get(level, level if level in LEVEL_ZH else None),
        status=_STATUS_FROM_ZH.get(status, status if status in STATUS_ZH else None),
    )


def rows_to_members(table: Any) -> list[GroupMember]:
    """The group table as edited by the user; rows without a number are ignored."""
    return [m for m in map(_row_member, table_records(table)) if m is not None]


def rows_to_standards(table: Any) -> list[dict]:
    """The edited group table as Suggestion.standards dicts (the reason kept; sources dropped when edited)."""
    out = []
    for row in table_records(table):
        member = _row_member(row)
        if member is not None:
            out.append({**member.model_dump(), "reason": _cell(row, 5), "sources": []})
    return out


def checks_markdown(checks: Any) -> str:
    """Group rule checks as a short Markdown block (messages come from our rules, numbers from the user)."""
    count, core = get(checks, "count", 0), get(checks, "has_national_core", False)
    head = f"**规则检查**：共 {count} 项标准；国家标准核心：{'有' if core else '无'}"
    violations = get(checks, "violations", []) or []
    if not violations:
        return head + "\n\n✓ 符合实施方案对标准群的要求（5–20 项，至少 1 项国家标准为核心）。"
    return head + "\n\n" + "\n".join(f"- ⚠️ {md_text(v)}" for v in violations)


def suggestion_markdown(suggestion: Any) -> str:
    """Direction with its reason, the coverage map (need → quoted phrase → standards, uncovered needs), notes."""
    from assistant.suggest import USER_DIRECTION_NOTE

    notes = get(suggestion, "notes", []) or []
    chosen = any(str(n).startswith(USER_DIRECTION_NOTE) for n in notes)
    reason = "" if chosen else get(suggestion, "direction_reason", "") or ""
    lines = [f"**试点方向**：{md_text(get(suggestion, 'direction', '') or '未确定')}{'（用户指定）' if chosen else '（据场景自动判断）'}"]
    if reason:
        lines.append(f"\n依据：{md_text(reason)}")
    lines += ["", coverage_markdown(get(suggestion, "coverage", []) or []), ""]
    lines += [f"- {md_text(n)}" for n in notes]
    return "\n".join(lines)


COVERAGE_HEADERS = ["需求", "场景原文", "标准", "说明"]


def coverage_markdown(coverage: Iterable[Any]) -> str:
    """The coverage map as a Markdown table; an uncovered need says so and what the user can do."""
    rows = [[get(c, "name", ""), f"“{get(c, 'phrase', '')}”", "、".join(get(c, "standards", []) or []) or "**未覆盖**",
             get(c, "advice", "")] for c in coverage]
    if not rows:
        return "**需求覆盖**：场景中没有识别到具体需求。"
    head = "| " + " | ".join(COVERAGE_HEADERS) + " |\n|---|---|---|---|"
    body = ["| " + " | ".join(cell if cell == "**未覆盖**" else md_text(cell) for cell in row) + " |" for row in rows]
    return "**需求覆盖**\n\n" + head + "\n" + "\n".join(body)


def notices_markdown(notices: Iterable[str]) -> str:
    return "\n".join(f"> {md_text(n)}" for n in notices or [])


# ---- review tab ------------------------------------------------------------------------------------------


def verdict_status(requirement: Any) -> str:
    status = str(get(requirement, "status", "missing"))
    return status if status in VERDICT_ZH else "missing"


def verdicts_html(requirements: Iterable[Any]) -> str:
    """The requirement verdicts as a colour-coded table with evidence quotes and advice, all escaped."""
    rows = []
    for r in requirements:
        status = verdict_status(r)
        bg, fg = VERDICT_COLOURS[status]
        evidence = "".join(
            f"<li>“{esc(get(e, 'quote', ''))}”<span style='color:#666'>（{esc(get(e, 'location', ''))}）</span></li>"
            for e in get(r, "evidence", []) or []) or "<li>未找到证据</li>"
        rows.append(
            f"<tr class='verdict verdict-{status}' data-status='{status}' style='background:{bg};color:#202124'>"
            f"<td style='border-left:6px solid {fg};padding:6px'>{esc(get(r, 'id', ''))}. {esc(get(r, 'name', ''))}</td>"
            f"<td style='color:{fg};font-weight:bold;padding:6px;white-space:nowrap'>{VERDICT_ZH[status]}</td>"
            f"<td style='padding:6px'><ul style='margin:0'>{evidence}</ul></td>"
            f"<td style='padding:6px'>{esc(get(r, 'advice', ''))}</td></tr>")
    head = "".join(f"<th style='text-align:left;padding:6px;width:{w}'>{h}</th>"
                   for h, w in (("考核要求", "18%"), ("结论", "8%"), ("证据（原文与位置）", "40%"), ("建议", "34%")))
    return (f"<table id='verdict-table' style='width:100%;border-collapse:collapse'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def citation_lines(citations: Iterable[Any]) -> list[CitationLine]:
    """The report's citation lines: repeated citations merged, what needs action first (CLI and report alike)."""
    return merged_citations([c if isinstance(c, CitationResult) else CitationResult(**c) for c in citations or []])


def citation_rows(citations: Iterable[Any]) -> list[list[str]]:
    return [citation_row(line) for line in citation_lines(citations)]


def stage_of(label: str | None) -> str:
    return "application" if label and label.startswith("申报") else "acceptance"


def rename_batch_rows(rows: list, names: dict[str, str], refused: list[tuple[str, str]]) -> list:
    """Batch rows naming files as uploaded (not by their stored names), with a row for each refused upload."""
    from assistant.review.batch import BatchRow

    for row in rows:
        shown = names.get(row.file, row.file)
        row.error, row.file = row.error.replace(row.file, shown), shown
    return rows + [BatchRow(file=name, error=error) for name, error in refused]


def zip_folder(folder: Path, target: Path, extra: Iterable[Path] = ()) -> Path:
    import zipfile

    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(Path(folder).glob("*")) if Path(folder).is_dir() else []:
            zf.write(path, path.name)
        for path in extra:
            zf.write(path, Path(path).name)
    return target


def review_summary_html(result: Any) -> str:
    reqs = list(get(result, "requirements", []) or [])
    counts = {k: sum(verdict_status(r) == k for r in reqs) for k in VERDICT_ZH}
    counts = {k: n for k, n in counts.items() if n or k in ("covered", "partial", "missing")}
    badges = " ".join(
        f"<span style='background:{VERDICT_COLOURS[k][0]};color:{VERDICT_COLOURS[k][1]};padding:2px 8px;"
        f"border-radius:8px;font-weight:bold'>{VERDICT_ZH[k]} {n}</span>" for k, n in counts.items())
    notices = "".join(f"<li>{esc(n)}</li>" for n in get(result, "notices", []) or [])
    reading = "".join(f"<li>{esc(line)}</li>" for line in _reading_lines(result))
    return (f"<ul id='review-reading'>{reading}</ul>" + f"<div id='review-counts'>{badges}</div><p>{esc(get(result, 'summary', ''))}</p>"
            + (f"<ul>{notices}</ul>" if notices else ""))


def _reading_lines(result: Any) -> list[str]:
    from assistant.review.report import reading_lines

    return reading_lines(result) if hasattr(result, "stage") else []


def group_checks_html(checks: Any) -> str:
    if checks is None:
        return "<p>文中未识别出标准群。</p>"
    violations = get(checks, "violations", []) or []
    items = "".join(f"<li>⚠️ {esc(v)}</li>" for v in violations) or "<li>✓ 符合标准群规则</li>"
    core = "有" if get(checks, "has_national_core", False) else "无"
    return f"<p><b>标准群检查</b>：{esc(get(checks, 'count', 0))} 项；国家标准核心：{core}</p><ul>{items}</ul>"


# ---- editor tab ------------------------------------------------------------------------------------------


def issue_rows(issues: Iterable[Any]) -> list[list[str]]:
    """Polish issues as table rows; the rule by its Chinese name (the same names as the CLI report)."""
    return [[rule_name(str(get(i, "rule", ""))), get(i, "location", ""), get(i, "message", ""), get(i, "fix", "") or ""]
            for i in issues or []]


def rewrite_html(rewrite: Any) -> str:
    """A suggested rewrite, section by section, as escaped diffs (or a short note when there is none)."""
    if rewrite is None:
        return "<p>未生成改写稿：离线模式只做规则检查（配置大模型后可生成改写建议）。</p>"
    parts = []
    for sec in get(rewrite, "sections", []) or []:
        verdict = "采用" if get(sec, "accepted", False) else "未采用"
        reason = f"：{esc(get(sec, 'reason', ''))}" if get(sec, "reason", "") else ""
        parts.append(f"<h4 style='margin:12px 0 4px'>{esc(get(sec, 'heading', ''))}"
                     f"<small style='font-weight:normal;color:#666'>（{verdict}{reason}）</small></h4>"
                     + diff_html(get(sec, "original", ""), get(sec, "rewritten", "")))
    return "".join(parts) or "<p>改写稿与原文一致。</p>"


def diff_html(old: str, new: str) -> str:
    """A character-level diff of two texts: deletions struck through in red, insertions in green; escaped."""
    out = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            out.append(f"<del style='background:#fce8e6;color:#a50e0e'>{esc(old[a0:a1])}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins style='background:#e6f4ea;color:#0d652d;text-decoration:none'>{esc(new[b0:b1])}</ins>")
        if op == "equal":
            out.append(esc(old[a0:a1]))
    return f"<div class='diff-body' style='white-space:pre-wrap;line-height:1.7'>{''.join(out)}</div>"


# ---- knowledge tab ---------------------------------------------------------------------------------------


def catalog_rows(standards: Iterable[Any], query: str = "", need_names: dict[str, str] | None = None,
                 successors: dict[str, str] | None = None) -> list[list[str]]:
    """Catalog entries as table rows, keeping those whose text contains every word of `query`.

    `successors` (number -> the number that replaced it) puts the successor beside a replaced edition."""
    from assistant.catalog import Filter

    keep, names, later = Filter(query=query), need_names or {}, successors or {}
    rows = []
    for s in standards:
        if not keep.keeps(s):
            continue
        status = STATUS_ZH.get(s.status, s.status) + (f"（{later[s.number]}）" if s.number in later else "")
        # plan.txt is our file name for the plan; a reader knows it as the programme's 实施方案.
        source = s.source if s.user else "内置目录：" + s.source.replace("plan.txt", "试点实施方案原文")
        rows.append([s.number, s.title, LEVEL_ZH.get(s.level, s.level), status,
                     "、".join(names.get(n, n) for n in s.needs), "、".join(s.industries[:1]) or "通用", s.area, source])
    return rows


def catalog_count(shown: int, total: int, users: int) -> str:
    """The line above the catalog table: how many entries pass the filters, or the honest empty state."""
    if shown == 0:
        return f"**{NO_MATCH}**（目录共 {total} 项；请放宽筛选条件）"
    mine = f"，其中用户导入 {users} 项" if users else ""
    return f"显示 {shown} 项（目录共 {total} 项{mine}）"


def import_markdown(report: Any) -> str:
    """The result of a catalog import: what was stored, or every bad row (and that nothing changed)."""
    name = md_text(Path(report.file).name) if report.file else "文件"
    if not report.ok:
        rows = "\n".join(f"- {md_text(e)}" for e in report.errors)
        return (f"✗ **导入失败**：{name} 中有 {len(report.errors)} 处错误，用户目录未做任何改动"
                f"（仍为 {report.total} 项）。请修改以下各行后重新导入：\n\n{rows}")
    notes = "".join(f"\n- {md_text(n)}" for n in report.notices)
    return (f"✓ 已导入 {len(report.added) + len(report.updated)} 项（新增 {len(report.added)}，更新 "
            f"{len(report.updated)}），用户目录共 {report.total} 项。{notes}")


def hit_rows(hits: Iterable[Any], corpus: Any = None) -> list[list[Any]]:
    """Search hits in rank order, each with its human source label (no score: it means nothing to a reader)."""
    return [[i, DOC_TYPE_ZH.get(h.doc_type, h.doc_type), source_label(h.source, h.location, corpus), h.text]
            for i, h in enumerate(hits, start=1)]


def no_hits_markdown(query: str, filtered: bool) -> str:
    """The empty state of a search: nothing relevant, and what to try instead."""
    tips = ["换个说法或写得更具体", "写标准编号（如 GB/T 39116）"]
    if filtered:
        tips.insert(0, "去掉类型限制")
    tips.append("在下方“加入文档”上传相关资料")
    return f"**无结果**：知识库中没有与“{md_text(query)}”相关的内容。可以{'、'.join(tips)}。"


def source_name(source: str) -> str:
    """A source as people know it: corpus-relative paths stay, absolute paths show the file name only."""
    return re.split(r"[\\/]", source)[-1] if source.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", source) else source


def status_markdown(llm_name: str, offline: bool, chunks: int | None, model: str) -> str:
    backend = "离线模式（未配置大模型）" if offline else f"大模型：{md_text(llm_name)}"
    size = f"{chunks} 段" if chunks is not None else "未建立"
    return f"{backend} ｜ 索引：{size} ｜ 嵌入模型：{md_text(model)}"
