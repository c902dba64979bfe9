"""Drafting the programme's documents section by section, grounded in retrieved passages, and exporting them.

Each kind (application, guide, case, revision) is a template in prompts/draft/<kind>.yaml: a list of sections,
each with a retrieval query, an offline template and an LLM instruction. Offline (the default) the sections are
filled from the scenario, the standard group, plan facts and retrieved excerpts, with 【待补充：…】 for what the
applicant must write. With an LLM, sections are streamed one by one; any failure falls back to the offline
template with a notice. Either way every standard number in the output is checked against the catalog.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Literal

from pydantic import BaseModel, ValidationError

from assistant.context import Context
from assistant.errors import AssistantError, InputError, LLMError
from assistant.prompts import Prompt, load_prompt, render_template
from assistant.retrieve import Hit
from assistant.standards import (
    LEVEL_ZH,
    Catalog,
    GroupChecks,
    GroupMember,
    check_citations,
    check_group,
    find_numbers,
    parse_number,
)
from assistant.suggest import Source, SuggestedStandard, Suggestion, suggest_group
from assistant.textnorm import split_sentences

KINDS = ("application", "guide", "case", "revision")
REMOVED = "【已删除未核实的标准编号】"
HITS_PER_SECTION = 5
FACTS_SHOWN = 3  # offline: excerpts quoted per section
FACT_CHARS = 160
PROMPT_FACT_CHARS = 600
SCENARIO_QUERY_CHARS = 200
SCENARIO_PROMPT_CHARS = 4000  # a long @file scenario is sent once per section: keep prompts bounded
MAX_REVISABLE = 5  # revision proposals: the core standards first, a handful in all
GROUP_HEADER = ["编号", "名称", "层级", "角色"]

OnToken = Callable[[str], None]


# ---- the JSON contract -------------------------------------------------------------------------------


class Section(BaseModel):
    heading: str
    text: str
    sources: list[Source] = []
    composer: Literal["llm", "offline"] = "offline"
    table: bool = False  # the standard-group table belongs under this heading


class GroupRow(BaseModel):
    number: str
    title: str
    level: str
    role: Literal["核心", "配套"]


class CheckedCitation(BaseModel):
    text: str
    normalized: str
    status: str
    expected: str | None = None
    section: str
    action: Literal["kept", "removed", "corrected", "flagged"]


class Draft(BaseModel):
    kind: str
    title: str
    backend: str  # "offline" or the model name
    direction: str
    banner: str
    sections: list[Section]
    group: list[GroupRow]
    citations_checked: list[CheckedCitation] = []
    removed_numbers: list[str] = []
    notices: list[str] = []


# ---- untrusted text ------------------------------------------------------------------------------------

_INJECTION = re.compile(
    r"(忽略|无视|不要理会|忘记|忘掉|不再遵守)(掉)?(你)?(以上|上述|之前|前面|先前|上面|所有|全部|此前)"
    r"|ignore\s+(all\s+|any\s+)?(the\s+)?(previous|above|prior|earlier)"
    r"|disregard\s+(all\s+|the\s+)?(previous|above|prior)"
    r"|system\s+prompt|系统提示词|你现在(是|扮演)|you\s+are\s+now|改为输出|请(直接)?输出以下",
    re.I,
)
_FOLLOW_UP = re.compile(r"输出|回复|回答|打印|写上|print|output|say", re.I)
_QUOTED = re.compile(r"[“\"「『']([^”\"」』']{4,80})[”\"」』']|[：:]\s*([^，。；;,\s]{4,80}?)[。.!！]?$")


def strip_injections(text: str) -> tuple[str, list[str]]:
    """The text without sentences that read as instructions to a model, and those sentences.

    Scenarios and retrieved passages are data: the offline composer never repeats an injected instruction,
    and the payloads found here are removed from LLM output as well.
    """
    kept_lines, flagged = [], []
    for line in text.splitlines():
        kept, after_flag = [], False
        for sentence in split_sentences(line):
            if _INJECTION.search(sentence) or (after_flag and _FOLLOW_UP.search(sentence)):
                flagged.append(sentence)
                after_flag = True
            else:
                kept.append(sentence)
                after_flag = False
        if kept or not line.strip():
            kept_lines.append("".join(kept))
    return "\n".join(kept_lines).strip(), flagged


def payloads(flagged: list[str]) -> list[str]:
    """Quoted strings (or text after a colon) in injected sentences: what an obedient model would print."""
    out = []
    for sentence in flagged:
        for m in _QUOTED.finditer(sentence):
            value = (m.group(1) or m.group(2) or "").strip()
            if len(value) >= 4 and value not in out:
                out.append(value)
    return out


def _as_data(text: str) -> str:
    """Text for inside the <<<资料>>> fence: it may not close the fence itself."""
    return text.replace("<<<", "‹‹‹").replace(">>>", "›››")


# ---- templates and variables ---------------------------------------------------------------------------


def _fill(template: str, name: str, variables: dict) -> str:
    return render_template(str(template), name, **variables).strip()


def _template(ctx: Context, kind: str) -> dict:
    if kind not in KINDS:
        raise InputError(f"未知的文档类型 {kind!r}，可选：{'、'.join(KINDS)} (unknown draft kind)")
    data = load_prompt(ctx.settings.prompts_dir, f"draft/{kind}").data
    if not isinstance(data, dict) or not data.get("sections"):
        raise AssistantError(f"提示模板 draft/{kind} 没有 sections (bad template)")
    return data


def group_rows(group: Suggestion, catalog: Catalog) -> tuple[list[GroupRow], list[str]]:
    """Table rows for the group (catalog form of each number); members the catalog lacks are left out."""
    rows, missing = [], []
    for s in group.standards:
        entry = catalog.get(s.number)
        if entry is None:
            missing.append(s.number)
            continue
        rows.append(GroupRow(number=entry.number, title=entry.title, level=LEVEL_ZH[entry.level],
                             role="核心" if s.core else "配套"))
    return rows, missing


def _fact(hit: Hit) -> dict:
    text, _ = strip_injections(" ".join(hit.text.split()))
    if len(text) > FACT_CHARS:
        cut = text[:FACT_CHARS]
        end = max(cut.rfind(p) for p in "。；;")
        text = (cut[: end + 1] if end > FACT_CHARS // 2 else cut) + "…"
    return {"text": text, "source": hit.source, "location": hit.location}


def _variables(ctx: Context, kind: str, scenario: str, group: Suggestion, rows: list[GroupRow]) -> dict:
    corpus = ctx.corpus
    plan = corpus.plan
    direction = plan.direction(group.direction) if group.direction else None
    clean, _ = strip_injections(scenario)
    dir_vars = (direction.model_dump() if direction else
                {"name": "【待补充：试点方向】", "category": "【待补充】", "scope": "【待补充】", "applicants": "【待补充】"})
    catalog_levels = {r.number: corpus.catalog.get(r.number).level for r in rows}  # type: ignore[union-attr]
    return {
        "kind": kind,
        "scenario": clean or "【待补充：试点场景】",
        "scenario_short": " ".join(clean.split())[:SCENARIO_QUERY_CHARS],
        "direction": dir_vars,
        "direction_name": dir_vars["name"],
        "group": [r.model_dump() for r in rows],
        "core": [r.model_dump() for r in rows if r.role == "核心"],
        "support": [r.model_dump() for r in rows if r.role == "配套"],
        "revisable": sorted((r.model_dump() for r in rows if catalog_levels[r.number] in ("national", "industry")),
                            key=lambda r: r["role"] != "核心")[:MAX_REVISABLE],
        "plan": {"title": plan.title, "period_years": plan.period_years, "months": plan.period_years * 12,
                 "assessment": plan.assessment, "min_count": plan.group_rules.min_count,
                 "max_count": plan.group_rules.max_count},
    }


# ---- number check ----------------------------------------------------------------------------------------


def verify_numbers(catalog: Catalog, text: str, section: str) -> tuple[str, list[CheckedCitation], list[str]]:
    """Check every cited number: unknown ones are removed, wrong years corrected, title mismatches flagged."""
    citations = check_citations(catalog, text, section)
    spans = find_numbers(text)
    records, removed = [], []
    for (_, start, end), c in reversed(list(zip(spans, citations))):
        action = {"unknown": "removed", "wrong_year": "corrected", "title_mismatch": "flagged"}.get(c.status, "kept")
        if action == "removed":
            text = text[:start] + REMOVED + text[end:]
            removed.append(c.normalized)
        elif action == "corrected":
            text = text[:start] + str(c.expected) + text[end:]
        records.append(CheckedCitation(text=c.text, normalized=c.normalized, status=c.status, expected=c.expected,
                                       section=section, action=action))  # type: ignore[arg-type]
    return text, records[::-1], removed[::-1]


def _scrub_payloads(text: str, found: list[str]) -> tuple[str, bool]:
    changed = False
    for p in found:
        if p in text:
            text, changed = text.replace(p, "【已删除：输入中的注入指令内容】"), True
    return text, changed


# ---- composing ------------------------------------------------------------------------------------------


def compose_offline(spec: dict, variables: dict, facts: list[dict], name: str, shared) -> str:
    """One section from its offline template plus a short list of retrieved excerpts."""
    body = _fill(spec["offline"], f"{name}:{spec['heading']}", variables)
    extra = shared.render("facts", facts=facts).strip()
    return f"{body}\n\n{extra}" if extra else body


_SENTENCE_END = re.compile(r"[。；！？\n]")


def _generate(llm, system: str, user: str, emit: OnToken, clean: Callable[[str], str]) -> str:
    """Stream the reply sentence by sentence, each checked by `clean` first, so no unverified number is shown."""
    parts, pending = [], ""
    for token in llm.stream(system, user):
        parts.append(token)
        pending += token
        ends = [m.end() for m in _SENTENCE_END.finditer(pending)]
        if ends:
            emit(clean(pending[: ends[-1]]))
            pending = pending[ends[-1] :]
    if pending:
        emit(clean(pending))
    return _tidy_llm_text("".join(parts))


def _tidy_llm_text(text: str) -> str:
    text = re.sub(r"^```[a-z]*\n|\n```\s*$", "", text.strip())
    return text.strip()


def _strip_heading(text: str, heading: str) -> str:
    lines = text.strip().splitlines()
    if lines and lines[0].strip().lstrip("#").strip().rstrip("：:") == heading:
        lines = lines[1:]
    return "\n".join(lines).strip()


@dataclass
class _Job:
    """Everything one draft's sections share."""

    ctx: Context
    kind: str
    template: dict
    shared: Prompt
    variables: dict
    scenario: str
    title: str
    system: str
    flagged: list[str]
    emit: OnToken
    llm_up: bool
    shown: set[str] = field(default_factory=set)
    failed: list[str] = field(default_factory=list)  # headings composed offline although an LLM is configured
    notices: list[str] = field(default_factory=list)


