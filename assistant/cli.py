"""The command line: parse, call the core, print. Our own errors become one line and an exit code."""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import unicodedata
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any, Callable, NoReturn

from pydantic import ValidationError

from assistant.context import Context
from assistant.errors import AssistantError, InputError, checked_suffix, os_reason
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


def _wrote(path: Path, what: str) -> None:
    """Every command that writes a file says where (on stderr, so stdout stays the report or the JSON)."""
    print(f"已写入{what}：{path.resolve()}", file=sys.stderr)


def _direction_help() -> str:
    """The pilot directions `--direction` accepts, read from the shipped plan (ids or names)."""
    import yaml

    from assistant.settings import _shipped_dir
    from assistant.yamlio import load_yaml

    try:
        plan = load_yaml((_shipped_dir("corpus") / "plan" / "plan.yaml").read_text(encoding="utf-8"))
        values = "、".join(f"{d['id']}（{d['name']}）" for d in plan["directions"])
    except (OSError, KeyError, TypeError, yaml.YAMLError):
        values = "见 corpus/plan/plan.yaml"
    return f"试点方向，默认据场景自动判断；可写编号或名称：{values}"


def read_text_arg(value: str) -> str:
    """Text given inline, or @file to read it from a file (UTF-8 or GBK)."""
    if value.startswith("@"):
        from assistant.loaders import decode_text

        path = Path(value[1:])
        if not path.is_file():
            raise InputError(f"{path}: 文件不存在")
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
        raise InputError("查询为空")
    if not 1 <= args.k <= 200:
        raise InputError(f"-k 应在 1 到 200 之间，收到 {args.k}")
    from assistant.labels import source_label

    hits = ctx.retriever(_progress_bar()).search(args.query, k=args.k, doc_types=args.type or None)
    if hits and not ctx.retriever().relevant(args.query, hits):
        hits = []  # the nearest passages are not about the query: say so instead of listing them
    corpus = ctx.corpus
    labels = [source_label(h.source, h.location, corpus) for h in hits]
    results = [{"id": h.id, "text": h.text, "source": h.source, "location": h.location, "label": label,
                "score": h.score} for h, label in zip(hits, labels)]

    def human() -> str:
        lines = []
        for i, (h, label) in enumerate(zip(hits, labels), start=1):
            lines.append(f"{i:>2}. {label}\n    {h.text[:160].replace(chr(10), ' ')}")
        return "\n".join(lines) or (f"无结果：知识库中没有与“{args.query}”相关的内容。可以换个说法、写标准编号，"
                                     "或用 assistant index 文件 加入相关资料")

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

    inputs = _out_checked(args, _at_file(args.scenario), what="标准群")
    result = suggest_group(ctx, read_text_arg(args.scenario), args.direction)
    written = _write_out(args, write_suggestion, result, inputs)
    _emit(result, args.json, lambda: render_suggestion(result))
    if written:
        print(written.message, file=sys.stderr)
    return 0


DOC_TYPES = (".docx", ".md", ".markdown")


def _out_checked(args: argparse.Namespace, *inputs: str | None, what: str = "",
                 types: tuple[str, ...] = DOC_TYPES) -> list[str]:
    """Refuse a bad --out (a type the command cannot write, an input, or an existing file without --force)
    before any work; returns the inputs. `what` names the output in the message (“报告只能写成 …”)."""
    from assistant.outputs import check_output

    inputs = [p for p in inputs if p]
    if args.out:
        checked_suffix(args.out, types, what, name=args.out)
        check_output(args.out, inputs, args.force)
    return inputs


def _write_out(args: argparse.Namespace, write: Callable[[Any, Path], Any], result: Any, inputs: list[str]):
    """Write --out safely (temporary file renamed into place, inputs never overwritten); None without --out."""
    from assistant.outputs import write_output

    if not args.out:
        return None
    return write_output(args.out, lambda tmp: write(result, tmp), inputs, args.force)


def _at_file(value: str | None) -> str | None:
    return value[1:] if value and value.startswith("@") else None


