"""`assistant catalog template|import|list|show|export|remove`: argument wiring and printing only."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable

from assistant.catalog.browse import Filter, describe, select
from assistant.catalog.io import COLUMNS, header_label, write_rows, write_template
from assistant.catalog.store import import_file, load_user_standards, remove_standard
from assistant.errors import InputError
from assistant.standards import LEVEL_ZH, STATUS_ZH, Standard

Emit = Callable[[Any, bool, Callable[[], str]], None]
DEFAULT_TEMPLATE = "标准目录模板.xlsx"


def add_arguments(parser: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="catalog_command", required=True)
    p = sub.add_parser("template", parents=[common], help="write an empty import file (.xlsx or .csv)")
    p.add_argument("file", nargs="?", default=DEFAULT_TEMPLATE)
    p = sub.add_parser("import", parents=[common], help="import your standards from .xlsx/.csv/.yaml (all or nothing)")
    p.add_argument("file")
    p = sub.add_parser("list", parents=[common], help="list the merged catalog (shipped + yours)")
    p.add_argument("--level", choices=list(LEVEL_ZH))
    p.add_argument("--status", choices=list(STATUS_ZH))
    p.add_argument("--need", help="a need id from corpus/needs.yaml")
    p.add_argument("--industry", help="an industry word; 通用 for entries without industry restriction")
    p.add_argument("--query", default="", help="words that must all occur")
    p.add_argument("--user", action="store_true", help="only the standards you imported")
    p = sub.add_parser("show", parents=[common], help="one entry in full")
    p.add_argument("number")
    p = sub.add_parser("export", parents=[common], help="write your imported standards (or --all) to a file")
    p.add_argument("file")
    p.add_argument("--all", action="store_true", help="the whole merged catalog, not only your own entries")
    p = sub.add_parser("remove", parents=[common], help="remove one of your imported standards")
    p.add_argument("number")


def run(ctx, args: argparse.Namespace, emit: Emit) -> int:
    return COMMANDS[args.catalog_command](ctx, args, emit)


def _template(ctx, args, emit: Emit) -> int:
    path = Path(args.file)
    if path.exists():
        raise InputError(f"{path}: 文件已存在，未覆盖；请换一个文件名 (file exists)")
    write_template(path)
    columns = "、".join(header_label(c) for c in COLUMNS)
    emit({"file": str(path), "columns": [c.key for c in COLUMNS]}, args.json,
         lambda: f"已写入模板 {path}\n列：{columns}\n必填：标准编号、标准名称；填好后运行 assistant catalog import {path}")
    return 0


def _import(ctx, args, emit: Emit) -> int:
    report = import_file(ctx.settings.data_dir, ctx.settings.corpus_dir, Path(args.file))
    data = {"ok": report.ok, "file": report.file, "added": report.added, "updated": report.updated,
            "errors": report.errors, "notices": report.notices, "total": report.total}
    if not report.ok:
        if args.json:
            emit(data, True, str)
        else:
            print(f"导入失败：{Path(args.file).name} 中有 {len(report.errors)} 处错误，用户目录未做任何改动"
                  f"（共 {report.total} 项）。请修改后重新导入：", file=sys.stderr)
            for error in report.errors:
                print(f"  {error}", file=sys.stderr)
        return 2
    emit(data, args.json, lambda: "\n".join([
        f"已导入 {len(report.added) + len(report.updated)} 项（新增 {len(report.added)}，更新 {len(report.updated)}），"
        f"用户目录共 {report.total} 项，存放于 {ctx.settings.data_dir}",
        *report.notices, "检索索引会在下次检索、推荐或评审时增量更新（只嵌入你导入的条目）。"]))
    return 0


def _list(ctx, args, emit: Emit) -> int:
    catalog = ctx.corpus.catalog
    spec = Filter(args.level, args.status, args.need, args.industry, args.query, args.user)
    found = select(catalog, spec)
    users = sum(s.user for s in found)
    emit({"count": len(found), "user_count": users, "standards": [describe(catalog, s) for s in found]}, args.json,
         lambda: "\n".join([*(_line(s) for s in found),
                            f"共 {len(found)} 项（其中用户导入 {users} 项）" if found else "没有符合条件的标准"]))
    return 0


def _line(s: Standard) -> str:
    mark = "  [用户导入]" if s.user else ""
    return f"{s.number:<22} {STATUS_ZH[s.status]:<5} {LEVEL_ZH[s.level]}  《{s.title}》{mark}"


def _show(ctx, args, emit: Emit) -> int:
    catalog = ctx.corpus.catalog
    entry = catalog.get(args.number)
    if entry is None:
        raise InputError(f"{args.number}: 目录中没有这项标准 (not in the catalog)")
    data = describe(catalog, entry)
    emit(data, args.json, lambda: "\n".join(f"{k}: {v}" for k, v in data.items() if v not in (None, "", [], {})))
    return 0


def _export(ctx, args, emit: Emit) -> int:
    path = Path(args.file)
    standards = ctx.corpus.catalog.standards if args.all else load_user_standards(ctx.settings.data_dir)
    count = write_rows(path, standards)
    emit({"file": str(path), "count": count}, args.json, lambda: f"已导出 {count} 项到 {path}")
    return 0


def _remove(ctx, args, emit: Emit) -> int:
    entry = remove_standard(ctx.settings.data_dir, args.number)
    emit({"removed": entry.number}, args.json, lambda: f"已从用户目录删除 {entry.display()}")
    return 0


COMMANDS = {"template": _template, "import": _import, "list": _list, "show": _show, "export": _export,
            "remove": _remove}
