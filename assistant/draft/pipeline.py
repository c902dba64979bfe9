"""The whole draft: template and group, then each section retrieved, written, checked and streamed; notices."""
from __future__ import annotations

import time
from typing import Literal

from assistant.context import Context
from assistant.draft.basis import case_allowed, draft_basis
from assistant.draft.compose import DraftJob, compose_offline, llm_section, offline_facts
from assistant.draft.groupio import group_rows, group_violations, with_direction
from assistant.draft.report import group_markdown
from assistant.draft.result import CheckedCitation, Draft, GroupRow, OnToken, Section
from assistant.draft.safety import strip_injections, user_keys, verify_numbers
from assistant.draft.templates import fill_template, load_template, rule_vars, template_variables
from assistant.errors import InputError
from assistant.prompts import load_prompt
from assistant.suggest import Suggestion, labelled, suggest_group
from assistant.textnorm import to_simplified

HITS_PER_SECTION = 5


def draft_document(ctx: Context, kind: str, scenario: str, group: Suggestion | None = None,
                   on_token: OnToken | None = None) -> Draft:
    """Draft one document of `kind` for the scenario (the group is suggested first when not given)."""
    template = load_template(ctx, kind)
    scenario, traditional = to_simplified((scenario or "").strip())  # drafted in the programme's simplified script
    if not scenario:
        raise InputError("场景描述为空：请写明企业、行业和要开展的标准应用场景")
    llm = ctx.llm
    given = group is not None  # the user's own group (a file, the UI table): kept as given
    group = with_direction(ctx, scenario, group if group is not None else suggest_group(ctx, scenario))
    rows, missing, unverified = group_rows(group, ctx.corpus.catalog, given)
    job = _job(ctx, kind, template, scenario, group, rows, on_token or (lambda _token: None), not llm.offline)
    job.given = user_keys(scenario, [s.number for s in group.standards] if given else [])
    job.deadline = time.monotonic() + ctx.settings.llm_document_seconds
    if missing:
        job.notices.append(f"标准群中以下编号不在内置标准目录中，未写入草稿，请核实后自行补充：{'、'.join(missing)}")
    if unverified:
        job.notices.append(f"标准群中以下编号不在内置标准目录中（目录只收录重点国家标准），已按所给信息写入标准群表，"
                           f"待核实：请核对编号、名称和层级，并补全【待补充：标准名称】：{'、'.join(unverified)}")
    job.notices += group_violations(ctx, group)
    if traditional:
        job.notices.append("场景用繁体字书写：草稿按简体撰写，引用的场景内容已转为简体，请核对专有名词。")
    draft = Draft(kind=kind, title=job.title, backend="offline" if llm.offline else llm.name,
                  direction=job.variables["direction_name"], banner="", sections=[], group=rows,
                  removed_numbers=list(missing), unverified_numbers=list(unverified))
    job.emit(f"# {job.title}\n\n")
    for spec in template["sections"]:
        section, checked, removed = _draft_section(job, spec, rows)
        draft.sections.append(section)
        draft.citations_checked += checked
        draft.removed_numbers += removed
    draft.model_sections = job.model_sections
    draft.notices = _final_notices(draft, job.notices, job.flagged, job.failed, job.shared)
    draft.banner = _banner(draft, job.shared)
    return draft


def _job(ctx: Context, kind: str, template: dict, scenario: str, group: Suggestion, rows: list[GroupRow],
         emit: OnToken, llm_up: bool) -> DraftJob:
    shared = load_prompt(ctx.settings.prompts_dir, "draft/common")
    basis = draft_basis(ctx, strip_injections(scenario)[0], group, rows)
    variables = template_variables(ctx, kind, scenario, group, rows, basis)
    title = fill_template(template["title"], f"draft/{kind}:title", variables)
    system = shared.render("system", kind_name=template.get("kind_name", kind), **rule_vars(variables))
    return DraftJob(ctx, kind, template, shared, variables, scenario, title, system, strip_injections(scenario)[1],
                    emit, llm_up, basis=basis)


