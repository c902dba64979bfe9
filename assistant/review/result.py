"""The review's JSON contract: requirement verdicts with verbatim evidence, citation checks, the group check."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from assistant.standards import Level

Status = Literal["covered", "partial", "missing", "planned", "unreadable"]
Stage = Literal["application", "acceptance"]
STATUS_ZH = {"covered": "已覆盖", "partial": "部分覆盖", "missing": "缺失", "planned": "已有计划", "unreadable": "无法判断"}
STAGE_ZH = {"application": "申报阶段", "acceptance": "验收阶段"}
# What each verdict means at each stage, shown in the report so a reader knows the yardstick.
STAGE_RULE = {
    "application": "申报阶段看计划：写出具体计划（时间、数量、名称）的要求记为“已有计划”，已完成的记为“已覆盖”，"
                   "只有笼统表态的记为“部分覆盖”。",
    "acceptance": "验收阶段看成果：只有已完成、可核查的内容记为“已覆盖”；计划和承诺不算完成，记为“部分覆盖”。",
}
CITATION_ZH = {"ok": "正确", "wrong_year": "年份不符", "title_mismatch": "名称不符", "unknown": "目录未收录，需核实"}
MAX_QUOTE = 200
MAX_EVIDENCE = 3

# ---- JSON contract ---------------------------------------------------------------------------------


class Evidence(BaseModel):
    quote: str
    location: str


class RequirementVerdict(BaseModel):
    id: int
    name: str
    status: Status
    evidence: list[Evidence]
    advice: str


class CitationResult(BaseModel):
    text: str
    normalized: str
    status: Literal["ok", "wrong_year", "title_mismatch", "unknown"]
    expected: str | None
    location: str


class GroupMemberResult(BaseModel):
    """One standard of the group as found in the document (so a reviewer sees why the count is what it is)."""

    number: str
    title: str = ""
    level: Level | None = None
    core: bool = False


class StandardGroupResult(BaseModel):
    count: int
    has_national_core: bool
    violations: list[str]
    members: list[GroupMemberResult] = []  # added to the contract: the members the count is made of


class PageProblem(BaseModel):
    """A page (or the whole file, page None) whose text layer could not be read, and why."""

    page: int | None
    reason: str


class SuspectedInstruction(BaseModel):
    """A sentence of the submission that addresses the reviewing assistant; never used as evidence."""

    quote: str
    location: str


class ReviewResult(BaseModel):
    stage: Stage = "acceptance"
    unreadable_pages: list[PageProblem] = []
    repairs: list[str] = []
    suspected_instructions: list[SuspectedInstruction] = []
    requirements: list[RequirementVerdict]
    citations: list[CitationResult]
    standard_group: StandardGroupResult
    summary: str
    source: str = ""
    method: Literal["offline", "llm"] = "offline"
    notices: list[str] = []
