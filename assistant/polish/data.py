"""The editor's rule data from corpus/polish/: the case template's sections and the wording list by category."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel

from assistant.errors import InputError
from assistant.yamlio import load_yaml

WORDING_CATEGORIES = ["absolute", "ranking", "endorsement", "sales_contact", "unverifiable"]


class TemplateSection(BaseModel):
    name: str
    hint: str
    aliases: list[str] = []
    # Names matched only as the whole heading (标准群（共7项）): as a part of longer headings they mean another thing
    # (标准群应用情况 is 实施 or 成效 writing).
    exact: list[str] = []


EXACT = "="  # lookup keys of exact-only names carry this mark, so that containment never finds them


class StructureData(BaseModel):
    source: str
    confidence: str
    sections: list[TemplateSection]
    schemes: dict[str, str]

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sections]

    @property
    def lookup(self) -> dict[str, str]:
        """Every name and alias → the template name; longest first, so containment finds the most specific."""
        pairs = [(n, s.name) for s in self.sections for n in [s.name, *s.aliases]]
        pairs += [(EXACT + n, s.name) for s in self.sections for n in s.exact]
        return dict(sorted(pairs, key=lambda p: len(p[0]), reverse=True))

    def hint(self, name: str) -> str:
        return next((s.hint for s in self.sections if s.name == name), "")


class Entry(BaseModel):
    phrase: str | None = None
    pattern: str | None = None
    alternative: str


class Category(BaseModel):
    name: str
    source: str
    confidence: str
    phrases: list[Entry] = []
    patterns: list[Entry] = []


class WordingData(BaseModel):
    categories: dict[str, Category]
    exceptions: list[str]
    exception_patterns: list[str] = []  # technical uses no phrase list can hold (唯一追溯码, 唯一的产品编码)


class IndicatorData(BaseModel):
    synonyms: list[list[str]] = []  # words an indicator's name may use interchangeably; the first is the one kept


@dataclass(frozen=True)
class WordRule:
    """One phrase or pattern, compiled, with its category and neutral alternative."""

    category: str
    regex: re.Pattern
    alternative: str
    literal: bool


@dataclass(frozen=True)
class PolishData:
    structure: StructureData
    wording: WordingData
    rules: tuple[WordRule, ...]  # longest literal phrases first, then patterns
    indicators: IndicatorData = field(default_factory=IndicatorData)


def _yaml(path: Path) -> dict:
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: 无法读取编辑规则数据（{exc.__class__.__name__}）") from exc


def _rules(wording: WordingData) -> tuple[WordRule, ...]:
    literal, patterns = [], []
    for cat_id, cat in wording.categories.items():
        literal += [WordRule(cat_id, re.compile(re.escape(e.phrase)), e.alternative, True) for e in cat.phrases if e.phrase]
        patterns += [WordRule(cat_id, re.compile(e.pattern), e.alternative, False) for e in cat.patterns if e.pattern]
    literal.sort(key=lambda r: len(r.regex.pattern), reverse=True)
    return tuple(literal + patterns)


@lru_cache(maxsize=4)
def load_polish_data(corpus_dir: Path) -> PolishData:
    root = Path(corpus_dir) / "polish"
    structure = StructureData.model_validate(_yaml(root / "structure.yaml"))
    wording = WordingData.model_validate(_yaml(root / "wording.yaml"))
    unknown = set(wording.categories) - set(WORDING_CATEGORIES)
    if unknown:
        raise InputError(f"{root / 'wording.yaml'}: 未知的用语类别 {sorted(unknown)}")
    indicators = IndicatorData.model_validate(_yaml(root / "indicators.yaml"))
    return PolishData(structure, wording, _rules(wording), indicators)
