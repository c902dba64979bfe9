"""The review as text (CLI), and as a reviewer's report (.docx / .md)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.errors import checked_suffix
from assistant.review.result import CITATION_ZH, STAGE_RULE, STAGE_ZH, STATUS_ZH, CitationResult, ReviewResult
from assistant.standards import LEVEL_ZH, parse_number


def unverifiable(c: CitationResult) -> bool:
    """A non-national number (行业/团体/地方/企业) the built-in catalog cannot confirm: unknown, but not a problem."""
    parsed = parse_number(c.normalized)
    return c.status == "unknown" and parsed is not None and parsed.level != "national"


def _plan_number(c: CitationResult) -> bool:
    parsed = parse_number(c.normalized)
    return parsed is not None and parsed.prefix == "PLAN"


def citation_note(c: CitationResult) -> str:
    """The human status of one citation, with the hint `expected` carries."""
    if c.status == "replaced" and _plan_number(c):
        return f"在研计划号，已发布为 {c.expected}，建议改用正式编号"
    if c.status in ("replaced", "abolished"):
        return (c.note or CITATION_ZH[c.status]) + ("，建议改用现行版本" if c.expected else "")
    if c.status == "ok" and c.note:
        return f"正确（{c.note}）"
    if c.status == "unknown" and c.expected:
        return f"目录未收录，是否应为 {c.expected}？"
    if unverifiable(c):
        parsed = parse_number(c.normalized)
        return f"{LEVEL_ZH[parsed.level]}，内置目录只收录重点国家标准和行业标准，无法核实，请人工核对"  # type: ignore[union-attr]
    if c.status in ("wrong_year", "title_mismatch") and c.expected:
        return f"{CITATION_ZH[c.status]}，应为 {c.expected}"
    return CITATION_ZH[c.status]


def citation_mark(c: CitationResult) -> str:
    if c.status == "ok":
        return "!" if c.expected else "✓"
    return "?" if unverifiable(c) else "✗"


# What a reviewer must act on comes first: wrong editions, then numbers to replace, then what only a person can check.
_PROBLEM_ORDER = ("wrong_year", "replaced", "abolished", "title_mismatch", "unknown")


@dataclass(frozen=True)
class CitationLine:
    """One cited number with one finding: every place it is cited, and every way it is written there."""

    citation: CitationResult  # its first occurrence
    written: tuple[str, ...]
    locations: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.locations)

    @property
    def where(self) -> str:
        """Every place once, with how often when a place cites it more than once: 第3行、第5行（2处）."""
        counts: dict[str, int] = {}
        for loc in self.locations:
            counts[loc] = counts.get(loc, 0) + 1
        return "、".join(loc + (f"（{n}处）" if n > 1 else "") for loc, n in counts.items())

    @property
    def rank(self) -> int:
        c = self.citation
        if c.status != "ok" and not unverifiable(c):
            return _PROBLEM_ORDER.index(c.status) if c.status in _PROBLEM_ORDER else len(_PROBLEM_ORDER)
        return len(_PROBLEM_ORDER) + (2 if unverifiable(c) else 3)

    @property
    def needs_action(self) -> bool:
        """A problem or a plan number to replace; what only a person can check, and correct ones, are not."""
        return self.rank <= len(_PROBLEM_ORDER) + 1


def merged_citations(citations: list[CitationResult]) -> list[CitationLine]:
    """Repeated citations merged (same number, same finding), problems first, then in order of first citation."""
    groups: dict[tuple[str, str, str | None], list[CitationResult]] = {}
    for c in citations:
        groups.setdefault((c.normalized, c.status, c.expected), []).append(c)
    lines = [CitationLine(cs[0], tuple(dict.fromkeys(c.text for c in cs)), tuple(c.location for c in cs))
             for cs in groups.values()]
    return sorted(lines, key=lambda line: line.rank)  # stable: ties keep the document's order


def citation_row(line: CitationLine) -> list[str]:
    """核查结果, 规范编号, 原文写法, 应为, 次数, 位置 — the same columns in the UI, the .docx and the .md report."""
    c = line.citation
    return [f"{citation_mark(c)} {citation_note(c)}", c.normalized, "、".join(line.written), c.expected or "",
            str(line.count), line.where]


CITATION_HEADERS = ["核查结果", "规范编号", "原文写法", "应为", "次数", "位置"]


def member_lines(result: ReviewResult) -> list[str]:
    """The group members as found: number, title, level, core."""
    out = []
    for k, m in enumerate(result.standard_group.members, 1):
        level = LEVEL_ZH.get(m.level, "") if m.level else ""
        title = f"《{m.title}》" if m.title else ""
        tags = "、".join(t for t in (level, "核心" if m.core else "") if t)
        out.append(f"{k}. {m.number} {title}" + (f"（{tags}）" if tags else ""))
    return out


def reading_lines(result: ReviewResult) -> list[str]:
    """What the reader must know before any verdict: the stage's yardstick, pages not read, repairs, injections."""
    lines = [f"评审阶段：{STAGE_ZH[result.stage]}。{STAGE_RULE[result.stage]}"]
    by_reason: dict[str, list[str]] = {}
    for p in result.unreadable_pages:
        by_reason.setdefault(p.reason, []).append(f"{p.page}" if p.page is not None else "")
    for reason, pages in by_reason.items():
        where = "部分内容" if pages == [""] else f"第{'、'.join(pages)}页"
        lines.append(f"⚠ {where}无法读取：{reason}。这些页上的内容没有参与评审，相关要求记为“无法判断”而不是“缺失”。")
    lines += [f"注：{r}" for r in result.repairs]
    for s in result.suspected_instructions:
        lines.append(f"⚠ 疑似写给评审助手的指令（不作为证据）：“{s.quote}”（{s.location}）")
    return lines


