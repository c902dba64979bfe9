"""Standard numbers: parsing however they are written, the shipped catalog, citation and group checks."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable, Literal

from pydantic import BaseModel, field_validator, model_validator

from assistant.errors import InputError
from assistant.textnorm import DASHES, nfkc
from assistant.yamlio import load_yaml

Level = Literal["national", "industry", "local", "group", "enterprise"]
LEVEL_ZH = {"national": "国家标准", "industry": "行业标准", "local": "地方标准", "group": "团体标准", "enterprise": "企业标准"}
EM = "—"

_D = f"[{re.escape(DASHES + '⸺⸻')}]"
_SLASHES = str.maketrans("∕⁄", "//")  # division and fraction slashes, typed for “/” by some input methods
_GAP = r"[ \t\u3000\u00a0]*\n?[ \t\u3000\u00a0]*"  # a PDF line break may fall anywhere inside a number
# Prefixes: GB, GB/T, GB/Z; industry XX/T; local DB11/T; group T/CAMS; enterprise Q/ABC, with the letter group
# some companies put before the serial (Q/HX J03—2024, Q/320585 HX 01—2024). Letters may be full width.
# Users type the national prefix in lower case too (gb/t 39116); other prefixes stay upper case to avoid noise.
# A hyphen typed for the slash (GB-T 38854—2020) is a form slip; for an industry code (JB-T) only with a year,
# where it cannot be a product or part number.
_PREFIX = r"(?:[Gg] ?[Bb](?:\s*/\s*[TtZz]|[-－][TtZz](?![A-Za-z]))?|[A-Z]{2}[-－][TZ](?=[ \t]?\d{1,6}(?:\.\d{1,3})*[ \t]?[-－—][ \t]?(?:19|20)\d\d)|DB\s*\d{2,6}(?:\s*/\s*T)?|T\s*/\s*[A-Z]{2,12}|Q\s*/\s*[A-Z0-9]{1,12}(?:[ \t]?[A-Z]{1,4}(?=[ \t]?\d))?|[A-Z]{2}\s*/\s*[TZ])"
# One dash before the year; Chinese typing often gives the two-em 破折号 "——" instead, read as one.
# A dot typed for the dash (GB/T 39116.2020) is a form slip too: four digits 19xx/20xx are a year, never a part.
# So is the character 一 (yi) typed for the dash by a Chinese input method (GB/T 42202一2022): before a 19xx/20xx
# year right after the code it can be nothing else.
_YEAR = rf"(?:(?:{_GAP}(?:{_D}{{1,2}}|一){_GAP}|\.)(?P<year>(?:19|20)\d{{2}})(?!\d))?"
STD_RE = re.compile(
    # A dash or colon typed between prefix and code (GB/T-20720.1—2019, GB/T：39116) is a form slip, read through.
    rf"(?<![A-Za-z/])(?P<prefix>{_PREFIX}){_GAP}(?:(?:{_D}|[:：]){_GAP})?(?P<code>\d(?:\n?\d){{0,5}}(?!\d)"
    rf"(?:{_GAP}\.{_GAP}\d{{1,3}}(?!\d))*){_YEAR}"
)
# Companies also drop the slash (GBT39116—2019, GB T 39116-2019). Accepted for the national prefix only, with a
# 4–5 digit code, and only where it cannot be an English part number: a year follows or Chinese text is adjacent.
LOOSE_GB_RE = re.compile(
    rf"(?<![A-Za-z0-9/])(?P<prefix>GB[ \t\u3000]?[TZ])(?![A-Za-z]){_GAP}(?P<code>\d{{4,5}}(?!\d)(?:\.\d{{1,3}}(?!\d))*){_YEAR}"
)
PLAN_RE = re.compile(rf"(?<!\d)(?P<plan>(?:19|20)\d{{6}}){_GAP}{_D}{_GAP}T{_GAP}{_D}{_GAP}(?P<org>\d{{3}})(?!\d)")
_CJK_NEAR = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef《》（）“”]")


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


@dataclass(frozen=True)
class NumberHit:
    """One number as found in a text: the parse, where it stands, how it was written and what reading it fixed."""

    number: StdNumber
    start: int
    end: int
    raw: str  # exactly as in the text (line breaks included)
    changes: tuple[str, ...] = ()  # what normalising changed, for the editor ("缺少斜线“/”"); () when already right

    @property
    def written(self) -> str:
        """The raw text on one line, as quoted back to a person."""
        return one_line(self.raw)

    @property
    def normalized(self) -> str:
        return self.number.normalized

    @property
    def year_missing(self) -> bool:
        return self.number.year is None and self.number.prefix != "PLAN"


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
    prefix = re.sub(r"\s+", "", raw).upper().replace("－", "/").replace("-", "/")
    return f"GB/{prefix[2]}" if re.fullmatch(r"GB[TZ]", prefix) else prefix


def parse_number(text: str) -> StdNumber | None:
    """Parse one number written any way (GB/T39116-2020, ＧＢ／Ｔ 39116—2020, GBT39116—2020, 20202868-T-339)."""
    found = read_numbers(text)
    return found[0].number if found else None


def find_numbers(text: str) -> list[tuple[StdNumber, int, int]]:
    """Every standard or plan number in `text`, with its span in the original string."""
    return [(h.number, h.start, h.end) for h in read_numbers(text)]


def read_numbers(text: str) -> list[NumberHit]:
    """Every standard or plan number in `text`: the one reader every chain uses (polish, review, groups, drafts)."""
    # nfkc keeps string length for these characters, so spans map back onto `text` one to one.
    norm = nfkc(text).translate(_SLASHES)
    if len(norm) != len(text):
        norm = text
    hits: list[NumberHit] = []
    for m in PLAN_RE.finditer(norm):
        hits.append(_hit(text, m, StdNumber("PLAN", f"{m['plan']}{EM}T{EM}{m['org']}")))
    for rx in (STD_RE, LOOSE_GB_RE):
        for m in rx.finditer(norm):
            if any(h.start <= m.start() < h.end or m.start() <= h.start < m.end() for h in hits):
                continue
            if rx is LOOSE_GB_RE and not _loose_is_number(norm, m):
                continue
            code = re.sub(r"\s+", "", m["code"])
            year = int(m["year"]) if m["year"] else None
            prefix = _clean_prefix(m["prefix"])
            serial = re.match(r"Q\s*/\s*[A-Z0-9]{1,12}[ \t]([A-Z]{1,4})$", m["prefix"])
            if serial:  # Q/HX J03—2024: the letters after the company's code belong to the serial (J03)
                prefix, code = prefix[:-len(serial.group(1))], serial.group(1) + code
            hits.append(_hit(text, m, StdNumber(prefix, code, year)))
    hits.sort(key=lambda h: h.start)
    # GB/T 39561.1—2020、39561.2—2021: a code listed right after a number shares its prefix (written without it)
    for prev in list(hits):
        m = _BARE_NEXT.match(norm, prev.end)
        if m and prev.number.prefix != "PLAN" and not any(h.start == m.start("code") for h in hits):
            number = StdNumber(prev.number.prefix, m["code"], int(m["year"]))
            raw = text[m.start("code"):m.end()]
            hits.append(NumberHit(number, m.start("code"), m.end(), raw,
                                  (f"省略了代号“{prev.number.prefix}”", *_year_dash_changes(one_line(nfkc(raw)), number))))
    return sorted(hits, key=lambda h: h.start)


_BARE_NEXT = re.compile(rf"\s*[、，,和及与]\s*(?P<code>\d{{4,5}}(?:\.\d{{1,3}})?)(?!\d)\s*{_D}{{1,2}}\s*"
                        rf"(?P<year>(?:19|20)\d{{2}})(?!\d)")



def _loose_is_number(text: str, m: re.Match) -> bool:
    """A slash-less GBT… is a standard number with a year, or with Chinese text next to it and no English word
    after it ("引进GBT 2000 series设备" is a product line)."""
    if m["year"]:
        return True
    if re.match(r"\s*[A-Za-z]", text[m.end():]):
        return False
    around = text[max(0, m.start() - 2):m.start()] + text[m.end():m.end() + 2]
    return bool(_CJK_NEAR.search(around))


def _hit(text: str, m: re.Match, number: StdNumber) -> NumberHit:
    raw = text[m.start():m.end()]
    return NumberHit(number, m.start(), m.end(), raw, form_changes(raw, number))


def form_changes(raw: str, number: StdNumber) -> tuple[str, ...]:
    """What differs between a number as written and its normalised form, in the words an editor uses."""
    if raw == number.normalized:
        return ()
    half = nfkc(raw)
    flat = one_line(half.translate(_SLASHES))
    changes = []
    if "\n" in raw:
        changes.append("编号中间断行")
    if half != raw:
        changes.append("全角字母或数字改为半角")
    if half.translate(_SLASHES) != half:
        changes.append("斜线改为“/”")
    if number.prefix != "PLAN" and re.search(r"[a-z]", _prefix_part(flat, number.prefix)):
        changes.append("代号改为大写字母")
    if "/" in number.prefix and re.match(r"[A-Za-z]{2}[ \t]?[-－]", flat):
        changes.append("代号中的“-”改为斜线“/”")
    elif "/" in number.prefix and "/" not in flat:
        changes.append("代号中补上斜线“/”")
    if number.prefix != "PLAN":
        changes += _spacing_changes(flat, number)
    changes += _year_dash_changes(flat, number)
    return tuple(changes) or ("写法改为规范格式",)


def _year_dash_changes(flat: str, number: StdNumber) -> list[str]:
    """What is wrong with the dash before the year (a plan number's dashes are all of its form)."""
    dash = re.search(f"{_D}+", flat) if number.prefix == "PLAN" else re.search(rf"{_D}+(?=\s*(?:19|20)\d{{2}}$)", flat)
    if number.year is not None and number.prefix != "PLAN" and re.search(rf"\.{number.year}$", flat):
        return ["年代号前用一字线“—”，不用点“.”"]
    if number.year is not None and number.prefix != "PLAN" and re.search(rf"一\s*{number.year}$", flat):
        return ["年代号前的汉字“一”改为一字线“—”"]
    if dash and len(dash.group(0)) > 1:
        return ["年代号前只用一个一字线“—”（不用破折号“——”）"]
    if dash and dash.group(0) != EM:
        return ["连字符改为一字线“—”" if number.prefix == "PLAN" else "年代号前的连字符改为一字线“—”"]
    return []


def one_line(raw: str) -> str:
    """A number broken over lines, joined: a break right after the prefix stands for the space there."""
    return re.sub(r"\s*\n\s*", "", re.sub(r"(?<=[A-Za-z/])[ \t]*\n\s*(?=\d)", " ", raw))


def _spacing_changes(one_line: str, number: StdNumber) -> list[str]:
    head = _prefix_part(one_line, number.prefix)
    out = []
    if re.match(rf"\s*(?:{_D}|[:：])", one_line[len(head):]):
        return ["代号与顺序号之间空一格，不用“-”或“：”"]
    if re.search(r"\s/|/\s", head):
        out.append("代号内不留空格")
    if not re.search(r"\s$", head):
        out.append("代号与顺序号之间空一格")
    elif re.search(r"\s{2,}$|\u3000", head):
        out.append("代号与顺序号之间只空一格")
    if re.search(rf"\s{_D}|{_D}\s", one_line):
        out.append("一字线前后不留空格")
    return out


def _prefix_part(one_line: str, prefix: str) -> str:
    """The prefix as written with the blanks after it ("GB / T " of "GB / T 39116-2020")."""
    wanted = [c for c in prefix.upper() if c != "/"]
    i = 0
    while i < len(one_line) and wanted:
        c = one_line[i].upper()
        if c == wanted[0]:
            wanted.pop(0)
        elif c not in " \t\u3000\u00a0/" and not (c in "-－" and "/" in prefix and len(wanted) == 1):
            break
        i += 1
    while i < len(one_line) and one_line[i] in " \t\u3000\u00a0":
        i += 1
    return one_line[:i]


def number_keys(text: str) -> list[str]:
    """Year-less keys of every number in `text`, for exact-match boosting in search."""
    return list(dict.fromkeys(n.key for n, _, _ in find_numbers(text)))


Status = Literal["published", "plan", "replaced", "abolished"]
STATUS_ZH = {"published": "现行", "plan": "在研计划号", "replaced": "已被代替", "abolished": "已废止"}
USER_SOURCE = "用户导入"  # the source every entry of the user's own catalog starts with
USER_NOTE = "用户导入的标准，按用户目录核对"  # a citation found only in the user's own catalog
_DATE = re.compile(r"(?:19|20)\d{2}-\d{2}-\d{2}")
_DATE_WORDS = {"发布": "issued", "实施": "implemented", "废止": "abolished"}


class Dates(BaseModel):
    """Lifecycle dates (YYYY-MM-DD), each only where a source gives it."""

    issued: str | None = None
    implemented: str | None = None
    abolished: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, v: object) -> object:
        """Older entries write "2018-03-15 发布；2018-10-01 实施": each date is named by the word after it."""
        if v is None:
            return {}
        if not isinstance(v, str):
            return v
        out = {}
        for m in _DATE.finditer(v):
            word = next((w for w in _DATE_WORDS if v[m.end():m.end() + 4].strip().startswith(w)), None)
            if word:
                out[_DATE_WORDS[word]] = m.group(0)
        return out