def cmd_review(ctx: Context, args: argparse.Namespace) -> int:
    from assistant.review import render_review, review_file, write_review_report

    paths = [Path(p) for p in args.paths]
    if len(paths) > 1 or paths[0].is_dir() or args.summary:
        return _review_batch(ctx, args, paths)
    inputs = _out_checked(args, args.paths[0], what="报告")
    result = review_file(ctx, paths[0], args.stage)
    written = _write_out(args, write_review_report, result, inputs)
    _emit(result, args.json, lambda: render_review(result))
    if written:
        print(written.message, file=sys.stderr)
    for note in result.notices:
        print(note, file=sys.stderr)
    return 0


def _review_batch(ctx: Context, args: argparse.Namespace, paths: list[Path]) -> int:
    """Many submissions: one row each (a failing file gets its reason), reports into --out DIR, --summary FILE."""
    from assistant.review.batch import SUMMARY_SUFFIXES, collect_paths, render_rows, review_batch, write_summary

    if args.summary:
        checked_suffix(args.summary, SUMMARY_SUFFIXES, "汇总表", name=args.summary)
    out_dir = Path(args.out) if args.out else None
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: 批量评审的 --out 应是文件夹")
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise InputError(f"{missing[0]}: 文件不存在")
    files = collect_paths(paths)
    total = len(files)
    if total == 0:
        folder = next((p for p in paths if p.is_dir()), paths[0])
        raise InputError(f"{folder}: 是文件夹，其中没有可评审的文件（支持 PDF、DOCX、TXT、MD）")
    if args.summary:
        from assistant.outputs import check_output

        check_output(args.summary, [str(f) for f in files], args.force)  # never over an input or, unasked, a file
    rows = review_batch(ctx, paths, args.stage, out_dir, args.report_format, args.workers, args.time_limit,
                        _batch_bar(total))
    if args.summary:
        write_summary(rows, Path(args.summary))
    _emit({"rows": [r.__dict__ for r in rows]}, args.json, lambda: render_rows(rows))
    if args.summary and not args.json:
        print(f"汇总表已写入 {args.summary}" + (f"，各材料报告在 {out_dir}/" if out_dir else ""), file=sys.stderr)
    failed = sum(1 for r in rows if r.error)
    if failed:
        print(f"警告：{failed} 份材料未能评审，原因见汇总表“错误”列", file=sys.stderr)
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

    inputs = _out_checked(args, args.group, _at_file(args.scenario), what="文稿", types=(".docx", ".md"))
    group = load_group_json(Path(args.group)) if args.group else None
    stream = None if args.json or args.out else (lambda token: print(token, end="", flush=True))
    result = draft_document(ctx, args.kind, read_text_arg(args.scenario), group, on_token=stream)
    written = _write_out(args, write_draft, result, inputs)
    if args.json:
        _emit(result, True, lambda: render_draft(result))
    elif written:
        replaced = "，替换了现有文件" if written.replaced else ""
        print(f"已写入 {args.out}（{len(result.sections)} 节，{result.backend}）{replaced}")
    for note in result.notices:
        print(note, file=sys.stderr)
    return 0


def cmd_polish(ctx: Context, args: argparse.Namespace) -> int:
    from assistant.polish import polish_file, render_polish, write_polish

    inputs = _out_checked(args, args.file, what="检查结果")
    result = polish_file(ctx, Path(args.file))
    written = _write_out(args, write_polish, result, inputs)
    _emit(result, args.json, lambda: render_polish(result))
    if written:
        print(written.message, file=sys.stderr)
    return 0


def cmd_eval(ctx: Context, args: argparse.Namespace) -> int:
    from assistant.evaluation import render_eval, run_evals

    report = run_evals(ctx, task=args.task, baseline=Path(args.baseline) if args.baseline else None,
                       update_baseline=args.update_baseline)
    _emit(report, args.json, lambda: render_eval(report))
    if args.update_baseline:
        _wrote(Path(args.baseline or "evals/baseline.json"), "评测基线")
    return 0 if report.passed else 4


def cmd_catalog(ctx: Context, args: argparse.Namespace) -> int:
    from assistant.catalog import commands

    return commands.run(ctx, args, _emit)


