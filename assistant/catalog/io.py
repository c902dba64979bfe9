"""The user catalog's file formats: the documented column set, reading rows from .xlsx/.csv/.yaml, writing them back.

Reading knows nothing about what a good row is (validate.py does); it only turns a file into numbered rows of
strings, so every error can name the row the user sees in the spreadsheet.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from zipfile import BadZipFile

import yaml

from assistant.errors import InputError, suffix_refused
from assistant.standards import USER_SOURCE, Standard
from assistant.yamlio import load_yaml

FORMATS = (".xlsx", ".csv", ".yaml", ".yml")
MAX_MB = 20  # thousands of rows fit in well under 1 MB; a bigger file is not a catalog
LIST_SEP = re.compile(r"[、,，;；\n]+")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool
    help: str
    example: str


COLUMNS = [
    Column("number", "标准编号", True, "规范写法或常见写法均可（GB/T 39116-2020、Q/ABC 001—2023、T/CAMS 12-2021）",
           "Q/ABC 001—2023"),
    Column("title", "标准名称", True, "标准的正式名称，不加书名号", "智能工厂 设备联网 企业规范"),
    Column("level", "层级", False, "national/industry/local/group/enterprise 或 国家标准/行业标准/地方标准/团体标准/企业标准；"
           "不填则按编号前缀判断，填写时须与前缀一致", "企业标准"),
    Column("year", "年份", False, "发布年份；编号带年代号时可不填，填写时须与编号一致", "2023"),
    Column("status", "状态", False, "published/plan/replaced/abolished 或 现行/在研/被代替/废止；不填为现行", "现行"),
    Column("replaced_by", "代替标准", False, "被代替或废止时：代替它的新标准编号", ""),
    Column("replaces", "被代替标准", False, "本标准代替的旧版本编号", ""),
    Column("issued", "发布日期", False, "YYYY-MM-DD", "2023-03-01"),
    Column("implemented", "实施日期", False, "YYYY-MM-DD", "2023-06-01"),
    Column("abolished", "废止日期", False, "YYYY-MM-DD，仅废止或被代替时填写", ""),
    Column("industries", "适用行业", False, "仅适用于这些行业时填写，多个用顿号分隔；不填为通用", "汽车零部件"),
    Column("needs", "需求", False, "本标准服务的需求（需求编号或名称，见 corpus/needs.yaml），多个用顿号分隔",
           "设备联网与数据采集"),
    Column("directions", "试点方向", False, "试点方向名称，多个用顿号分隔", "智能工厂建设应用类"),
    Column("keywords", "关键词", False, "检索用关键词，多个用顿号分隔", "设备联网、数据采集"),
    Column("scope", "适用范围", False, "一两句话说明标准规定了什么、用于什么", "规定本企业设备联网的接口与数据采集要求。"),
    Column("source", "来源", False, "编号与名称的出处（标准文本、发布公告、网址）", "企业标准信息公共服务平台"),
    Column("note", "备注", False, "其他说明", ""),
]
_LIST_KEYS = {"industries", "needs", "directions", "keywords"}
# Other headers people give these columns in their own spreadsheets.
_ALIASES = {"编号": "number", "标准号": "number", "名称": "title", "标准名": "title", "级别": "level", "年代号": "year",
            "发布年份": "year", "代替": "replaced_by", "替代标准": "replaced_by", "代替的标准": "replaces", "行业": "industries",
            "适用范围说明": "scope", "范围": "scope", "说明": "note", "出处": "source"}
_BY_NAME = {**_ALIASES, **{name: c.key for c in COLUMNS for name in (c.key, c.label)}}


@dataclass
class Row:
    """One data row of an import file: where it is (as the user sees it) and its cells by column key."""

    line: int
    label: str  # "第3行" for a spreadsheet or CSV line, "第3条" for a YAML item
    cells: dict[str, str]


def header_label(column: Column) -> str:
    return f"{column.label}({column.key})"


def column_key(header: str) -> str | None:
    """The column a header names: its key, its Chinese label, or the template's “标签(key)” form."""
    text = re.sub(r"\s+", "", str(header or "")).replace("（", "(").replace("）", ")").lstrip("*")
    inner = re.fullmatch(r"(.*)\((.*)\)", text)
    names = [inner.group(1), inner.group(2)] if inner else [text]
    return next((_BY_NAME[n] for n in names if n in _BY_NAME), None)


def cell_text(value: object) -> str:
    """A spreadsheet cell as text: whole numbers without “.0”, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def split_list(value: str) -> list[str]:
    return [v.strip() for v in LIST_SEP.split(value or "") if v.strip()]


# ---- reading ----------------------------------------------------------------------------------------


def read_rows(path: Path) -> tuple[list[Row], list[str]]:
    """The data rows of an import file and the problems with its header (unknown or missing columns)."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(f"{path}: 文件不存在")
    if suffix not in FORMATS:
        raise InputError(f"{path.name}: 不支持的文件类型 {suffix or '（无扩展名）'}，请使用 .xlsx、.csv 或 .yaml")
    if path.stat().st_size > MAX_MB * 1024 * 1024:
        raise InputError(f"{path.name}: 文件超过 {MAX_MB} MB，不像是标准目录")
    if suffix in (".yaml", ".yml"):
        return _yaml_rows(path), []
    table = _xlsx_table(path) if suffix == ".xlsx" else _csv_table(path)
    return _table_rows(table)