class Standard(BaseModel):
    """One catalog entry (corpus/standards/catalog.yaml, or the user's own catalog when `user` is set)."""

    number: str
    title: str
    alt_titles: list[str] = []
    year: int | None = None
    level: Level
    status: Status
    area: str = ""
    area_2024: str = ""
    directions: list[str] = []
    keywords: list[str] = []
    in_plan: bool = False
    series: bool = False
    # A published edition: its successor edition. A plan number: the number it was published under.
    replaced_by: str | None = None
    replaces: str | None = None
    dates: Dates = Dates()
    part_of: str | None = None
    # Industry-specific standards (开关设备, 船舶…) fit a scenario only when it names one of these industries.
    industries: list[str] = []
    # A local standard (DB…) applies where it was issued: it fits a scenario only when it names one of these places.
    regions: list[str] = []
    needs: list[str] = []  # ids from corpus/needs.yaml this standard serves
    accompanies: list[str] = []  # foundational standards (terms, architectures): the need ids they accompany
    companions: list[str] = []  # standards a pilot applies together with this one
    scope: str = ""
    source: str
    # H: the standard's own metadata or the plan; M: one secondary source; U: the user's own statement.
    confidence: Literal["H", "M", "U"]
    note: str = ""
    user: bool = False  # from the user's own catalog (assistant catalog import), not the shipped one

    @field_validator("number")
    @classmethod
    def _normalised(cls, v: str) -> str:
        parsed = parse_number(v)
        if parsed is None or parsed.normalized != v:
            raise ValueError(f"number {v!r} is not in normalised form")
        return v

    @model_validator(mode="after")
    def _successor_means_replaced(self) -> "Standard":
        # A published edition that names its successor is no longer current, whatever its status says.
        if self.status == "published" and self.replaced_by:
            self.status = "replaced"
        return self

    @cached_property
    def parsed(self) -> StdNumber:
        return parse_number(self.number)  # type: ignore[return-value]

    @property
    def key(self) -> str:
        return self.parsed.key

    def display(self) -> str:
        return f"《{self.title}》（{self.number}）"


