"""The review's JSON contract: requirement verdicts with verbatim evidence, citation checks, the group check."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from assistant.standards import CitationStatus, Level

Status = Literal["covered", "partial", "missing"]
STATUS_ZH = {"covered": "已覆盖", "partial": "部分覆盖", "missing": "缺失"}
CITATION_ZH = {"ok": "正确", "wrong_year": "年份不符", "title_mismatch": "名称不符", "replaced": "已被代替",
               "abolished": "已废止", "unknown": "目录未收录，需核实"}
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
    status: CitationStatus
    expected: str | None
    location: str
    note: str = ""  # the edition status in words: 已被 GB/T 36073—2025 代替（2025-xx-xx 实施）


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


class ReviewResult(BaseModel):
    requirements: list[RequirementVerdict]
    citations: list[CitationResult]
    standard_group: StandardGroupResult
    summary: str
    source: str = ""
    method: Literal["offline", "llm"] = "offline"
    notices: list[str] = []