def draft_document(ctx: Context, kind: str, scenario: str, group: Suggestion | None = None,
                   on_token: OnToken | None = None) -> Draft:
    """Draft one document of `kind` for the scenario (the group is suggested first when not given)."""
    template = _template(ctx, kind)
    scenario = (scenario or "").strip()
    if not scenario:
        raise InputError("场景描述为空 (empty scenario)")
    llm = ctx.llm
    group = _with_direction(ctx, scenario, group if group is not None else suggest_group(ctx, scenario))
    rows, missing = group_rows(group, ctx.corpus.catalog)
    job = _job(ctx, kind, template, scenario, group, rows, on_token or (lambda _token: None), not llm.offline)
    if missing:
        job.notices.append(f"标准群中以下编号不在内置标准目录中，未写入草稿，请核实后自行补充：{'、'.join(missing)}")
    job.notices += _group_violations(ctx, group)
    draft = Draft(kind=kind, title=job.title, backend="offline" if llm.offline else llm.name,
                  direction=job.variables["direction_name"], banner="", sections=[], group=rows,
                  removed_numbers=list(missing))
    job.emit(f"# {job.title}\n\n")
    for spec in template["sections"]:
        section, checked, removed = _draft_section(job, spec, rows)
        draft.sections.append(section)
        draft.citations_checked += checked
        draft.removed_numbers += removed
    draft.notices = _final_notices(draft, job.notices, job.flagged, job.failed, job.shared)
    draft.banner = _banner(draft, job.shared)
    return draft