def _table_rows(table: list[tuple[int, list[str]]]) -> tuple[list[Row], list[str]]:
    filled = [(line, cells) for line, cells in table if any(c.strip() for c in cells)]
    if not filled:
        return [], ["文件中没有表头和数据"]
    head_line, header = filled[0]
    keys = [column_key(h) for h in header]
    problems = [f"第{head_line}行：未知的列“{h}”（可用的列见模板）" for h, k in zip(header, keys) if h.strip() and k is None]
    missing = [c.label for c in COLUMNS if c.required and c.key not in keys]
    problems += [f"第{head_line}行：缺少必填列“{m}”" for m in missing]
    rows = []
    for line, cells in filled[1:]:
        values = {k: c.strip() for k, c in zip(keys, cells) if k and c.strip()}
        rows.append(Row(line, f"第{line}行", values))
    return rows, problems


def _xlsx_table(path: Path) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(f"{path.name}: 无法读取 Excel 文件（文件损坏或不是 .xlsx）") from exc
    try:
        sheet = book["标准目录"] if "标准目录" in book.sheetnames else book.worksheets[0]
        return [(i, [cell_text(v) for v in row]) for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()


def _csv_table(path: Path) -> list[tuple[int, list[str]]]:
    from assistant.loaders import decode_text

    reader = csv.reader(io.StringIO(decode_text(path.read_bytes(), path), newline=""))
    out = []
    try:
        for cells in reader:
            out.append((reader.line_num, cells))
    except csv.Error as exc:
        raise InputError(f"{path.name}: 第{reader.line_num}行 CSV 格式错误：{_csv_reason(exc)}") from exc
    return out


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return "单元格内容过长"
    if "NUL" in text:
        return "含空字符（NUL）"
    return "引号或分隔符不配对"


def _yaml_rows(path: Path) -> list[Row]:
    from assistant.loaders import decode_text

    try:
        data = load_yaml(decode_text(path.read_bytes(), path))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"（第 {mark.line + 1} 行第 {mark.column + 1} 列）" if mark is not None else ""
        raise InputError(f"{path.name}: YAML 格式错误{where}，请检查缩进、冒号和引号") from exc
    items = data.get("standards") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputError(f"{path.name}: YAML 应为标准列表，或含 standards: 列表")
    rows = []
    for i, item in enumerate(items, start=1):
        cells = {}
        if isinstance(item, dict):
            for name, value in item.items():
                key = column_key(name) or f"?{name}"
                cells[key] = "、".join(map(cell_text, value)) if isinstance(value, list) else cell_text(value)
        else:
            cells["?"] = cell_text(item)
        rows.append(Row(i, f"第{i}条", {k: v for k, v in cells.items() if v}))
    return rows


# ---- writing ----------------------------------------------------------------------------------------


def standard_cells(s: Standard) -> dict[str, str]:
    """An entry as the column set, the inverse of reading (export → edit → import round-trips)."""
    source = s.source.removeprefix(USER_SOURCE).lstrip("：: ") if s.user else s.source
    values = {**s.model_dump(include={c.key for c in COLUMNS} - _LIST_KEYS), "source": source,
              "issued": s.dates.issued, "implemented": s.dates.implemented, "abolished": s.dates.abolished}
    values.update({k: "、".join(getattr(s, k)) for k in _LIST_KEYS})
    return {c.key: cell_text(values.get(c.key)) for c in COLUMNS}


def write_rows(path: Path, standards: Iterable[Standard]) -> int:
    """Write entries in the column set to .xlsx, .csv or .yaml (chosen by suffix), atomically; returns the count."""
    rows = [standard_cells(s) for s in standards]
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"{path.name}: 不支持的文件类型 {suffix or '（无扩展名）'}，请使用 .xlsx、.csv 或 .yaml")
    if suffix == ".xlsx":
        _atomic(path, lambda tmp: _write_xlsx(tmp, rows, with_help=False))
    elif suffix == ".csv":
        _atomic(path, lambda tmp: _write_csv(tmp, rows))
    else:
        data = {"standards": [{k: v for k, v in r.items() if v} for r in rows]}
        _atomic(path, lambda tmp: tmp.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                                 encoding="utf-8"))
    return len(rows)


def write_template(path: Path) -> None:
    """An empty import file with the column set (.xlsx also gets a sheet explaining each column)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        _atomic(path, lambda tmp: _write_xlsx(tmp, [], with_help=True))
    elif suffix == ".csv":
        _atomic(path, lambda tmp: _write_csv(tmp, []))
    else:
        raise InputError(f"{path.name}: 模板只能是 .xlsx 或 .csv，{suffix_refused(path.suffix)}")


def _write_xlsx(path: Path, rows: list[dict[str, str]], with_help: bool) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "标准目录"
    sheet.append([header_label(c) for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, c in enumerate(COLUMNS):
        sheet.column_dimensions[cell_letter(i)].width = 28 if c.key in ("title", "scope") else 16
    for row in rows:
        sheet.append([row[c.key] for c in COLUMNS])
    if with_help:
        help_sheet = book.create_sheet("填写说明")
        help_sheet.append(["列名", "必填", "说明", "示例"])
        for c in COLUMNS:
            help_sheet.append([header_label(c), "是" if c.required else "", c.help, c.example])
        help_sheet.append([])
        help_sheet.append(["只读取“标准目录”工作表；每行一项标准；导入时逐行校验，有任何错误则整个文件都不导入。"])
    book.save(path)


def cell_letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    # UTF-8 with BOM: Excel on Windows opens it as UTF-8 instead of the ANSI code page.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([header_label(c) for c in COLUMNS])
        for row in rows:
            writer.writerow([row[c.key] for c in COLUMNS])


def _atomic(path: Path, write) -> None:
    """Write to a temporary file beside `path`, then rename: a failed write never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)

