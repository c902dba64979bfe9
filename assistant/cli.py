"""The command line: parse, call the core, print. Our own errors become one line and an exit code."""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any, Callable

from pydantic import ValidationError

from assistant.context import Context
from assistant.errors import AssistantError, InputError
from assistant.settings import get_settings


def _emit(data: Any, as_json: bool, human: Callable[[], str]) -> None:
    if as_json:
        if hasattr(data, "model_dump"):
            data = data.model_dump(mode="json")
        elif is_dataclass(data):
            data = asdict(data)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(human())


def _progress_bar():
    """A stderr progress bar for long work; silent when stderr is not a terminal (CI, pipes)."""
    if not sys.stderr.isatty():
        return lambda frac, msg: None
    from tqdm import tqdm

    bar = tqdm(total=100, file=sys.stderr, leave=False, bar_format="{l_bar}{bar}| {desc}")

    def update(frac: float, msg: str) -> None:
        bar.n = int(frac * 100)
        bar.set_description_str(msg[:40])
        bar.refresh()
        if frac >= 1.0:
            bar.close()

    return update


def read_text_arg(value: str) -> str:
    """Text given inline, or @file to read it from a file (UTF-8 or GBK)."""
    if value.startswith("@"):
        from assistant.loaders import decode_text

        path = Path(value[1:])
        if not path.is_file():
            raise InputError(f"{path}: 文件不存在 (file not found)")
        return decode_text(path.read_bytes(), path).strip()
    return value.strip()


# ---- commands ------------------------------------------------------------------------------------


def cmd_index(ctx: Context, args: argparse.Namespace) -> int:
    from assistant.index import build_index

    report = build_index(ctx.settings, ctx.embedder, [Path(p) for p in args.paths], args.rebuild, _progress_bar())
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    _emit(report, args.json, lambda: (
        f"索引完成：{report.chunks} 段（新嵌入 {report.embedded}，复用 {report.reused}），来源 {report.sources} 个，"
        f"模型 {report.model}，用时 {report.seconds:.1f} 秒，位置 {ctx.settings.index_dir}"))
    return 0


def cmd_search(ctx: Context, args: argparse.Namespace) -> int:
    if not args.query.strip():
        raise InputError("查询为空 (empty query)")
    if not 1 <= args.k <= 200:
        raise InputError(f"-k 应在 1 到 200 之间，收到 {args.k} (k out of range)")
    hits = ctx.retriever(_progress_bar()).search(args.query, k=args.k, doc_types=args.type or None)
    results = [{"id": h.id, "text": h.text, "source": h.source, "location": h.location, "score": h.score} for h in hits]

    def human() -> str:
        lines = []
        for i, h in enumerate(hits, start=1):
            lines.append(f"{i:>2}. [{h.score:.3f}] {h.source} · {h.location}\n    {h.text[:160].replace(chr(10), ' ')}")
        return "\n".join(lines) or "没有结果 (no results)"

    _emit({"results": results}, args.json, human)
    return 0


def cmd_check_group(ctx: Context, args: argparse.Namespace) -> int:
    from assistant.standards import check_group
    from assistant.suggest import load_group_file, render_checks

    rules = ctx.corpus.plan.group_rules
    checks = check_group(load_group_file(Path(args.file)), ctx.corpus.catalog, rules.min_count, rules.max_count)
    _emit({"checks": checks.model_dump()}, args.json, lambda: render_checks(checks))
    return 0 if not checks.violations else 3


def cmd_suggest(ctx: Context, args: argparse.Namespace) -> int:
    from assistant.suggest import render_suggestion, suggest_group, write_suggestion

    result = suggest_group(ctx, read_text_arg(args.scenario), args.direction)
    if args.out:
        write_suggestion(result, Path(args.out))
    _emit(result, args.json, lambda: render_suggestion(result))
    return 0


