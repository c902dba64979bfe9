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
    sub = parser.add_subparsers(dest="catalog_command", metavar="子命令", required=True)
    p = sub.add_parser("template", parents=[common], help="写出空白的导入模板（.xlsx 或 .csv）")
    p.add_argument("file", nargs="?", default=DEFAULT_TEMPLATE, metavar="文件",
                   help=f"模板文件名（.xlsx 或 .csv，默认 {DEFAULT_TEMPLATE}）")
    p = sub.add_parser("import", parents=[common], help="从 .xlsx、.csv 或 .yaml 导入自有标准（任何一行有错则全部不导入）")
    p.add_argument("file", metavar="文件", help="导入文件（.xlsx、.csv 或 .yaml）")
    p = sub.add_parser("list", parents=[common], help="列出标准目录（内置目录加上用户导入的标准）")
    p.add_argument("--level", choices=list(LEVEL_ZH),
                   help="只看此层级：" + "、".join(f"{k} {v}" for k, v in LEVEL_ZH.items()))
    p.add_argument("--status", choices=list(STATUS_ZH),
                   help="只看此状态：" + "、".join(f"{k} {v}" for k, v in STATUS_ZH.items()))
    p.add_argument("--need", help="只看服务此需求的标准（需求编号，见 corpus/needs.yaml）")
    p.add_argument("--industry", help="只看此行业的标准；写“通用”则只看不限行业的标准")
    p.add_argument("--query", default="", help="标准中须全部出现的词")
    p.add_argument("--user", action="store_true", help="只看用户导入的标准")
    p = sub.add_parser("show", parents=[common], help="显示一项标准的全部信息")
    p.add_argument("number", metavar="编号", help="标准编号，如 GB/T 39116—2020")
    p = sub.add_parser("export", parents=[common], help="把用户导入的标准（加 --all 则整个目录）写入文件")
    p.add_argument("file", metavar="文件", help="输出文件（.xlsx、.csv 或 .yaml）")
    p.add_argument("--all", action="store_true", help="导出整个目录（内置加用户导入），而不只是用户导入的标准")
    p = sub.add_parser("remove", parents=[common], help="删除一项用户导入的标准")
    p.add_argument("number", metavar="编号", help="要删除的标准编号（内置目录的标准不能删除）")


def run(ctx, args: argparse.Namespace, emit: Emit) -> int:
    return COMMANDS[args.catalog_command](ctx, args, emit)


def _template(ctx, args, emit: Emit) -> int:
    path = Path(args.file)
    if path.exists():
        raise InputError(f"{path}: 文件已存在，未覆盖；请换一个文件名")
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
        raise InputError(f"{args.number}: 目录中没有这项标准；可用 assistant catalog list 查看")
    data = describe(catalog, entry)
    emit(data, args.json, lambda: _show_text(data, ctx.settings.corpus_dir))
    return 0


# `catalog show` for a reader: Chinese field names and values (the JSON keeps the English keys).
_SHOW_LABELS = {**{c.key: c.label for c in COLUMNS}, "alt_titles": "又称", "lifecycle": "版本情况", "area": "领域", "area_2024": "领域（2024 年版）", "in_plan": "列入实施方案",
                "series": "系列标准", "part_of": "所属系列", "accompanies": "配套的需求", "companions": "配套标准",
                "confidence": "可信度", "origin": "来源类别"}
_ORIGIN_ZH = {"user": "用户导入", "shipped": "内置目录"}
_CONFIDENCE_ZH = {"H": "高（标准本身或实施方案）", "M": "中（一处二手来源）", "U": "用户提供"}


def _show_text(data: dict, corpus_dir: Path) -> str:
    from assistant.catalog.validate import Vocabulary

    needs = Vocabulary.load(corpus_dir).need_names
    values = {**data, "level": data["level_zh"], "status": data["status_zh"], "origin": _ORIGIN_ZH.get(data["origin"], data["origin"]),
              "confidence": _CONFIDENCE_ZH.get(data["confidence"], data["confidence"]),
              "needs": [needs.get(n, n) for n in data.get("needs", [])],
              "accompanies": [needs.get(n, n) for n in data.get("accompanies", [])]}
    for key, when in (data.get("dates") or {}).items():
        values[key] = when
    lines = []
    for key, label in _SHOW_LABELS.items():
        value = values.get(key)
        if value in (None, "", [], {}, False):
            continue
        text = "是" if value is True else "、".join(map(str, value)) if isinstance(value, list) else str(value)
        lines.append(f"{label}：{text}")
    return "\n".join(lines)


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