def cmd_serve(ctx: Context, args: argparse.Namespace) -> int:
    from assistant.ui import serve

    serve(ctx, host=args.host, port=args.port)
    return 0


# ---- parser --------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = _ZhParser(add_help=False)  # copied into each command (whose groups are renamed)
    common.add_argument("--json", action="store_true", help="在标准输出打印 JSON（键名为英文，供程序读取）")
    common.add_argument("--data-dir", help="索引与缓存所在目录（环境变量 ASSISTANT_DATA_DIR）")
    common.add_argument("--llm", choices=["none", "openai", "ollama"], help="大模型后端：none 离线、openai 兼容接口、ollama 本地（环境变量 ASSISTANT_LLM）")
    common.add_argument("--model", help="大模型名称（环境变量 ASSISTANT_MODEL）")

    parser = _ZhParser(prog="assistant", description="智能制造标准应用试点 申报与评审助手")
    sub = parser.add_subparsers(dest="command", metavar="命令", required=True)

    p = sub.add_parser("index", parents=[common], help="建立索引：内置知识库加上指定的文件或文件夹")
    p.add_argument("paths", nargs="*", metavar="路径", help="要加入的 PDF/DOCX/TXT/MD 文件或文件夹")
    p.add_argument("--rebuild", action="store_true", help="从头重建")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("search", parents=[common], help="检索知识库（语义 + 关键词）")
    p.add_argument("query", metavar="检索内容", help="要检索的文字或标准编号")
    p.add_argument("-k", type=int, default=10, help="结果数（1–200，默认 10）")
    p.add_argument("--type", action="append", choices=["plan", "standard", "requirement", "case", "upload"],
                   help="只看这些类型，可重复：plan 实施方案、standard 标准目录、requirement 考核要求、case 案例、upload 上传文档")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("suggest", parents=[common], help="为试点场景推荐标准群")
    p.add_argument("scenario", metavar="场景", help="场景描述，或 @文件名 从文件读取")
    p.add_argument("--direction", metavar="方向", help=_direction_help())
    p.add_argument("--out", help="同时把标准群及需求覆盖表写入 .docx 或 .md 文件")
    p.add_argument("--force", action="store_true", help="替换已存在的 --out 文件（从不覆盖输入文件）")
    p.set_defaults(func=cmd_suggest)

    p = sub.add_parser("check-group", parents=[common], help="按实施方案的规则检查标准群")
    p.add_argument("file", metavar="文件", help="JSON（suggest 的输出或列表）或每行一项标准的文本")
    p.set_defaults(func=cmd_check_group)

    p = sub.add_parser("review", parents=[common], help="对照五项考核要求评审申报材料（可一次评审多份）")
    p.add_argument("paths", nargs="+", metavar="材料", help="申报材料（PDF/DOCX/TXT/MD）或文件夹；多份即批量评审")
    p.add_argument("--out", help="单份：把评审报告写入 .docx 或 .md 文件；批量：存放各份报告的文件夹")
    p.add_argument("--stage", choices=["application", "acceptance"], default="acceptance",
                   help="评审阶段：application 申报（具体计划记为“已有计划”）或 acceptance 验收（默认）")
    p.add_argument("--summary", help="批量评审汇总表，每份材料一行（.xlsx、.csv 或 .md）")
    p.add_argument("--report-format", choices=["docx", "md"], default="docx", help="批量评审时各份报告的格式")
    p.add_argument("--workers", type=int, default=0, help="批量评审的进程数（默认每个 CPU 核一个）")
    p.add_argument("--time-limit", type=float, default=120.0, help="批量评审时每份材料的时间上限（秒，0 为不限）")
    p.add_argument("--force", action="store_true", help="替换已存在的 --out 或 --summary 文件（从不覆盖输入文件）")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("draft", parents=[common], help="起草文稿：application 申报书、guide 实施指南、case 典型案例、revision 标准修订建议")
    p.add_argument("kind", choices=["application", "guide", "case", "revision"], metavar="文稿类型",
                   help="文稿类型：application 申报书、guide 实施指南、case 典型案例、revision 标准修订建议")
    p.add_argument("--scenario", required=True, help="场景描述，或 @文件名 从文件读取")
    p.add_argument("--group", help="用作标准群的 suggest --json 输出文件")
    p.add_argument("--out", help="把文稿写入 .docx 或 .md 文件")
    p.add_argument("--force", action="store_true", help="替换已存在的 --out 文件（从不覆盖输入文件）")
    p.set_defaults(func=cmd_draft)

    p = sub.add_parser("polish", parents=[common], help="案例编辑检查（配置大模型时给出改写稿）")
    p.add_argument("file", metavar="文件", help="案例文件（PDF/DOCX/TXT/MD）")
    p.add_argument("--out", help="把检查结果写入 .docx 或 .md 文件")
    p.add_argument("--force", action="store_true", help="替换已存在的 --out 文件（从不覆盖输入文件）")
    p.set_defaults(func=cmd_polish)

    p = sub.add_parser("eval", parents=[common], help="运行回归评测集（离线）")
    p.add_argument("--task", choices=["retrieval", "suggest", "review", "draft", "polish"],
                   help="只评测一项：retrieval 检索、suggest 标准群推荐、review 评审、draft 起草、polish 案例编辑")
    p.add_argument("--baseline", help="任一指标低于此基线文件时以非零码退出")
    p.add_argument("--update-baseline", action="store_true", help="把本次结果写为新基线")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("catalog", parents=[common], help="标准目录与用户导入的自有标准")
    from assistant.catalog.commands import add_arguments

    add_arguments(p, common)
    p.set_defaults(func=cmd_catalog)

    p = sub.add_parser("serve", parents=[common], help="启动网页界面")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，仅本机）")
    p.add_argument("--port", type=int, default=7860, help="端口（默认 7860）")
    p.set_defaults(func=cmd_serve)
    parser._positionals.title = "命令"
    return parser


