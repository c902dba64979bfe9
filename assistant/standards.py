"""Standard numbers: parsing however they are written, the shipped catalog, citation and group checks."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable, Literal

import yaml
from pydantic import BaseModel, field_validator

from assistant.errors import InputError
from assistant.textnorm import DASHES, nfkc

Level = Literal["national", "industry", "local", "group", "enterprise"]
LEVEL_ZH = {"national": "国家标准", "industry": "行业标准", "local": "地方标准", "group": "团体标准", "enterprise": "企业标准"}
EM = "—"

_D = f"[{re.escape(DASHES)}]"
_GAP = r"[ \t\u3000\u00a0]*\n?[ \t\u3000\u00a0]*"  # a PDF line break may fall anywhere inside a number
# Prefixes: GB, GB/T, GB/Z; industry XX/T; local DB11/T; group T/CAMS; enterprise Q/ABC. Letters may be full width.
# Users type the national prefix in lower case too (gb/t 39116); other prefixes stay upper case to avoid noise.
_PREFIX = r"(?:[Gg][Bb](?:\s*/\s*[TtZz])?|DB\s*\d{2,6}(?:\s*/\s*T)?|T\s*/\s*[A-Z]{2,12}|Q\s*/\s*[A-Z0-9]{1,12}|[A-Z]{2}\s*/\s*[TZ])"
STD_RE = re.compile(
    rf"(?<![A-Za-z/])(?P<prefix>{_PREFIX}){_GAP}(?P<code>\d(?:\n?\d){{0,5}}(?!\d)(?:{_GAP}\.{_GAP}\d{{1,3}})*)"
    rf"(?:{_GAP}{_D}{_GAP}(?P<year>(?:19|20)\d{{2}})(?!\d))?"
)
PLAN_RE = re.compile(rf"(?<!\d)(?P<plan>(?:19|20)\d{{6}}){_GAP}{_D}{_GAP}T{_GAP}{_D}{_GAP}(?P<org>\d{{3}})(?!\d)")


@dataclass(frozen=True)
class StdNumber:
    """A parsed standard or plan number. `key` ignores the year; `normalized` is the display form."""

    prefix: str  # "GB/T", "SJ/T", "T/CAMS", or "PLAN"
    code: str  # "39116", "39561.1", or for plans "20202868—T—339"
    year: int | None = None

    @property
    def key(self) -> str:
        return self.code if self.prefix == "PLAN" else f"{self.prefix} {self.code}"

    @property
    def normalized(self) -> str:
        return self.key if self.year is None or self.prefix == "PLAN" else f"{self.key}{EM}{self.year}"

    @property
    def level(self) -> Level:
        return level_of(self.prefix)


def level_of(prefix: str) -> Level:
    """Level from the number's prefix, the way the Chinese standards system encodes it."""
    if prefix == "PLAN" or prefix.startswith("GB"):
        return "national"
    if prefix.startswith("DB"):
        return "local"
    if prefix.startswith("T/"):
        return "group"
    if prefix.startswith("Q/"):
        return "enterprise"
    return "industry"


def _clean_prefix(raw: str) -> str:
    return re.sub(r"\s+", "", raw).upper()


def parse_number(text: str) -> StdNumber | None:
    """Parse one number written any way (GB/T39116-2020, ＧＢ／Ｔ 39116—2020, 20202868-T-339)."""
    found = find_numbers(text)
    return found[0][0] if found else None


def find_numbers(text: str) -> list[tuple[StdNumber, int, int]]:
    """Every standard or plan number in `text`, with its span in the original string."""
    # nfkc keeps string length for these characters, so spans map back onto `text` one to one.
    norm = nfkc(text)
    if len(norm) != len(text):
        norm = text
    hits: list[tuple[StdNumber, int, int]] = []
    for m in PLAN_RE.finditer(norm):
        hits.append((StdNumber("PLAN", f"{m['plan']}{EM}T{EM}{m['org']}"), m.start(), m.end()))
    taken = [(s, e) for _, s, e in hits]
    for m in STD_RE.finditer(norm):
        if any(s <= m.start() < e for s, e in taken):
            continue
        code = re.sub(r"\s+", "", m["code"])
        year = int(m["year"]) if m["year"] else None
        hits.append((StdNumber(_clean_prefix(m["prefix"]), code, year), m.start(), m.end()))
    return sorted(hits, key=lambda h: h[1])


def number_keys(text: str) -> list[str]:
    """Year-less keys of every number in `text`, for exact-match boosting in search."""
    return list(dict.fromkeys(n.key for n, _, _ in find_numbers(text)))


