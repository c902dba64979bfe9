"""The draft's JSON contract: sections, group rows, checked citations and the draft itself."""
from __future__ import annotations

from typing import Callable, Literal

from pydantic import BaseModel

from assistant.suggest import Source

KINDS = ("application", "guide", "case", "revision")

OnToken = Callable[[str], None]


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
    # removed: a national number neither in the catalog nor given by the user; unverified: kept, not in the catalog
    action: Literal["kept", "removed", "corrected", "flagged", "unverified"]


class ModelSection(BaseModel):
    """What happened to one section the model was asked to write."""

    heading: str
    kept: bool  # False: replaced by the offline composer
    reason: str = ""  # why it was replaced
    seconds: float = 0.0
    figures: list[str] = []  # figures nobody gave, replaced by a placeholder
    echoes: int = 0  # echoed prompt sentences dropped
    trimmed: bool = False  # cut at the output-token limit, kept to the last complete sentence


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
    unverified_numbers: list[str] = []  # kept although the catalog lacks them (the user's, or not national): 待核实
    notices: list[str] = []
    model_sections: list[ModelSection] = []
