"""Editor polish for case-library write-ups (标准应用案例): deterministic rule checks, optional LLM rewrite.

Rules (no LLM; every issue carries the section heading + paragraph/line, a concrete fix, and `kinds`):
  sections           the template's sections (corpus/polish/structure.yaml: names, aliases, order) present, once
                     each, in order, with text; headings in Markdown, Chinese ordinals, bold-only lines, 【】,
                     line-opening labels, Word heading styles — the result names the scheme it recognised
  citation_form      every number as the one reader normalises it (standards.read_numbers: slash, width, dashes,
                     spacing, line breaks, year) and the house form 《标题》（GB/T 39116—2020）
  citation_valid     the catalog's verdict (standards.check_number): wrong year, replaced, abolished, unknown,
                     title mismatch — with what the number was written as and what it should be
  group_consistency  the stated group size equals the standards listed under 标准群构成; numbers cited
                     elsewhere but missing from that list
  figures            indicator–value pairs: the same indicator with different values (both named, with where);
                     changes without a metric or basis; numbers without units; figures in Chinese words;
                     degree-only changes (显著提高)
  glossary           glossary variants instead of the preferred term (and both forms mixed)
  length             section length (characters without whitespace) vs the glossary's section_limits
  contact            phone numbers, e-mail, URLs, QQ/微信 ids, street addresses
  advertising        the wording list by category (corpus/polish/wording.yaml: absolute, ranking, endorsement,
                     sales_contact, unverifiable), each hit with its category, neutral alternative and source;
                     ordinal and technical uses (第一批, 首批, 首件检验, 唯一标识) are exceptions

Rule names shown to people (CLI, exports, UI) come from RULE_ZH / rule_name; contact and advertising share one.

With an online LLM each section is rewritten; a rewrite is accepted only if its multiset of numbers and its
set of standard numbers equal the original's.
"""
from __future__ import annotations

from assistant.polish.data import WORDING_CATEGORIES, load_polish_data
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
from assistant.polish.structure import PREAMBLE, build_sections, known_section, text_paras

__all__ = [
    "PREAMBLE", "RULES", "RULE_ZH", "WORDING_CATEGORIES", "PolishIssue", "PolishResult", "Rewrite", "RewriteSection",
    "SectionInfo", "add_rewrite", "build_sections", "check_paras", "check_rewrite", "check_text", "fact_numbers",
    "known_section", "load_polish_data", "polish_file", "polish_text", "render_polish", "rule_name", "sentence_diff",
    "text_paras", "write_polish",
]