def _stdout_closed() -> int:
    """The reader of our output went away (`assistant ... | head`): stop quietly, like other command-line tools.
    stdout is pointed at /dev/null so the exit-time flush of what is still buffered cannot complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file descriptor behind sys.stdout (embedded use)
        pass
    return 141  # 128 + SIGPIPE, what a shell reports for a tool stopped by a closed pipe


class _ZhHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: ANN001 - argparse's own signature
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def _format_action(self, action: argparse.Action) -> str:
        """argparse pads by character count; a Chinese metavar is two columns a character: pad it by width."""
        text = super()._format_action(action)
        invocation = self._format_action_invocation(action)
        wide = sum(unicodedata.east_asian_width(ch) in "WF" for ch in invocation)
        head, found, rest = text.partition(invocation)
        if wide and found and rest.startswith(" " * (wide + 2)):
            return head + invocation + rest[wide:]
        return text


# argparse's own messages, by their English msgid (Python ships no Chinese catalogue for them). They are
# swapped in while one of our parsers parses; invalid choices and numbers are worded in _ZhParser itself.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "the following arguments are required: %s": "缺少参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "缺少取值",
    "expected at most one argument": "最多只能有一个取值",
    "expected at least one argument": "至少要有一个取值",
    "expected %s argument": "应有 %s 个取值",
    "expected %s arguments": "应有 %s 个取值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是：%(matches)s",
    "not allowed with argument %s": "不能与 %s 同时使用",
    "ignored explicit argument %r": "不接受取值：%r",
    "one of the arguments %s is required": "须给出以下参数之一：%s",
    "unexpected option string: %s": "无法识别的选项：%s",
}


# The value placeholder of each option in usage and help lines, by its dest.
_METAVAR_ZH = {"data_dir": "目录", "model": "模型名", "out": "输出", "summary": "汇总表", "workers": "进程数",
               "time_limit": "秒数", "scenario": "场景", "group": "文件", "baseline": "文件", "host": "地址",
               "port": "端口", "k": "数量", "need": "需求", "industry": "行业", "query": "词", "direction": "方向"}


@contextlib.contextmanager
def _argparse_in_chinese():
    saved = argparse._, argparse.ngettext
    argparse._ = lambda text: _ARGPARSE_ZH.get(text, text)
    argparse.ngettext = lambda one, many, n: _ARGPARSE_ZH.get(one if n == 1 else many, one if n == 1 else many)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


class _ZhParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Chinese: -h help, headings, and every error as one line `错误: …`, exit 2.
    Sub-commands are made with the parser's own class, so they (and theirs) are Chinese too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _ZhHelpFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title, self._optionals.title = "参数", "选项"
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = "显示本帮助并退出"

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        # argparse shows an option's value as its dest in capitals (--data-dir DATA_DIR): name it in Chinese.
        if action.option_strings and action.metavar is None and action.choices is None and action.nargs != 0:
            action.metavar = _METAVAR_ZH.get(action.dest, "值")
        return action

    def parse_known_args(self, args=None, namespace=None):
        with _argparse_in_chinese():
            return super().parse_known_args(args, namespace)

    def parse_args(self, args=None, namespace=None):
        with _argparse_in_chinese():
            parsed, extras = self.parse_known_args(args, namespace)
        if extras:  # named by the command they were given to, whose -h lists what it takes
            self._chosen(parsed).error(_ARGPARSE_ZH["unrecognized arguments: %s"] % " ".join(extras))
        return parsed

    def _chosen(self, parsed: argparse.Namespace) -> _ZhParser:
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                chosen = action.choices.get(getattr(parsed, action.dest, None) or "")
                if isinstance(chosen, _ZhParser):
                    return chosen._chosen(parsed)
        return self

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is not None and value not in action.choices:
            choices = "、".join(map(str, action.choices))
            if isinstance(action, argparse._SubParsersAction):
                raise argparse.ArgumentError(None, f"未知的命令 {value!r}（可选：{choices}）")
            raise argparse.ArgumentError(action, f"无效的选择 {value!r}（可选：{choices}）")

    def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError:
            kind = {int: "整数", float: "数字"}.get(action.type)
            if kind is None:
                raise
            raise argparse.ArgumentError(action, f"应为{kind}，收到 {arg_string!r}") from None

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"错误: {' '.join(message.split())}；用法见 {self.prog} -h\n")


def _setting_problem(error: dict) -> str:
    """pydantic's complaint about one setting, in Chinese (its own words are English)."""
    kind, given = error.get("type", ""), error.get("input")
    shown = f"，收到 {given!r}" if isinstance(given, (str, int, float)) else ""
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
        return f"应为 {'、'.join(allowed)} 之一{shown}" if allowed else f"取值无效{shown}"
    words = {"int": "整数", "float": "数字", "bool": "true 或 false", "string": "文字", "path": "路径"}
    for prefix, word in words.items():
        if kind.startswith(prefix + "_"):
            return f"应为{word}{shown}"
    return f"取值无效{shown}"