def _with_direction(ctx: Context, scenario: str, group: Suggestion) -> Suggestion:
    """A group without a known direction (a hand-written list) gets the one inferred from the scenario."""
    if group.direction and ctx.corpus.plan.direction(group.direction) is not None:
        return group
    from assistant.suggest import infer_direction

    return group.model_copy(update={"direction": infer_direction(ctx, scenario)[0].name})


def _group_violations(ctx: Context, group: Suggestion) -> list[str]:
    rules = ctx.corpus.plan.group_rules
    members = [GroupMember(number=s.number, title=s.title, level=s.level, core=s.core) for s in group.standards]
    checks = check_group(members, ctx.corpus.catalog, rules.min_count, rules.max_count)
    return [f"标准群检查：{v}" for v in checks.violations]


def _job(ctx: Context, kind: str, template: dict, scenario: str, group: Suggestion, rows: list[GroupRow],
         emit: OnToken, llm_up: bool) -> _Job:
    shared = load_prompt(ctx.settings.prompts_dir, "draft/common")
    variables = _variables(ctx, kind, scenario, group, rows)
    title = _fill(template["title"], f"draft/{kind}:title", variables)
    system = shared.render("system", kind_name=template.get("kind_name", kind), **_rule_vars(variables))
    return _Job(ctx, kind, template, shared, variables, scenario, title, system, strip_injections(scenario)[1],
                emit, llm_up)


