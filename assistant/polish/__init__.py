"""Editor polish for case-library write-ups (标准应用案例): deterministic rule checks, optional LLM rewrite.

Rules (no LLM; every issue carries the section heading + paragraph/line and a concrete fix):
  sections           the template's five sections present, once each, in order; unknown top-level sections
  citation_form      citations in the house form 《标题》（GB/T 39116—2020）, exact text from the catalog
  citation_valid     `standards.check_citations` statuses other than ok
  group_consistency  the stated group size equals the standards listed under 标准群构成; numbers cited
                     elsewhere but missing from that list
  figures            changes ("提升30%") say of what and from what basis; numbers after a change verb have units;
                     degree-only changes (显著提高, 提升了很多) in a sentence without any figure; figures written in
                     Chinese words (百分之三十五, 三成 → 35%, 30%)
  glossary           glossary variants instead of the preferred term (and both forms mixed)
  length             section length (characters without whitespace) vs the glossary's section_limits
  contact            phone numbers, e-mail, URLs, QQ/微信 ids, street addresses
  advertising        banned phrases (respecting banned_exceptions such as 第一批)

Rule names shown to people (CLI, exports, UI) come from RULE_ZH / rule_name; contact and advertising share one.

Citation house form: every mention must be typed exactly as the catalog number (GB/T 39116—2020) and the
*first* mention of each standard in the write-up must carry its title: 《标题》（编号）. Later mentions may use
the number alone.

With an online LLM each section is rewritten; a rewrite is accepted only if its multiset of numbers and its
set of standard numbers equal the original's.
"""
from __future__ import annotations

from assistant.polish.pipeline import check_paras, check_text, polish_file, polish_text
from assistant.polish.report import render_polish, write_polish
from assistant.polish.result import (
    RULE_ZH,
    RULES,
    PolishIssue,
    PolishResult,
    Rewrite,
    RewriteSection,
    SectionInfo,
    rule_name,
)
from assistant.polish.rewrite import add_rewrite, check_rewrite, fact_numbers, sentence_diff
from assistant.polish.data import WORDING_CATEGORIES, load_polish_data
from assistant.polish.structure import PREAMBLE, build_sections, known_section, text_paras

__all__ = [
    "PREAMBLE", "RULES", "RULE_ZH", "WORDING_CATEGORIES", "PolishIssue", "PolishResult", "Rewrite", "RewriteSection",
    "SectionInfo", "add_rewrite", "build_sections", "check_paras", "check_rewrite", "check_text", "fact_numbers",
    "known_section", "load_polish_data", "polish_file", "polish_text", "render_polish", "rule_name", "sentence_diff",
    "text_paras", "write_polish",
]