def _settings(args: argparse.Namespace):
    """The settings, or one line naming the bad environment variable or config file (then exit code 2)."""
    import tomllib

    try:
        return get_settings(data_dir=args.data_dir, llm=args.llm, model=args.model)
    except ValidationError as exc:  # a bad environment variable or config file value
        error = exc.errors()[0]
        name = "ASSISTANT_" + "_".join(str(p) for p in error["loc"]).upper()
        print(f"配置错误：{name}：{_setting_problem(error)}", file=sys.stderr)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        where = f"第 {line.group(1)} 行" if line else ""
        print(f"配置错误：{os.environ.get('ASSISTANT_CONFIG') or '配置文件'}：TOML 格式错误{where}", file=sys.stderr)
    except OSError as exc:
        print(f"配置错误：{exc.filename or '配置文件'}：无法读取（{os_reason(exc)}）", file=sys.stderr)
    return None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = _settings(args)
    if settings is None:
        return 2
    try:
        code = args.func(Context(settings), args)
        sys.stdout.flush()  # a closed pipe must surface here, not in the interpreter's exit-time flush
        return code
    except BrokenPipeError:
        return _stdout_closed()
    except AssistantError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: one line, never a traceback (ASSISTANT_DEBUG=1 shows it)
        if os.environ.get("ASSISTANT_DEBUG"):
            raise
        print(f"内部错误：{type(exc).__name__}: {exc}（设置 ASSISTANT_DEBUG=1 可看到详细信息）", file=sys.stderr)
        return 1