def _draft_section(job: _Job, spec: dict, rows: list[GroupRow]) -> tuple[Section, list[CheckedCitation], list[str]]:
    """One section: retrieve, write (LLM, else offline), check its numbers, stream it."""
    heading = spec["heading"]
    job.emit(f"\n## {heading}\n\n" + (_group_markdown(rows) + "\n\n" if spec.get("table") else ""))
    query = _fill(spec["query"], f"draft/{job.kind}:query", job.variables)
    hits = job.ctx.retriever().search(query, k=HITS_PER_SECTION)
    for h in hits:
        job.flagged += strip_injections(h.text)[1]
    text, used, scrubbed = _llm_section(job, spec, hits) if job.llm_up else (None, hits, False)
    composer: Literal["llm", "offline"] = "llm" if text is not None else "offline"
    if text is None:
        used, facts = _offline_facts(hits, job.shown)
        text = compose_offline(spec, job.variables, facts, f"draft/{job.kind}", job.shared)
        job.emit(text)
        if not job.ctx.llm.offline:
            job.failed.append(heading)
    text, checked, removed = verify_numbers(job.ctx.corpus.catalog, text, heading)
    if removed or scrubbed or any(c.action == "corrected" for c in checked):
        job.emit(_check_note(removed, checked, scrubbed))
    job.emit("\n")
    section = Section(heading=heading, text=text, composer=composer, table=bool(spec.get("table")),
                      sources=[Source(source=h.source, location=h.location) for h in used])
    return section, checked, removed


def _llm_section(job: _Job, spec: dict, hits: list[Hit]) -> tuple[str | None, list[Hit], bool]:
    """The section from the LLM (streamed), or None after a failure (the rest of the draft then goes offline)."""
    heading = spec["heading"]
    user = job.shared.render("user", title=job.title, heading=heading, goal=spec["goal"],
                             instruction=_fill(spec["prompt"], f"draft/{job.kind}:prompt", job.variables),
                             scenario=_as_data(job.scenario[:SCENARIO_PROMPT_CHARS]), facts=[_prompt_fact(h) for h in hits],
                             **_rule_vars(job.variables))
    try:
        text = _strip_heading(_generate(job.ctx.llm, job.system, user, job.emit, partial(_clean_stream, job)), heading)
    except LLMError as exc:
        job.llm_up = False
        job.notices.append(job.shared.render("fallback", heading=heading, error=str(exc)))
        job.emit("\n\n【大模型不可用，本节改用离线模板】\n\n")
        return None, hits, False
    text, scrubbed = _scrub_payloads(text, payloads(job.flagged))
    return text, hits, scrubbed


def _clean_stream(job: _Job, piece: str) -> str:
    """What the user may see of a streamed piece: unknown numbers and injected payloads already removed."""
    piece = verify_numbers(job.ctx.corpus.catalog, piece, "")[0]
    return _scrub_payloads(piece, payloads(job.flagged))[0]


def _rule_vars(variables: dict) -> dict:
    plan = variables["plan"]
    return {"period_years": plan["period_years"], "min_count": plan["min_count"], "max_count": plan["max_count"],
            "direction_name": variables["direction_name"], "group": variables["group"]}


def _prompt_fact(hit: Hit) -> dict:
    return {"text": _as_data(" ".join(hit.text.split())[:PROMPT_FACT_CHARS]), "source": hit.source,
            "location": hit.location}


def _offline_facts(hits: list[Hit], shown: set[str]) -> tuple[list[Hit], list[dict]]:
    """The section's grounding passages (plan, rubric, cases, uploads before catalog rows) and the excerpts to
    quote: each passage is quoted once per draft, at its first section."""
    ordered = [h for h in hits if h.doc_type != "standard"] + [h for h in hits if h.doc_type == "standard"]
    used = [h for h in ordered if _fact(h)["text"]][:FACTS_SHOWN]
    quoted = [_fact(h) for h in used if h.id not in shown]
    shown.update(h.id for h in used)
    return used, quoted


