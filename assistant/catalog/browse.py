"""Filtering and describing the merged catalog, shared by `assistant catalog list` and the UI's 知识库 tab."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from assistant.standards import LEVEL_ZH, STATUS_ZH, Catalog, Standard, lifecycle_note


@dataclass(frozen=True)
class Filter:
    level: str | None = None  # a Level value
    status: str | None = None  # a Status value
    need: str | None = None  # a need id
    industry: str | None = None  # a word of the entry's industries ("通用" for entries without restriction)
    query: str = ""  # every word must occur in number, title, keywords, directions or scope
    user_only: bool = False

    def keeps(self, s: Standard) -> bool:
        if (self.level and s.level != self.level) or (self.status and s.status != self.status):
            return False
        if self.need and self.need not in s.needs and self.need not in s.accompanies:
            return False
        if self.industry and not _in_industry(s, self.industry):
            return False
        if self.user_only and not s.user:
            return False
        text = " ".join([s.number, s.title, *s.alt_titles, *s.keywords, *s.directions, s.scope, s.area]).lower()
        number = s.number.lower()
        # A word like "39116" or "gb/t" asks for a number: a scope that mentions GB/T 39116 is not a match.
        return all(w in (number if _numberish(w) else text) for w in self.query.lower().split())


def _numberish(word: str) -> bool:
    return word.isascii() and any(c.isdigit() or c == "/" for c in word)


def _in_industry(s: Standard, industry: str) -> bool:
    if industry == "通用":
        return not s.industries
    return any(industry in i or i in industry for i in s.industries)


def select(catalog: Catalog, spec: Filter) -> list[Standard]:
    return [s for s in catalog.standards if spec.keeps(s)]


def describe(catalog: Catalog, s: Standard) -> dict:
    """One entry for `catalog list --json` and `show`: its fields plus whose it is and its edition status."""
    data = s.model_dump(mode="json")
    data["origin"] = "user" if s.user else "shipped"
    data["status_zh"] = STATUS_ZH[s.status]
    data["level_zh"] = LEVEL_ZH[s.level]
    data["lifecycle"] = lifecycle_note(catalog, s)
    return data


def industries(standards: Iterable[Standard]) -> list[str]:
    """The industry words entries are restricted to, most used first (the UI's filter choices)."""
    counts: dict[str, int] = {}
    for s in standards:
        for i in s.industries[:1]:  # the first word names the industry; the rest are synonyms for matching
            counts[i] = counts.get(i, 0) + 1
    return sorted(counts, key=lambda i: (-counts[i], i))