def _edition_rank(s: Standard) -> tuple[bool, int]:
    """Which edition a year-less number means: a current one before a replaced one, then the newest."""
    return (s.status in ("published", "plan"), s.year or 0)


@dataclass
class Catalog:
    """The catalog. A number with a year finds that edition; without one, the current (or else newest) edition."""

    standards: list[Standard]
    by_key: dict[str, Standard] = field(init=False)
    by_number: dict[str, Standard] = field(init=False)

    def __post_init__(self) -> None:
        self.by_number = {s.number: s for s in self.standards}
        self.by_key = {}
        for s in sorted(self.standards, key=_edition_rank):
            self.by_key[s.key] = s  # the best-ranked edition is written last and wins

    def get(self, number: str | StdNumber | None) -> Standard | None:
        parsed = parse_number(number) if isinstance(number, str) else number
        if parsed is None:
            return None
        return self.by_number.get(parsed.normalized) or self.by_key.get(parsed.key)

    def parts(self, number: str | StdNumber) -> list[Standard]:
        """The catalogued parts of a series cited by its stem (GB/T 21109 → GB/T 21109.1—2022), current ones first."""
        parsed = parse_number(number) if isinstance(number, str) else number
        if parsed is None or "." in parsed.code:
            return []
        stem = parsed.key + "."
        found = [s for s in self.standards if s.key.startswith(stem) and s.status not in ("replaced", "abolished")]
        return sorted({s.key: s for s in found}.values(), key=lambda s: s.key)

    def edition(self, number: str | StdNumber) -> Standard | None:
        """Exactly this edition (no fallback to another year)."""
        parsed = parse_number(number) if isinstance(number, str) else number
        return self.by_number.get(parsed.normalized) if parsed else None

    def restrictions(self) -> dict[str, tuple[str, ...]]:
        """Year-less key → the industry, technology and region words its entries are written for (restricted
        entries only): what a scenario or query must name for them to fit."""
        out: dict[str, tuple[str, ...]] = {}
        for s in self.standards:
            if s.industries or s.regions:
                out[s.key] = tuple(dict.fromkeys([*out.get(s.key, ()), *s.industries, *s.regions]))
        return out

    def successor(self, entry: Standard) -> str | None:
        """The number that stands for `entry` today: the end of its replaced_by chain (None when it has none)."""
        seen = {entry.number}
        number = entry.replaced_by
        while number:
            nxt = self.edition(number)
            if nxt is None or nxt.number in seen or not nxt.replaced_by:
                return number
            seen.add(nxt.number)
            number = nxt.replaced_by
        return None

    def current(self, number: str | StdNumber | Standard) -> Standard | None:
        """The edition to use now for a number or entry: itself when current, else its catalogued successor;
        None when the catalog holds no current edition (abolished, or a successor it does not list)."""
        entry = number if isinstance(number, Standard) else self.get(number)
        if entry is None:
            return None
        if self.is_current(entry):
            return entry
        later = self.edition(self.successor(entry) or "")
        return later if later is not None and self.is_current(later) else None

    def is_current(self, entry: Standard) -> bool:
        """May this entry be proposed today? Published, or a plan number not yet published."""
        return entry.status == "published" or (entry.status == "plan" and not entry.replaced_by)

    def merged(self, extra: Iterable[Standard]) -> "Catalog":
        """This catalog plus entries (the user's own) whose numbers it does not hold already."""
        return Catalog(self.standards + [s for s in extra if s.number not in self.by_number])

    @property
    def user_entries(self) -> list[Standard]:
        return [s for s in self.standards if s.user]

    def __contains__(self, number: str) -> bool:
        return self.get(number) is not None

    def __len__(self) -> int:
        return len(self.standards)