def _check_note(removed: list[str], checked: list[CheckedCitation], scrubbed: bool) -> str:
    parts = []
    if removed:
        # Counted, not repeated: an unverified number should not reach the reader in any form.
        parts.append(f"已删除目录中没有的标准编号 {len(removed)} 处")
    corrected = [f"{c.normalized}→{c.expected}" for c in checked if c.action == "corrected"]
    if corrected:
        parts.append("已更正年份 " + "、".join(corrected))
    if scrubbed:
        parts.append("已删除输入中注入指令的内容")
    return "\n\n（核查：" + "；".join(parts) + "）\n"


def _final_notices(draft: Draft, notices: list[str], flagged: list[str], fallback: list[str], shared) -> list[str]:
    out = []
    if draft.backend == "offline":
        out.append("离线模板生成，未使用大模型（ASSISTANT_LLM=none）：标有【待补充：…】之处须由申报单位填写。")
    out += [n for n in notices if not n.startswith("大模型不可用")]
    fell_back = [n for n in notices if n.startswith("大模型不可用")]
    out += fell_back
    if fell_back and len(fallback) > 1:
        out.append(shared.render("fallback_rest", headings="、".join(fallback[1:])))
    from_text = [c.normalized for c in draft.citations_checked if c.action == "removed"]
    if from_text:
        unique = list(dict.fromkeys(from_text))
        out.append(f"已从正文删除 {len(from_text)} 处目录中没有的标准编号：{'、'.join(unique)}")
    for c in draft.citations_checked:
        if c.action == "corrected":
            out.append(f"标准编号年份已更正：{c.normalized} → {c.expected}（{c.section}）")
        elif c.action == "flagged":
            out.append(f"标准名称与编号不符，请核对：{c.text}，目录为 {c.expected}（{c.section}）")
    unique = list(dict.fromkeys(flagged))
    if unique:
        out.append(shared.render("injection", count=len(unique), sample=unique[0][:6] + "…"))
    return list(dict.fromkeys(out))


def _banner(draft: Draft, shared) -> str:
    if all(s.composer == "offline" for s in draft.sections):
        return shared.render("banner_offline")
    text = shared.render("banner_llm", model=draft.backend)
    offline = [s.heading for s in draft.sections if s.composer == "offline"]
    return text + (f"其中“{'、'.join(offline)}”为离线模板生成（大模型不可用）。" if offline else "")


# ---- group input ---------------------------------------------------------------------------------------


def load_group_json(path: Path) -> Suggestion:
    """A `suggest --json` output (or any group file check-group reads) as the group for a draft."""
    from assistant.suggest import load_group_file

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: 文件不存在 (file not found)")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        data = None
    if isinstance(data, dict) and "standards" in data:
        try:
            return Suggestion.model_validate(data)
        except ValidationError:
            pass  # a hand-written group: read its members the way check-group does
    members = load_group_file(path)
    standards = []
    for m in members:
        parsed = parse_number(m.number)
        level = m.level or (parsed.level if parsed else "enterprise")
        standards.append(SuggestedStandard(number=m.number, title=m.title or "", level=level,
                                           status=m.status or "published", core=m.core, reason="", sources=[]))
    direction = data.get("direction", "") if isinstance(data, dict) else ""
    checks = GroupChecks(count=len(standards), has_national_core=False, violations=[])  # re-checked when drafting
    return Suggestion(direction=str(direction or ""), direction_confidence=0.0, standards=standards, checks=checks,
                      notes=[f"标准群读自 {path.name}"])


# ---- export ----------------------------------------------------------------------------------------------


def _group_markdown(rows: list[GroupRow]) -> str:
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
            out += [_group_markdown(draft.group), ""]
        out += [s.text, ""]
    out += ["## 参考来源", ""]
    for s in draft.sections:
        if s.sources:
            out.append(f"- {s.heading}：" + "；".join(f"{src.source} · {src.location}" for src in s.sources))
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
    raise InputError(f"{path}: 只能导出 .docx 或 .md (unsupported output type {suffix or '(none)'})")


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
        for src in s.sources:
            doc.add_paragraph(f"{s.heading}：{src.source} · {src.location}", style="List Bullet")
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
