"""The user's own catalog on disk (in the data dir, never inside the package) and its merge into the corpus.

One YAML file holds the user's entries. Every change is validated in full first and then written to a temporary
file that replaces the old one by rename, under a lock: an import either lands whole or not at all.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from assistant.catalog.io import read_rows
from assistant.catalog.validate import Vocabulary, validate_rows
from assistant.corpus import Corpus, load_corpus, standard_text
from assistant.errors import AssistantError, InputError
from assistant.loaders import Block, Document
from assistant.standards import Catalog, Standard, parse_number
from assistant.yamlio import load_yaml

INDEX_KEY = "user-catalog"  # the index source of the user catalog (re-embedded only when the file changes)
INDEX_SOURCE = "user/catalog.yaml"


class UserCatalogError(AssistantError):
    """The stored user catalog cannot be read: every chain would otherwise run on a silently partial catalog."""


@dataclass
class ImportReport:
    file: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    total: int = 0  # entries in the user catalog after the import

    @property
    def ok(self) -> bool:
        return not self.errors


def catalog_path(data_dir: Path) -> Path:
    return Path(data_dir) / "catalog" / "user_catalog.yaml"


def load_user_standards(data_dir: Path) -> list[Standard]:
    path = catalog_path(data_dir)
    if not path.is_file():
        return []
    return list(_load(path, _stamp(path)))


@lru_cache(maxsize=8)
def _load(path: Path, stamp: tuple) -> tuple[Standard, ...]:
    at = 0
    try:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
        out = []
        for at, item in enumerate(data.get("standards", []), start=1):
            out.append(Standard.model_validate({**item, "user": True}))
        return tuple(out)
    except (yaml.YAMLError, ValidationError, AttributeError, TypeError) as exc:
        if isinstance(exc, ValidationError):
            field = ".".join(str(p) for p in exc.errors()[0]["loc"])
            why = f"第 {at} 项的 {field} 字段有误" if field else f"第 {at} 项有误"
        elif isinstance(exc, yaml.YAMLError):
            why = "YAML 格式错误"
        else:
            why = f"第 {at} 项不是标准条目" if at else "内容不是标准列表"
        raise UserCatalogError(f"用户标准目录文件损坏：{path}（{why}）；请修复或删除该文件后重新导入") from exc


def _stamp(path: Path) -> tuple:
    st = path.stat()
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _save(data_dir: Path, standards: list[Standard]) -> None:
    path = catalog_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    items = [s.model_dump(mode="json", exclude_defaults=True, exclude={"user"}) for s in standards]
    text = "# 用户自己的标准目录（assistant catalog import 写入；请用 assistant catalog 命令修改）\n"
    text += yaml.safe_dump({"standards": items}, allow_unicode=True, sort_keys=False)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _lock(data_dir: Path):
    from filelock import FileLock

    catalog_path(data_dir).parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(catalog_path(data_dir).with_suffix(".lock")))


# ---- changes --------------------------------------------------------------------------------------


def import_file(data_dir: Path, corpus_dir: Path, file: Path) -> ImportReport:
    """Validate every row of `file`; store its entries only if no row has an error (re-imported numbers update)."""
    report = ImportReport(file=str(file))
    rows, header_problems = read_rows(file)
    entries: list[Standard] = []
    if header_problems:  # with the columns wrong every row would fail: name the header only
        report.errors = header_problems
    else:
        outcome = validate_rows(rows, load_corpus(corpus_dir).catalog, Vocabulary.load(corpus_dir))
        report.errors, report.notices = outcome.errors, outcome.notices
        entries = outcome.entries if outcome.ok else []
    with _lock(data_dir):
        current = {s.number: s for s in load_user_standards(data_dir)}
        for entry in entries:
            (report.updated if entry.number in current else report.added).append(entry.number)
            current[entry.number] = entry
        if entries:
            _save(data_dir, list(current.values()))
        report.total = len(current)
    return report


def remove_standard(data_dir: Path, number: str) -> Standard:
    """Remove one of the user's entries by its number (a year-less number when it names one entry only)."""
    with _lock(data_dir):
        standards = load_user_standards(data_dir)
        entry = find_user_standard(standards, number)
        _save(data_dir, [s for s in standards if s.number != entry.number])
    return entry


def find_user_standard(standards: list[Standard], number: str) -> Standard:
    parsed = parse_number(number)
    if parsed is None:
        raise InputError(f"“{number}”不是可识别的标准编号")
    exact = [s for s in standards if s.number == parsed.normalized]
    same_key = [s for s in standards if s.key == parsed.key] if parsed.year is None else []
    found = exact or same_key
    if len(found) != 1:
        why = "有多个版本，请写明年代号" if found else "不在用户导入的目录中（内置目录的标准不能删除）"
        raise InputError(f"{parsed.normalized}：{why}")
    return found[0]


# ---- what the chains see --------------------------------------------------------------------------


def with_user_catalog(corpus: Corpus, data_dir: Path) -> Corpus:
    """The corpus with the user's entries merged into its catalog (the shipped corpus when there are none)."""
    path = catalog_path(data_dir)
    if not path.is_file():
        return corpus
    return _merged(corpus.root, path, _stamp(path))


@lru_cache(maxsize=8)
def _merged(root: Path, path: Path, stamp: tuple) -> Corpus:
    base = load_corpus(root)
    user = _load(path, stamp)
    return dataclasses.replace(base, catalog=base.catalog.merged(user)) if user else base


def merged_catalog(corpus_dir: Path, data_dir: Path) -> Catalog:
    return with_user_catalog(load_corpus(corpus_dir), data_dir).catalog


def index_document(path: Path) -> Document:
    """The user's entries as index text, each marked as the user's own."""
    stamp = _stamp(path)
    blocks = [Block(standard_text(s) + "（用户导入）", s.number, s.area, "table_row") for s in _load(path, stamp)]
    return Document(INDEX_SOURCE, "standard", blocks)
