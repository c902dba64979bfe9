"""The JSON contract of a suggestion (what `suggest --json` prints and `draft` reads back)."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from assistant.standards import GroupChecks, Level

# ---- the JSON contract -------------------------------------------------------------------------------


class Source(BaseModel):
    source: str
    location: str


class SuggestedStandard(BaseModel):
    number: str
    title: str
    level: Level
    status: Literal["published", "plan"]
    core: bool
    reason: str
    sources: list[Source]


class Suggestion(BaseModel):
    direction: str
    direction_confidence: float
    standards: list[SuggestedStandard]
    checks: GroupChecks
    notes: list[str]


# Notes starting with this mark a direction fixed by the user (--direction / the UI dropdown).
USER_DIRECTION_NOTE = "试点方向由用户指定"