def load_catalog(corpus_dir: Path) -> Catalog:
    path = corpus_dir / "standards" / "catalog.yaml"
    data = load_yaml(path.read_text(encoding="utf-8"))
    return Catalog([Standard.model_validate(item) for item in data["standards"]])


def lifecycle_note(catalog: Catalog, entry: Standard) -> str:
    """An entry's edition status in words for a reader: “已被 GB/T 36073—2025 代替（2025-xx-xx 实施）”,
    “已废止（日期）”, “在研计划号，已发布为 …”; empty for a current edition. Dates only where sourced."""
    successor = catalog.successor(entry)
    later = catalog.edition(successor) if successor else None
    if entry.status == "replaced":
        when = (later.dates.implemented if later else None) or entry.dates.abolished
        return f"已被 {successor or '新版本'} 代替" + (f"（{when} 实施）" if when else "")
    if entry.status == "abolished":
        when = f"（{entry.dates.abolished}）" if entry.dates.abolished else ""
        return f"已废止{when}" + (f"，由 {successor} 代替" if successor else "")
    if entry.status == "plan" and later is not None:
        return f"在研计划号，已发布为 {later.number}"
    return ""


# ---- citation check -------------------------------------------------------------------------

CitationStatus = Literal["ok", "wrong_year", "title_mismatch", "replaced", "abolished", "unknown"]
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
    note: str = ""  # the edition status in words (已被 … 代替（… 实施）), empty when there is nothing to say