def cmd_review(ctx: Context, args: argparse.Namespace) -> int:
    from assistant.review import render_review, review_file, write_review_report

    paths = [Path(p) for p in args.paths]
    if len(paths) > 1 or paths[0].is_dir() or args.summary:
        return _review_batch(ctx, args, paths)
    result = review_file(ctx, paths[0], args.stage)
    if args.out:
        write_review_report(result, Path(args.out))
    _emit(result, args.json, lambda: render_review(result))
    for note in result.notices:
        print(note, file=sys.stderr)
    return 0


def _review_batch(ctx: Context, args: argparse.Namespace, paths: list[Path]) -> int:
    """Many submissions: one row each (a failing file gets its reason), reports into --out DIR, --summary FILE."""
    from assistant.review.batch import SUMMARY_SUFFIXES, collect_paths, render_rows, review_batch, write_summary

    if args.summary and Path(args.summary).suffix.lower() not in SUMMARY_SUFFIXES:
        raise InputError(f"{args.summary}: 汇总表只能写成 .xlsx、.csv 或 .md (unsupported summary type)")
    out_dir = Path(args.out) if args.out else None
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: 批量评审的 --out 应是文件夹 (--out must be a folder in a batch)")
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise InputError(f"{missing[0]}: 文件不存在 (file not found)")
    total = len(collect_paths(paths))
    if total == 0:
        raise InputError("没有找到可评审的文件（支持 PDF、DOCX、TXT、MD） (no files to review)")
    rows = review_batch(ctx, paths, args.stage, out_dir, args.report_format, args.workers, args.time_limit,
                        _batch_bar(total))
    if args.summary:
        write_summary(rows, Path(args.summary))
    _emit({"rows": [r.__dict__ for r in rows]}, args.json, lambda: render_rows(rows))
    if args.summary and not args.json:
        print(f"汇总表已写入 {args.summary}" + (f"，各材料报告在 {out_dir}/" if out_dir else ""), file=sys.stderr)
    failed = sum(1 for r in rows if r.error)
    if failed:
        print(f"警告：{failed} 份材料未能评审，原因见汇总表“错误”列 (some files failed)", file=sys.stderr)
    return 5 if failed == len(rows) else 0