class Standard(BaseModel):
    """One catalog entry (corpus/standards/catalog.yaml)."""

    number: str
    title: str
    alt_titles: list[str] = []
    year: int | None = None
    level: Level
    status: Literal["published", "plan", "replaced", "abolished"]
    area: str = ""
    directions: list[str] = []
    keywords: list[str] = []
    in_plan: bool = False
    series: bool = False
    replaced_by: str | None = None
    part_of: str | None = None
    # Industry-specific standards (开关设备, 船舶…) fit a scenario only when it names one of these industries.
    industries: list[str] = []
    source: str
    confidence: Literal["H", "M"]
    note: str = ""

    @field_validator("number")
    @classmethod
    def _normalised(cls, v: str) -> str:
        parsed = parse_number(v)
        if parsed is None or parsed.normalized != v:
            raise ValueError(f"number {v!r} is not in normalised form")
        return v

    @cached_property
    def parsed(self) -> StdNumber:
        return parse_number(self.number)  # type: ignore[return-value]

    @property
    def key(self) -> str:
        return self.parsed.key

    def display(self) -> str:
        return f"《{self.title}》（{self.number}）"


@dataclass
class Catalog:
    """The shipped catalog. A number with a year finds that edition; without one, the newest edition."""

    standards: list[Standard]
    by_key: dict[str, Standard] = field(init=False)
    by_number: dict[str, Standard] = field(init=False)

    def __post_init__(self) -> None:
        self.by_number = {s.number: s for s in self.standards}
        self.by_key = {}
        for s in sorted(self.standards, key=lambda s: s.year or 0):
            self.by_key[s.key] = s  # later (newer) editions win

    def get(self, number: str | StdNumber) -> Standard | None:
        parsed = parse_number(number) if isinstance(number, str) else number
        if parsed is None:
            return None
        return self.by_number.get(parsed.normalized) or self.by_key.get(parsed.key)

    def __contains__(self, number: str) -> bool:
        return self.get(number) is not None

    def __len__(self) -> int:
        return len(self.standards)


def load_catalog(corpus_dir: Path) -> Catalog:
    path = corpus_dir / "standards" / "catalog.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Catalog([Standard.model_validate(item) for item in data["standards"]])


# ---- citation check -------------------------------------------------------------------------

CitationStatus = Literal["ok", "wrong_year", "title_mismatch", "unknown"]
_TITLE_BEFORE = re.compile(r"《([^《》]{2,80})》[\s（(]*$")
# Only a title right after the number (space or colon): after 、 or ， it is the next item's title.
_TITLE_AFTER = re.compile(r"^[ \t\u3000]*[：:]?[ \t\u3000]*《([^《》]{2,80})》(?![ \t\u3000]*[（(][ \t\u3000]*[A-Z0-9])")


@dataclass
class Citation:
    text: str
    normalized: str
    status: CitationStatus
    expected: str | None
    location: str
    title: str | None = None


def _title_key(title: str) -> str:
    return re.sub(r"[\s\u3000：:，,—\-－（）()《》]", "", nfkc(title))


def title_near(text: str, start: int, end: int) -> str | None:
    """The 《title》 written right before (《标题》（GB/T …）) or right after (GB/T … 《标题》) a number."""
    before = _TITLE_BEFORE.search(text[max(0, start - 90) : start])
    if before:
        return before.group(1)
    after = _TITLE_AFTER.search(text[end : end + 90])
    return after.group(1) if after else None


def check_number(catalog: Catalog, number: StdNumber, title: str | None) -> tuple[CitationStatus, str | None]:
    """Status of one cited number against the catalog, with the expected form when it is wrong.

    `expected` also carries a hint on two otherwise-ok or unknown cases: a plan number that has since been
    published (its standard number), and a number written with the wrong national prefix (GB for GB/T).
    """
    entry = catalog.get(number)
    if entry is None:
        sibling = _other_national_prefix(catalog, number)
        return "unknown", sibling.number if sibling else None
    if number.year is not None and entry.year is not None and number.year != entry.year:
        return "wrong_year", entry.number
    if title and _title_key(title) not in {_title_key(t) for t in [entry.title, *entry.alt_titles]}:
        return "title_mismatch", entry.display()
    published = catalog.get(entry.replaced_by) if entry.status == "plan" and entry.replaced_by else None
    return "ok", published.number if published else None