def _title_key(title: str) -> str:
    return re.sub(r"[\s\u3000：:，,—\-－（）()《》]", "", nfkc(title))


def title_matches(entry: Standard, title: str) -> bool:
    """Is `title` the entry's title (or a recorded other title), ignoring spacing and punctuation?"""
    return _title_key(title) in {_title_key(t) for t in [entry.title, *entry.alt_titles]}


def title_near(text: str, start: int, end: int) -> str | None:
    """The 《title》 written right before (《标题》（GB/T …）) or right after (GB/T … 《标题》) a number."""
    before = _TITLE_BEFORE.search(text[max(0, start - 90) : start])
    if before:
        return before.group(1)
    after = _TITLE_AFTER.search(text[end : end + 90])
    return after.group(1) if after else None


def check_number(catalog: Catalog, number: StdNumber, title: str | None) -> tuple[CitationStatus, str | None]:
    """Status of one cited number against the catalog, with the expected form when it is wrong.

    `replaced` and `abolished` carry the successor's number (None when an abolished one has none); a plan number
    the catalog links to its published standard is `replaced` by it. `expected` also carries a hint on an unknown
    number written with the wrong national prefix (GB for GB/T).
    """
    entry = catalog.get(number)
    if entry is None and number.year is None and catalog.parts(number):
        return "ok", None  # "按GB/T 19892批控制系列标准": a series cited by its stem, its parts catalogued
    if entry is None:
        sibling = _other_national_prefix(catalog, number)
        return "unknown", sibling.number if sibling else None
    if number.year is not None and entry.year is not None and number.year != entry.year:
        return "wrong_year", entry.number
    if title and not title_matches(entry, title):
        return "title_mismatch", entry.display()
    if entry.status in ("replaced", "abolished"):
        return entry.status, catalog.successor(entry)
    published = catalog.edition(entry.replaced_by) if entry.status == "plan" and entry.replaced_by else None
    if published is not None:  # a plan number since published: superseded by its standard, cite that instead
        return "replaced", published.number
    return "ok", None