def _batch_bar(total: int):
    """A per-file progress bar on stderr (silent when stderr is not a terminal)."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar = tqdm(total=total, file=sys.stderr, unit="份", leave=False)

    def update(done: int, total: int, name: str) -> None:
        bar.n = done
        bar.set_description_str(name[:30])
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def cmd_draft(ctx: Context, args: argparse.Namespace) -> int:
    from assistant.draft import draft_document, load_group_json, render_draft, write_draft

    group = load_group_json(Path(args.group)) if args.group else None
    stream = None if args.json or args.out else (lambda token: print(token, end="", flush=True))
    result = draft_document(ctx, args.kind, read_text_arg(args.scenario), group, on_token=stream)
    if args.out:
        write_draft(result, Path(args.out))
    if args.json:
        _emit(result, True, lambda: render_draft(result))
    elif args.out:
        print(f"已写入 {args.out}（{len(result.sections)} 节，{result.backend}）")
    for note in result.notices:
        print(note, file=sys.stderr)
    return 0


def cmd_polish(ctx: Context, args: argparse.Namespace) -> int:
    from assistant.polish import polish_file, render_polish, write_polish

    result = polish_file(ctx, Path(args.file))
    if args.out:
        write_polish(result, Path(args.out))
    _emit(result, args.json, lambda: render_polish(result))
    return 0


def cmd_eval(ctx: Context, args: argparse.Namespace) -> int:
    from assistant.evaluation import render_eval, run_evals

    report = run_evals(ctx, task=args.task, baseline=Path(args.baseline) if args.baseline else None,
                       update_baseline=args.update_baseline)
    _emit(report, args.json, lambda: render_eval(report))
    return 0 if report.passed else 4


def cmd_serve(ctx: Context, args: argparse.Namespace) -> int:
    from assistant.ui import serve

    serve(ctx, host=args.host, port=args.port)
    return 0


# ---- parser --------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    common.add_argument("--data-dir", help="index and caches (env ASSISTANT_DATA_DIR)")
    common.add_argument("--llm", choices=["none", "openai", "ollama"], help="LLM backend (env ASSISTANT_LLM)")
    common.add_argument("--model", help="LLM model name (env ASSISTANT_MODEL)")

    parser = argparse.ArgumentParser(prog="assistant", description="智能制造标准应用试点 申报与评审助手")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", parents=[common], help="index the shipped corpus plus extra files/folders")
    p.add_argument("paths", nargs="*", help="extra PDF/DOCX/TXT/MD files or folders")
    p.add_argument("--rebuild", action="store_true", help="rebuild from scratch")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("search", parents=[common], help="hybrid search over the index")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=10)
    p.add_argument("--type", action="append", choices=["plan", "standard", "requirement", "case", "upload"],
                   help="only these document types (repeatable)")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("suggest", parents=[common], help="suggest a 标准群 for a scenario")
    p.add_argument("scenario", help="scenario text, or @file")
    p.add_argument("--direction", help="pilot direction name or id (default: inferred)")
    p.add_argument("--out", help="also write the group with its coverage map (.docx or .md)")
    p.set_defaults(func=cmd_suggest)

    p = sub.add_parser("check-group", parents=[common], help="check a standard group against the plan's rules")
    p.add_argument("file", help="JSON (suggest output or a list) or text with one standard per line")
    p.set_defaults(func=cmd_check_group)

    p = sub.add_parser("review", parents=[common], help="gap review of submissions against the 5 requirements")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files and/or folders (several: batch review)")
    p.add_argument("--out", help="one file: write its report (.docx or .md); a batch: the folder for all reports")
    p.add_argument("--stage", choices=["application", "acceptance"], default="acceptance",
                   help="application (申报: concrete plans count as planned) or acceptance (验收, default)")
    p.add_argument("--summary", help="batch summary, one row per submission (.xlsx, .csv or .md)")
    p.add_argument("--report-format", choices=["docx", "md"], default="docx", help="batch report format")
    p.add_argument("--workers", type=int, default=0, help="batch worker processes (default: one per core)")
    p.add_argument("--time-limit", type=float, default=120.0, help="seconds per file in a batch (0: none)")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("draft", parents=[common], help="draft application/guide/case/revision text")
    p.add_argument("kind", choices=["application", "guide", "case", "revision"])
    p.add_argument("--scenario", required=True, help="scenario text, or @file")
    p.add_argument("--group", help="a suggest --json output to use as the standard group")
    p.add_argument("--out", help="write .docx or .md")
    p.set_defaults(func=cmd_draft)

    p = sub.add_parser("polish", parents=[common], help="editor checks (and LLM rewrite) for a case write-up")
    p.add_argument("file")
    p.add_argument("--out", help="write .docx or .md")
    p.set_defaults(func=cmd_polish)

    p = sub.add_parser("eval", parents=[common], help="run the regression eval set")
    p.add_argument("--task", choices=["retrieval", "suggest", "review", "draft", "polish"])
    p.add_argument("--baseline", help="fail when a metric drops below this baseline file")
    p.add_argument("--update-baseline", action="store_true")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("serve", parents=[common], help="start the web UI")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings(data_dir=args.data_dir, llm=args.llm, model=args.model)
    except ValidationError as exc:  # a bad environment variable or config file value
        error = exc.errors()[0]
        name = "ASSISTANT_" + "_".join(str(p) for p in error["loc"]).upper()
        print(f"配置错误 (bad configuration): {name}: {error['msg']}", file=sys.stderr)
        return 2
    try:
        return args.func(Context(settings), args)
    except AssistantError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断 (interrupted)", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: one line, never a traceback (ASSISTANT_DEBUG=1 shows it)
        if os.environ.get("ASSISTANT_DEBUG"):
            raise
        print(f"内部错误 (internal error): {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
