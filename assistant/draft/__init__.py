"""Drafting the programme's documents section by section, grounded in retrieved passages, and exporting them.

Each kind (application, guide, case, revision) is a template in prompts/draft/<kind>.yaml: a list of sections,
each with a retrieval query, an offline template and an LLM instruction. Offline (the default) the sections are
filled from the scenario, the standard group, plan facts and retrieved excerpts, with 【待补充：…】 for what the
applicant must write. With an LLM, sections are streamed one by one; any failure falls back to the offline
template with a notice. Either way every standard number in the output is checked against the catalog: wrong years
are corrected; a number the catalog lacks is removed only when it is a national one (GB, GB/T, GB/Z, plan number)
that the user did not give (scenario or group). The catalog holds key national standards only, so the user's own
numbers and industry/local/group/enterprise numbers are kept and listed as 待核实.
"""
from __future__ import annotations

from assistant.draft.compose import (
    FACT_CHARS,
    FACTS_SHOWN,
    PROMPT_FACT_CHARS,
    SCENARIO_PROMPT_CHARS,
    DraftJob,
    compose_offline,
    llm_section,
    offline_facts,
)
from assistant.draft.groupio import NO_TITLE, group_rows, group_violations, load_group_json, with_direction
from assistant.draft.pipeline import HITS_PER_SECTION, draft_document
from assistant.draft.report import GROUP_HEADER, document_notices, group_markdown, render_draft, write_draft
from assistant.draft.result import KINDS, CheckedCitation, Draft, GroupRow, ModelSection, OnToken, Section
from assistant.draft.safety import (
    REMOVED,
    as_data,
    payloads,
    scrub_payloads,
    strip_injections,
    user_keys,
    verify_numbers,
)
from assistant.draft.templates import (
    MAX_REVISABLE,
    SCENARIO_QUERY_CHARS,
    fill_template,
    load_template,
    rule_vars,
    template_variables,
)

__all__ = [
    "FACTS_SHOWN", "FACT_CHARS", "GROUP_HEADER", "HITS_PER_SECTION", "KINDS", "MAX_REVISABLE", "NO_TITLE",
    "PROMPT_FACT_CHARS",
    "REMOVED", "SCENARIO_PROMPT_CHARS", "SCENARIO_QUERY_CHARS", "CheckedCitation", "Draft", "DraftJob", "GroupRow",
    "ModelSection", "OnToken", "Section", "as_data", "compose_offline", "document_notices", "draft_document", "fill_template",
    "group_markdown", "group_rows", "group_violations", "llm_section", "load_group_json", "load_template",
    "offline_facts", "payloads", "render_draft", "rule_vars", "scrub_payloads", "strip_injections",
    "template_variables", "user_keys", "verify_numbers", "with_direction", "write_draft",
]
