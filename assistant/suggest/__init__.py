"""Suggest a 标准群 for an applicant's scenario: scenario → needs → candidates → group → result.

The scenario is analysed once (`analyse_scenario`, also used by draft and review); members come from the
catalog's applicability data (each entry's `needs`, `companions`, `accompanies`), never from word overlap;
every output carries the coverage map, with the needs the catalog cannot serve listed as uncovered.
"""
from __future__ import annotations

from assistant.suggest.groupio import load_group_file
from assistant.suggest.pipeline import resolve_direction, suggest_group
from assistant.suggest.refine import parse_llm_reply
from assistant.suggest.render import coverage_rows, render_checks, render_suggestion, user_chose_direction, write_suggestion
from assistant.suggest.result import (
    USER_DIRECTION_NOTE,
    Coverage,
    Source,
    SuggestedStandard,
    Suggestion,
    labelled,
    sources_text,
)
from assistant.suggest.scenario import NeedHit, ScenarioAnalysis, Scene, analyse_scenario, infer_direction

__all__ = [
    "USER_DIRECTION_NOTE",
    "Coverage",
    "NeedHit",
    "ScenarioAnalysis",
    "Scene",
    "Source",
    "labelled",
    "sources_text",
    "SuggestedStandard",
    "Suggestion",
    "analyse_scenario",
    "coverage_rows",
    "infer_direction",
    "load_group_file",
    "parse_llm_reply",
    "render_checks",
    "render_suggestion",
    "resolve_direction",
    "suggest_group",
    "user_chose_direction",
    "write_suggestion",
]