def make_summary(result: ReviewResult, group_where: str = "", llm_name: str = "") -> str:
    n = {s: sum(1 for r in result.requirements if r.status == s) for s in STATUS_ZH}
    counts = "、".join(f"{n[s]}项{STATUS_ZH[s]}" for s in ("covered", "planned", "partial", "missing", "unreadable")
                      if n[s] or s in ("covered", "partial", "missing"))
    parts = [f"{STAGE_ZH[result.stage]}，对照试点考核的{len(result.requirements)}项要求：{counts}"]
    if result.unreadable_pages:
        parts.insert(0, f"有{len(result.unreadable_pages)}页文字无法读取（{result.unreadable_pages[0].reason}）")
    # At application a concrete plan is what is asked for: "已有计划" is no gap to fill.
    gaps = [f"要求{r.id}“{r.name}”{STATUS_ZH[r.status]}" for r in result.requirements
            if r.status != "covered" and not (r.status == "planned" and result.stage == "application")]
    if gaps:
        parts.append("需要补充的是" + "，".join(gaps))
    cannot = [c for c in result.citations if unverifiable(c)]
    published = [c for c in result.citations if c.status == "replaced" and _plan_number(c)]
    bad = [c for c in result.citations if c.status != "ok" and not unverifiable(c) and c not in published]
    if result.citations:
        kinds = "、".join(f"{CITATION_ZH[s]}{k}处" for s in ("wrong_year", "title_mismatch", "replaced", "abolished", "unknown")
                         if (k := sum(1 for c in bad if c.status == s)))
        text = f"文中引用标准编号{len(result.citations)}处，" + (f"其中{len(bad)}处有问题（{kinds}）" if bad else
                                                            ("其余均与标准目录一致" if cannot else "均与标准目录一致"))
        if published:
            text += f"，{len(published)}处在研计划号已发布为正式标准，建议改用正式编号"
        if cannot:
            text += f"；另有{len(cannot)}处行业/团体/地方/企业标准无法用内置目录核实，请人工核对"
        parts.append(text)
    else:
        parts.append("文中没有引用标准编号")
    g = result.standard_group
    if g.count == 0:
        parts.append("未找到标准群清单")
    elif not g.violations:
        parts.append(f"标准群（{group_where}）共{g.count}项，符合方案规则")
    else:
        parts.append(f"标准群（{group_where}）共{g.count}项，不符合方案规则：{'；'.join(g.violations)}")
    if llm_name:
        tail = f"结论由规则与文档内检索得出，并经大模型（{llm_name}）复核；所有引文均已在原文中逐字核对。"
    else:
        tail = "结论由规则与文档内检索离线得出（未使用大模型），请结合原文人工复核。"
    return "；".join(parts) + "。" + tail

# ---- output ---------------------------------------------------------------------------------------------