def series_note(catalog: Catalog, number: StdNumber) -> str:
    """What a series stem stands for: 系列标准，目录收录 GB/T 19892.1—2005、GB/T 19892.2—2007、… 等 4 个部分."""
    parts = catalog.parts(number)
    shown = "、".join(p.number for p in parts[:3])
    return f"系列标准，目录收录 {shown}" + (f" 等 {len(parts)} 个部分" if len(parts) > 3 else "")


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
        entry = catalog.get(number) if status in ("ok", "replaced", "abolished") else None
        note = (lifecycle_note(catalog, entry) or (USER_NOTE if entry.user else "")) if entry else ""
        if status == "ok" and entry is None:
            note = series_note(catalog, number)
        out.append(Citation(raw, number.normalized, status, expected, location, title, note))
    return out


# ---- standard-group rules ------------------------------------------------------------------


class GroupMember(BaseModel):
    """One standard in a group as a user or the suggester states it."""

    number: str
    title: str = ""
    level: Level | None = None
    status: Status | None = None
    core: bool = False


class MemberCheck(BaseModel):
    """One member as the catalog knows it: what a reviewer needs to see for every number of a group."""

    number: str  # as the house writes it (GB/T 39116—2020)
    title: str = ""
    level: str = ""  # 国家标准, 行业标准…
    status: str  # 现行 | 在研计划 | 已被 X 代替 | 已废止 | 年份不符 | 目录未收录…
    core: bool = False


