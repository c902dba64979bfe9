"""Row-by-row validation of an import file: every problem named by its row, and no entry unless all rows pass."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from assistant.catalog.io import Row, split_list
from assistant.standards import (
    LEVEL_ZH,
    STATUS_ZH,
    USER_SOURCE,
    Catalog,
    Standard,
    StdNumber,
    find_numbers,
    level_of,
    title_matches,
)
from assistant.textnorm import nfkc
from assistant.yamlio import load_yaml

_LEVELS = {**{k: k for k in LEVEL_ZH}, **{v: k for k, v in LEVEL_ZH.items()}, "国标": "national", "行标": "industry",
           "地标": "local", "团标": "group", "企标": "enterprise"}
_STATUSES = {**{k: k for k in STATUS_ZH}, **{v: k for k, v in STATUS_ZH.items()}, "已发布": "published",
             "发布": "published", "有效": "published", "在研": "plan", "计划": "plan", "被代替": "replaced",
             "已代替": "replaced", "代替": "replaced", "废止": "abolished", "作废": "abolished"}
_DATE = re.compile(r"^((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


@dataclass
class Vocabulary:
    """The ids and names an import may use for needs and directions (both map to what the catalog stores)."""

    needs: dict[str, str]  # id or name -> id
    directions: dict[str, str]  # id or name -> name
    need_names: dict[str, str]  # id -> name, in the vocabulary's order

    @staticmethod
    def load(corpus_dir: Path) -> "Vocabulary":
        return _vocabulary(Path(corpus_dir))


@lru_cache(maxsize=4)
def _vocabulary(corpus_dir: Path) -> Vocabulary:
    from assistant.corpus import load_corpus

    raw = load_yaml((corpus_dir / "needs.yaml").read_text(encoding="utf-8")) or {}
    names = {n["id"]: n.get("name", n["id"]) for n in raw.get("needs", [])}
    needs = {**{i: i for i in names}, **{name: i for i, name in names.items()}}
    plan = load_corpus(corpus_dir).plan
    directions = {name: d.name for d in plan.directions for name in (d.id, d.name)}
    return Vocabulary(needs, directions, names)


@dataclass
class Outcome:
    """What an import would store: entries only when `errors` is empty; notices never block it."""

    entries: list[Standard] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_rows(rows: list[Row], shipped: Catalog, vocab: Vocabulary) -> Outcome:
    """Check every row (format, consistency, duplicates in the file, conflicts with the shipped catalog)."""
    out = Outcome()
    seen: dict[str, str] = {}
    for row in rows:
        entry, errors = row_entry(row, vocab)
        number, _ = _number(row.cells.get("number", ""), "")
        if number is not None and number.normalized in seen:  # a duplicate is named even when the row has other errors
            errors.append(f"编号 {number.normalized} 与{seen[number.normalized]}重复")
        elif number is not None:
            seen[number.normalized] = row.label
        if entry is not None and not errors:
            errors = _conflicts(entry, shipped)
        out.errors += [f"{row.label}：{e}" for e in errors]
        if entry is None or errors:
            continue
        if shipped.edition(entry.number) is not None:
            out.notices.append(f"{row.label}：{entry.number} 内置目录已收录且名称一致，已跳过")
            continue
        out.entries.append(entry)
    if not rows:
        out.errors.append("文件中没有标准数据行")
    return out


def row_entry(row: Row, vocab: Vocabulary) -> tuple[Standard | None, list[str]]:
    """One row as a user catalog entry, or the reasons it cannot be one."""
    cells = row.cells
    errors = [f"未知的字段“{k[1:]}”" for k in cells if k.startswith("?")]
    number, problem = _number(cells.get("number", ""), cells.get("year", ""))
    if problem:
        errors.append(problem)
    title = cells.get("title", "").strip().strip("《》").strip()
    if not title:
        errors.append("缺少标准名称")
    if number is None:
        return None, errors
    level, status = _level(cells, number, errors), _status(cells, number, errors)
    fields = {
        "number": number.normalized, "title": title, "year": number.year, "level": level, "status": status,
        "replaced_by": _other_number(cells, "replaced_by", "代替标准", errors),
        "replaces": _other_number(cells, "replaces", "被代替标准", errors),
        "dates": {k: _date(cells, k, errors) for k in ("issued", "implemented", "abolished")},
        "industries": split_list(cells.get("industries", "")), "keywords": split_list(cells.get("keywords", "")),
        "needs": _mapped(cells, "needs", vocab.needs, "需求", errors),
        "directions": _mapped(cells, "directions", vocab.directions, "试点方向", errors),
        "scope": cells.get("scope", ""), "note": cells.get("note", ""),
        "source": f"{USER_SOURCE}：{cells['source']}" if cells.get("source") else USER_SOURCE,
        "confidence": "U", "user": True,
    }
    if status == "published" and cells.get("status") and fields["replaced_by"]:
        errors.append("状态为现行，却填写了代替标准：被代替的标准请把状态写为“被代替”")
    if errors:
        return None, errors
    if fields["replaced_by"] and status == "published":  # a successor without a status: the row is an old edition
        fields["status"] = "replaced"
    try:
        return Standard.model_validate(fields), []
    except ValidationError as exc:
        return None, [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]


def _number(text: str, year_text: str) -> tuple[StdNumber | None, str | None]:
    if not text.strip():
        return None, "缺少标准编号"
    found = find_numbers(text.strip())
    if len(found) != 1 or found[0][1] != 0 or found[0][2] != len(text.strip()):
        return None, f"“{text}”不是一个可识别的标准编号（应如 GB/T 39116—2020、Q/ABC 001—2023）"
    number = found[0][0]
    if not year_text:
        return number, None
    year = nfkc(year_text).strip()
    if not re.fullmatch(r"(?:19|20)\d{2}", year):
        return number, f"年份“{year_text}”应为四位年份"
    if number.year is not None and number.year != int(year):
        return number, f"年份 {year} 与编号中的年代号 {number.year} 不一致"
    return StdNumber(number.prefix, number.code, int(year)), None


def _level(cells: dict[str, str], number: StdNumber, errors: list[str]) -> str:
    implied = level_of(number.prefix)
    given = cells.get("level", "").strip()
    if not given:
        return implied
    level = _LEVELS.get(given.lower() if given.isascii() else given)
    if level is None:
        errors.append(f"层级“{given}”无法识别（可填：{'、'.join(LEVEL_ZH.values())}）")
    elif level != implied:
        errors.append(f"层级“{given}”与编号前缀 {number.prefix}（{LEVEL_ZH[implied]}）不一致")
    return implied


def _status(cells: dict[str, str], number: StdNumber, errors: list[str]) -> str | None:
    given = cells.get("status", "").strip()
    status = _STATUSES.get(given.lower() if given.isascii() else given) if given else "published"
    if status is None:
        errors.append(f"状态“{given}”无法识别（可填：现行、在研、被代替、废止）")
        return None
    if (status == "plan") != (number.prefix == "PLAN"):
        errors.append("只有计划号（如 20213298—T—469）的状态可以是“在研”" if status == "plan"
                      else f"计划号 {number.normalized} 的状态应为“在研”")
    return status


def _other_number(cells: dict[str, str], key: str, label: str, errors: list[str]) -> str | None:
    text = cells.get(key, "").strip()
    if not text:
        return None
    found = find_numbers(text)
    if len(found) != 1:
        errors.append(f"{label}“{text}”不是一个可识别的标准编号")
        return None
    return found[0][0].normalized


def _date(cells: dict[str, str], key: str, errors: list[str]) -> str | None:
    text = nfkc(cells.get(key, "")).strip()
    if not text:
        return None
    m = _DATE.match(text.split(" ")[0])  # a spreadsheet date cell may carry a time
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            pass
    errors.append(f"日期“{text}”不是有效日期（应写作 YYYY-MM-DD）")
    return None


def _mapped(cells: dict[str, str], key: str, allowed: dict[str, str], label: str, errors: list[str]) -> list[str]:
    out = []
    for value in split_list(cells.get(key, "")):
        if value in allowed:
            out.append(allowed[value])
        else:
            errors.append(f"{label}“{value}”不在词表中")
    return list(dict.fromkeys(out))


def _conflicts(entry: Standard, shipped: Catalog) -> list[str]:
    """A shipped number imported under another title, or a year-less number the shipped catalog has editions of."""
    same = shipped.edition(entry.number)
    if same is not None:
        if not title_matches(same, entry.title):
            return [f"{entry.number} 已在内置目录中，名称为《{same.title}》，与导入的《{entry.title}》不同"]
        return []
    if entry.year is None and entry.parsed.prefix != "PLAN" and shipped.by_key.get(entry.key) is not None:
        return [f"内置目录已有 {shipped.by_key[entry.key].number}，请在编号中写明年代号"]
    return []
