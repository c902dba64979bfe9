"""The result contract of a polish run: issues by rule, section lengths, the optional rewrite."""
from __future__ import annotations

from pydantic import BaseModel

RULES = ["sections", "citation_form", "citation_valid", "group_consistency", "figures", "glossary", "length",
         "contact", "advertising"]
# The rule names people see (CLI report, exports, web UI): one mapping, imported by assistant/ui/format.py.
# Contact details and advertising phrases are two checks under one editor rule.
RULE_ZH = {
    "sections": "章节结构", "citation_form": "引用格式", "citation_valid": "引用核查",
    "group_consistency": "标准群一致性", "figures": "数据表述", "glossary": "术语统一", "length": "篇幅",
    "contact": "联系方式与广告用语", "advertising": "联系方式与广告用语",
}


def rule_name(rule: str) -> str:
    """The Chinese name of a rule id (an unknown id is shown as it is)."""
    return RULE_ZH.get(rule, rule)


# ---- result models -------------------------------------------------------------------------------


class PolishIssue(BaseModel):
    rule: str
    location: str
    message: str
    fix: str
    section: str = ""  # canonical template section name (or the heading as written), "" before the first
    # Problem kinds this issue reports (number_form, wrong_year, wording:ranking, figure_conflict, missing_section…):
    # one issue may report two, e.g. a number written GBT39116—2019 is both badly formed and of the wrong year.
    kinds: list[str] = []
    quote: str = ""  # the text the issue is about, as written
    context: str = ""  # the sentence (or heading) it stands in


class SectionInfo(BaseModel):
    heading: str  # canonical name for a template section, else the heading as written
    text: str
    chars: int
    limit: int | None = None
    written: str = ""  # the heading as written in the document


class RewriteSection(BaseModel):
    heading: str
    original: str
    rewritten: str
    diff: str
    accepted: bool
    reason: str = ""


class Rewrite(BaseModel):
    sections: list[RewriteSection]
    backend: str


class PolishResult(BaseModel):
    source: str
    issues: list[PolishIssue]
    sections: list[SectionInfo]
    rewrite: Rewrite | None = None
    notices: list[str] = []
    structure: str = ""  # the heading scheme recognised, in words (Markdown 标题（#）、中文序号…)