class GroupChecks(BaseModel):
    count: int
    has_national_core: bool
    violations: list[str]
    checked: list[MemberCheck] = []  # every member with its catalog status


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
    return GroupChecks(count=count, has_national_core=_has_national_core(members, catalog), violations=violations,
                       checked=[member_check(m, catalog) for m in members])


def member_check(member: GroupMember, catalog: Catalog) -> MemberCheck:
    """A member's catalog status in words (numbers that cannot be checked say so, never pass silently)."""
    parsed = parse_number(member.number)
    if parsed is None:
        return MemberCheck(number=member.number, title=member.title or "", status="无法识别的编号", core=member.core)
    entry = catalog.get(parsed)
    level = member_level(member, catalog)
    level_zh = LEVEL_ZH.get(level, "") if level else ""
    status, expected = check_number(catalog, parsed, None)
    if entry is None:
        words = ("目录未收录，请核实编号" if parsed.level == "national"
                 else f"目录未收录，无法核实（{level_zh or '非国家标准'}，可用 assistant catalog import 导入）")
        return MemberCheck(number=parsed.normalized, title=member.title or "", level=level_zh, status=words,
                           core=member.core)
    said = {"ok": "现行" if entry.status == "published" else "在研计划号", "wrong_year": f"年份不符，目录中为 {expected}",
            "replaced": lifecycle_note(catalog, entry), "abolished": lifecycle_note(catalog, entry)}.get(status, "现行")
    if entry.user:
        said += "（用户导入）"
    return MemberCheck(number=parsed.normalized if status == "wrong_year" else entry.number, title=entry.title,
                       level=level_zh, status=said, core=member.core)


def member_level(member: GroupMember, catalog: Catalog) -> Level | None:
    """The level the user gave, else the catalog's, else the one the number's prefix encodes."""
    parsed = parse_number(member.number)
    if parsed is None:
        return member.level
    entry = catalog.get(parsed)
    return member.level or (entry.level if entry else parsed.level)


def _catalog_problems(catalog: Catalog, number: StdNumber) -> list[str]:
    """Wrong years and outdated editions of any catalogued member; unknown numbers only for national ones,
    as the catalog cannot hold every industry, group or enterprise standard."""
    status, expected = check_number(catalog, number, None)
    if status == "wrong_year":
        return [f"{number.normalized}：年份不符，目录中为 {expected}"]
    if status in ("replaced", "abolished"):
        note = lifecycle_note(catalog, catalog.get(number))  # type: ignore[arg-type]
        return [f"{number.normalized}：{note}，标准群应采用现行有效的标准"]
    if status == "unknown" and number.level == "national":
        hint = f"（是否应为 {expected}？）" if expected else ""
        return [f"{number.normalized}：目录未收录，请核实编号{hint}"]
    return []


def _core_problems(members: list[GroupMember], catalog: Catalog) -> list[str]:
    levels = [member_level(m, catalog) for m in members]
    if not any(lv == "national" for lv in levels):
        return ["标准群中没有国家标准：方案要求以至少1项国家标准为核心"]
    out = [f"{m.number} 是用户导入的{LEVEL_ZH[lv]}，只能作为补充标准，不能作为核心"  # type: ignore[index]
           for m, lv in zip(members, levels) if m.core and lv != "national" and _is_user(catalog, m)]
    if _has_national_core(members, catalog):
        return out
    cores = [m.number for m, lv in zip(members, levels) if m.core and not _is_user(catalog, m)]
    if cores:
        return out + [f"核心标准须为国家标准：{'、'.join(cores)} 不是国家标准，请将至少1项国家标准标为核心"]
    return out + ["没有标明核心标准：请将至少1项国家标准标为核心"]


def _is_user(catalog: Catalog, member: GroupMember) -> bool:
    entry = catalog.get(member.number)
    return entry is not None and entry.user


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
        raise InputError("未在输入中找到任何标准编号（如 GB/T 39116—2020）")
    return members
