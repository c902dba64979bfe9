"""Suggest a 标准群 for an applicant's scenario: infer the direction, gather catalog candidates, assemble by the plan's rules.

Offline the result is retrieval + keyword scoring + rules, deterministic for the same input and index. With an
LLM configured, the model may only reorder and reword the retrieved candidates; its answer is validated again.
"""
from __future__ import annotations

from assistant.suggest.assemble import (
    FAMILY_CAP,
    MAX_CORE,
    TARGET_MAX,
    TARGET_MIN,
    assemble,
    build_standards,
    reason_for,
    sources_for,
)
from assistant.suggest.candidates import (
    FIT_RANK,
    FIT_WEIGHT,
    STANDARD_HITS,
    Candidate,
    fits,
    gather_candidates,
    resolve_entry,
    scenario_needs,
)
from assistant.suggest.direction import DIRECTION_HITS, ROLE_WEIGHT, domain_terms, infer_direction, resolve_direction
from assistant.suggest.groupio import load_group_file
from assistant.suggest.hints import applicant_role, expand_scenario, load_hints, off_industry
from assistant.suggest.matching import GENERIC, PARTIAL, QUERY_CHARS, TermIndex
from assistant.suggest.pipeline import LOW_CONFIDENCE, MIN_DOMAIN_TERMS, suggest_group
from assistant.suggest.render import render_checks, render_suggestion, user_chose_direction
from assistant.suggest.rerank import LLM_CANDIDATES, LLM_REASON_CHARS, _parse_llm_reply, rerank_with_llm
from assistant.suggest.result import USER_DIRECTION_NOTE, Source, SuggestedStandard, Suggestion

__all__ = [
    "DIRECTION_HITS",
    "FAMILY_CAP",
    "FIT_RANK",
    "FIT_WEIGHT",
    "GENERIC",
    "LLM_CANDIDATES",
    "LLM_REASON_CHARS",
    "LOW_CONFIDENCE",
    "MAX_CORE",
    "MIN_DOMAIN_TERMS",
    "PARTIAL",
    "QUERY_CHARS",
    "ROLE_WEIGHT",
    "STANDARD_HITS",
    "TARGET_MAX",
    "TARGET_MIN",
    "Candidate",
    "Source",
    "SuggestedStandard",
    "Suggestion",
    "TermIndex",
    "_parse_llm_reply",
    "applicant_role",
    "assemble",
    "build_standards",
    "domain_terms",
    "expand_scenario",
    "fits",
    "gather_candidates",
    "infer_direction",
    "load_group_file",
    "load_hints",
    "off_industry",
    "reason_for",
    "render_checks",
    "render_suggestion",
    "rerank_with_llm",
    "resolve_direction",
    "resolve_entry",
    "scenario_needs",
    "sources_for",
    "suggest_group",
    "user_chose_direction",
    "USER_DIRECTION_NOTE",
]