def render_review(result: ReviewResult) -> str:
    lines = ["评审结论", "=" * 20] + reading_lines(result) + ["", result.summary, ""]
    for r in result.requirements:
        lines.append(f"[{STATUS_ZH[r.status]}] 要求{r.id} {r.name}")
        for e in r.evidence:
            lines.append(f"    · “{e.quote}”（{e.location}）")
        lines.append(f"    建议：{r.advice}")
    merged = merged_citations(result.citations)
    lines += ["", f"标准引用 ({len(result.citations)}处，{len(merged)}个编号"
                  + (f"，{k}个需要处理，列在前面" if (k := sum(line.needs_action for line in merged)) else "") + ")"]
    for line in merged:
        c = line.citation
        times = f"共{line.count}处：" if line.count > 1 else ""
        lines.append(f"  {citation_mark(c)} {c.normalized}：{citation_note(c)}（{times}{line.where}）")
    g = result.standard_group
    lines += ["", f"标准群：{g.count}项，{'有' if g.has_national_core else '没有'}国家标准核心"]
    if g.members:
        lines += ["  识别到的成员："] + [f"    {line}" for line in member_lines(result)]
    lines += [f"  ✗ {v}" for v in g.violations] or ["  ✓ 符合方案规则"]
    if result.notices:
        lines += ["", "提示："] + [f"  {n}" for n in result.notices]
    return "\n".join(lines)


def _report_sections(result: ReviewResult):
    summary_rows = [[r.id, r.name, STATUS_ZH[r.status], len(r.evidence)] for r in result.requirements]
    citation_rows = [citation_row(line) for line in merged_citations(result.citations)]
    return summary_rows, citation_rows


def write_review_report(result: ReviewResult, out_path: Path) -> Path:
    """A reviewer's report: summary table first, then details with quotes; .docx or .md by suffix."""
    from assistant.export import add_table, docx_document, markdown_table, save_docx, write_markdown

    out_path = Path(out_path)
    suffix = checked_suffix(out_path, (".docx", ".md", ".markdown"), "报告")
    summary_rows, citation_rows = _report_sections(result)
    req_header = ["序号", "考核要求", "结论", "证据数"]
    cit_header = CITATION_HEADERS
    title = "试点材料评审报告"
    g = result.standard_group
    group_lines = [f"标准数量：{g.count}项；国家标准核心：{'有' if g.has_national_core else '无'}"]
    group_lines += [f"成员 {line}" for line in member_lines(result)]
    group_lines += [f"问题：{v}" for v in g.violations] or ["符合方案规则（5–20项，以国家标准为核心）"]

    if suffix == ".docx":
        doc = docx_document(title)
        if result.source:
            doc.add_paragraph(f"材料：{Path(result.source).name}")
        doc.add_heading("总体结论", level=1)
        for line in reading_lines(result):
            doc.add_paragraph(line)
        doc.add_paragraph(result.summary)
        add_table(doc, req_header, summary_rows)
        doc.add_heading("逐项审查", level=1)
        for r in result.requirements:
            doc.add_heading(f"要求{r.id}：{r.name}（{STATUS_ZH[r.status]}）", level=2)
            for e in r.evidence:
                doc.add_paragraph(f"“{e.quote}”（{e.location}）", style="List Bullet")
            if not r.evidence:
                doc.add_paragraph("未找到原文证据。")
            doc.add_paragraph(f"建议：{r.advice}")
        doc.add_heading("标准引用核查", level=1)
        if citation_rows:
            add_table(doc, cit_header, citation_rows)
        else:
            doc.add_paragraph("文中没有引用标准编号。")
        doc.add_heading("标准群核查", level=1)
        for line in group_lines:
            doc.add_paragraph(line)
        if result.notices:
            doc.add_heading("提示", level=1)
            for n in result.notices:
                doc.add_paragraph(n)
        return save_docx(doc, out_path)

    md = [f"# {title}", ""]
    if result.source:
        md += [f"材料：{Path(result.source).name}", ""]
    md += ["## 总体结论", ""] + [f"- {line}" for line in reading_lines(result)] + ["", result.summary, "", markdown_table(req_header, summary_rows), "", "## 逐项审查", ""]
    for r in result.requirements:
        md += [f"### 要求{r.id}：{r.name}（{STATUS_ZH[r.status]}）", ""]
        md += [f"- “{e.quote}”（{e.location}）" for e in r.evidence] or ["- 未找到原文证据。"]
        md += ["", f"建议：{r.advice}", ""]
    md += ["## 标准引用核查", ""]
    md += [markdown_table(cit_header, citation_rows) if citation_rows else "文中没有引用标准编号。", ""]
    md += ["## 标准群核查", ""] + [f"- {line}" for line in group_lines]
    if result.notices:
        md += ["", "## 提示", ""] + [f"- {n}" for n in result.notices]
    return write_markdown(out_path, "\n".join(md))