def _draft_section(job: DraftJob, spec: dict,
                   rows: list[GroupRow]) -> tuple[Section, list[CheckedCitation], list[str]]:
    """One section: retrieve, write (LLM, else offline), check its numbers, stream it."""
    heading = spec["heading"]
    job.emit(f"\n## {heading}\n\n" + (group_markdown(rows) + "\n\n" if spec.get("table") else ""))
    query = fill_template(spec["query"], f"draft/{job.kind}:query", job.variables)
    hits = [h for h in job.ctx.retriever().search(query, k=HITS_PER_SECTION)
            if case_allowed(job.ctx, h.source, job.basis, h.location)]
    for h in hits:
        job.flagged += strip_injections(h.text)[1]
    text, used, scrubbed = llm_section(job, spec, hits) if job.llm_up else (None, hits, False)
    composer: Literal["llm", "offline"] = "llm" if text is not None else "offline"
    if text is None:
        used, facts = offline_facts(hits, job.shown)
        facts = facts if job.template.get("quote_facts", True) else []
        text = compose_offline(spec, job.variables, facts, f"draft/{job.kind}", job.shared)
        job.emit(text)
        if not job.ctx.llm.offline:
            job.failed.append(heading)
    text, checked, removed = verify_numbers(job.ctx.corpus.catalog, text, heading, job.given)
    if removed or scrubbed or any(c.action == "corrected" for c in checked):
        job.emit(_check_note(removed, checked, scrubbed))
    job.emit("\n")
    section = Section(heading=heading, text=text, composer=composer, table=bool(spec.get("table")),
                      sources=[labelled(job.ctx, h.source, h.location) for h in used])
    return section, checked, removed


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
        out.append("离线模板生成，未使用大模型：标有【待补充：…】之处须由申报单位填写。")
    out += [n for n in notices if not n.startswith("大模型不可用")]
    fell_back = [n for n in notices if n.startswith("大模型不可用")]
    out += fell_back
    if fell_back and len(fallback) > 1:
        out.append(shared.render("fallback_rest", headings="、".join(fallback[1:])))
    out += _model_notices(draft)
    from_text = [c.normalized for c in draft.citations_checked if c.action == "removed"]
    if from_text:
        unique = list(dict.fromkeys(from_text))
        out.append(f"已从正文删除 {len(from_text)} 处目录中没有的标准编号：{'、'.join(unique)}")
    kept = [c.normalized for c in draft.citations_checked
            if c.action == "unverified" and c.normalized not in draft.unverified_numbers]
    if kept:
        unique = list(dict.fromkeys(kept))
        draft.unverified_numbers += unique
        out.append(f"正文中以下标准编号不在内置标准目录中（目录只收录重点国家标准），已保留，待核实："
                   f"{'、'.join(unique)}")
    for c in draft.citations_checked:
        if c.action == "corrected":
            out.append(f"标准编号年份已更正：{c.normalized} → {c.expected}（{c.section}）")
        elif c.action == "flagged":
            out.append(f"标准名称与编号不符，请核对：{c.text}，目录为 {c.expected}（{c.section}）")
    unique = list(dict.fromkeys(flagged))
    if unique:
        out.append(shared.render("injection", count=len(unique), sample=unique[0][:6] + "…"))
    return list(dict.fromkeys(out))


def _model_notices(draft: Draft) -> list[str]:
    """Which sections the model wrote and which the offline composer replaced, and what the checks changed."""
    kept = [m.heading for m in draft.model_sections if m.kept]
    replaced = [m for m in draft.model_sections if not m.kept]
    out = []
    if replaced:
        out.append("大模型所写、未通过检查而改用离线模板的章节：" +
                   "；".join(f"“{m.heading}”（{m.reason}）" for m in replaced))
    if kept:
        out.append(f"大模型所写并保留的章节：{'、'.join(kept)}")
    figures = [f for m in draft.model_sections for f in m.figures]
    if figures:
        out.append(f"大模型写出的 {len(figures)} 处数字在场景、标准群和检索资料中都找不到，已替换为【待补充：数值】，"
                   f"请按实际填写：{'、'.join(dict.fromkeys(figures))}")
    trimmed = [m.heading for m in draft.model_sections if m.trimmed]
    if trimmed:
        out.append(f"以下章节在输出长度上限处截断，只保留到最后一个完整句子：{'、'.join(trimmed)}")
    return out


def _banner(draft: Draft, shared) -> str:
    unverified = shared.render("banner_unverified", count=len(draft.unverified_numbers)) \
        if draft.unverified_numbers else ""
    if all(s.composer == "offline" for s in draft.sections):
        return shared.render("banner_offline") + unverified
    llm = [s.heading for s in draft.sections if s.composer == "llm"]
    offline = [s.heading for s in draft.sections if s.composer == "offline"]
    text = shared.render("banner_llm", model=draft.backend, headings="、".join(llm))
    return text + (f"“{'、'.join(offline)}”为离线模板生成。" if offline else "") + unverified