def _other_national_prefix(catalog: Catalog, number: StdNumber) -> Standard | None:
    """GB 39116 meant as GB/T 39116 (and the like): the same code under another national prefix."""
    if not number.prefix.startswith("GB"):
        return None
    for prefix in ("GB/T", "GB", "GB/Z"):
        if prefix != number.prefix:
            entry = catalog.get(StdNumber(prefix, number.code, number.year)) or catalog.get(StdNumber(prefix, number.code))
            if entry is not None:
                return entry
    return None


def check_citations(catalog: Catalog, text: str, location: str) -> list[Citation]:
    """Every number cited in one passage of text, checked."""
    out = []
    for number, start, end in find_numbers(text):
        title = title_near(text, start, end)
        status, expected = check_number(catalog, number, title)
        raw = re.sub(r"\s*\n\s*", "", text[start:end])
        out.append(Citation(raw, number.normalized, status, expected, location, title))
    return out


# ---- standard-group rules ------------------------------------------------------------------


class GroupMember(BaseModel):
    """One standard in a group as a user or the suggester states it."""

    number: str
    title: str = ""
    level: Level | None = None
    status: Literal["published", "plan"] | None = None
    core: bool = False


class GroupChecks(BaseModel):
    count: int
    has_national_core: bool
    violations: list[str]


def check_group(members: Iterable[GroupMember], catalog: Catalog, min_count: int = 5, max_count: int = 20) -> GroupChecks:
    """The plan's rules for a 标准群: 5–20 standards, at least one national standard as its core.

    National numbers are also checked against the catalog (unknown or wrong year); numbers of other levels
    cannot be, as the catalog holds key national standards only.
    """
    members = list(members)
    violations: list[str] = []
    seen: dict[str, int] = {}
    for m in members:
        parsed = parse_number(m.number)
        if parsed is None:
            violations.append(f"无法识别的标准编号：{m.number}")
            continue
        seen[parsed.key] = seen.get(parsed.key, 0) + 1
        violations += _catalog_problems(catalog, parsed)
    violations += [f"重复的标准：{key}（出现 {n} 次）" for key, n in seen.items() if n > 1]
    count = len(seen)
    if count < min_count:
        violations.append(f"标准数量 {count} 项，少于方案要求的 {min_count} 项")
    if count > max_count:
        violations.append(f"标准数量 {count} 项，超过方案要求的 {max_count} 项")
    violations += _core_problems(members, catalog)
    return GroupChecks(count=count, has_national_core=_has_national_core(members, catalog), violations=violations)


def member_level(member: GroupMember, catalog: Catalog) -> Level | None:
    """The level the user gave, else the catalog's, else the one the number's prefix encodes."""
    parsed = parse_number(member.number)
    if parsed is None:
        return member.level
    entry = catalog.get(parsed)
    return member.level or (entry.level if entry else parsed.level)


def _catalog_problems(catalog: Catalog, number: StdNumber) -> list[str]:
    if number.level != "national":
        return []
    status, expected = check_number(catalog, number, None)
    if status == "wrong_year":
        return [f"{number.normalized}：年份不符，目录中为 {expected}"]
    if status == "unknown":
        hint = f"（是否应为 {expected}？）" if expected else ""
        return [f"{number.normalized}：目录未收录，请核实编号{hint}"]
    return []


def _core_problems(members: list[GroupMember], catalog: Catalog) -> list[str]:
    levels = [member_level(m, catalog) for m in members]
    if not any(lv == "national" for lv in levels):
        return ["标准群中没有国家标准：方案要求以至少1项国家标准为核心"]
    if _has_national_core(members, catalog):
        return []
    cores = [m.number for m, lv in zip(members, levels) if m.core]
    if cores:
        return [f"核心标准须为国家标准：{'、'.join(cores)} 不是国家标准，请将至少1项国家标准标为核心"]
    return ["没有标明核心标准：请将至少1项国家标准标为核心"]


def _has_national_core(members: list[GroupMember], catalog: Catalog) -> bool:
    return any(m.core and member_level(m, catalog) == "national" for m in members)


def parse_group_text(text: str) -> list[GroupMember]:
    """A group pasted as a list or table: one member per number; '核心' on the same line marks the core."""
    members: list[GroupMember] = []
    for line in text.splitlines():
        for number, start, end in find_numbers(line):
            title = title_near(line, start, end) or ""
            members.append(GroupMember(number=number.normalized, title=title, core="核心" in line))
    if not members:
        raise InputError("未在输入中找到任何标准编号 (no standard numbers found in the group)")
    return members
