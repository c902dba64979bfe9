"""Batch review: every submission of a folder (or list) reviewed across the cores, one summary row per file.

Each worker process builds its Context once (corpus, embedding model) and reviews files one after another; a
file that fails, or runs past the per-file time budget, gets its row with the reason and never stops the batch.
"""
from __future__ import annotations

import csv
import os
import re
import signal
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from assistant.context import Context
from assistant.errors import AssistantError, checked_suffix
from assistant.loaders import SUPPORTED
from assistant.review.report import unverifiable, write_review_report
from assistant.review.result import STATUS_ZH, ReviewResult, Stage
from assistant.settings import Settings

SUMMARY_SUFFIXES = (".xlsx", ".csv", ".md")  # in the order messages list them
REPORT_SUFFIXES = {"docx": ".docx", "md": ".md"}
HEADERS = ["文件", "企业", "申报方向", "要求1 标准群应用情况", "要求2 修订与立项建议", "要求3 实施指南或解决方案",
           "要求4 面向中小企业推广", "要求5 标准应用案例", "引用问题", "标准群问题", "无法读取的页", "错误", "报告"]

_COMPANY = re.compile(r"([\u4e00-\u9fa5（）()A-Za-z0-9]{2,40}?(?:股份有限公司|有限责任公司|有限公司|集团|研究院|研究所))")
_DIRECTION_LABEL = re.compile(r"(?:申报方向|试点方向|所属方向|方向)[:：]\s*([\u4e00-\u9fa5]{2,20}类)")


@dataclass
class BatchRow:
    file: str
    company: str = ""
    direction: str = ""
    verdicts: dict[int, str] = field(default_factory=dict)
    citation_problems: str = ""
    group_problems: str = ""
    unreadable_pages: str = ""
    error: str = ""
    report: str = ""
    seconds: float = 0.0

    def cells(self) -> list[str]:
        verdicts = [STATUS_ZH.get(self.verdicts.get(i, ""), "") for i in range(1, 6)]
        return [self.file, self.company, self.direction, *verdicts, self.citation_problems, self.group_problems,
                self.unreadable_pages, self.error, self.report]


def collect_paths(paths: list[Path]) -> list[Path]:
    """Files as given, folders searched recursively for supported files (hidden files skipped), in order."""
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED
                          and not any(part.startswith(".") for part in p.relative_to(path).parts))
        else:
            out.append(path)
    return list(dict.fromkeys(out))


# ---- one file ----------------------------------------------------------------------------------------


def row_for(path: Path, result: ReviewResult, ctx: Context, head: str) -> BatchRow:
    """`head`: the document's first blocks, where a submission names its company and direction."""
    bad = [c for c in result.citations if c.status != "ok" and not unverifiable(c)]
    return BatchRow(
        file=path.name, company=_company(head), direction=_direction(ctx, head),
        verdicts={r.id: r.status for r in result.requirements},
        citation_problems="；".join(dict.fromkeys(f"{c.normalized}（{c.status}）" for c in bad)),
        group_problems="；".join(result.standard_group.violations),
        unreadable_pages="、".join(str(p.page) if p.page is not None else "部分内容" for p in result.unreadable_pages))


def _company(text: str) -> str:
    m = _COMPANY.search(text)
    return m.group(1) if m else ""


def _direction(ctx: Context, text: str) -> str:
    m = _DIRECTION_LABEL.search(text)
    if m and ctx.corpus.plan.direction(m.group(1)):
        return ctx.corpus.plan.direction(m.group(1)).name  # type: ignore[union-attr]
    found = [d.name for d in ctx.corpus.plan.directions if d.name in text]
    return found[0] if found else ""


# ---- workers -----------------------------------------------------------------------------------------

_WORKER: dict = {}


def _init_worker(settings: Settings) -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core per worker; the pool provides the parallelism
    ctx = Context(settings)
    ctx.corpus  # noqa: B018 - load once per worker, not per file
    _WORKER["ctx"] = ctx


class _Budget(Exception):
    pass


def _on_alarm(signum, frame) -> None:  # noqa: ARG001
    raise _Budget()


def review_one(path: str, stage: Stage, out_dir: str | None, report_format: str, budget_s: float,
               ctx: Context | None = None) -> BatchRow:
    """Review one file into its summary row (never raises: a failure is the row's error)."""
    from assistant.review.pipeline import review_document
    from assistant.loaders import load_document

    ctx = ctx or _WORKER["ctx"]
    p = Path(path)
    start = time.perf_counter()
    use_alarm = budget_s > 0 and hasattr(signal, "SIGALRM") and _main_thread()
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, budget_s)
    try:
        doc = load_document(p, ctx.settings.max_file_mb, ctx.settings.max_pages, allow_unreadable=True)
        result = review_document(ctx, doc, stage)
        row = row_for(p, result, ctx, "\n".join(b.text for b in doc.blocks[:12]))
        if out_dir:
            target = Path(out_dir) / f"{p.stem}.评审报告{REPORT_SUFFIXES[report_format]}"
            write_review_report(result, target)
            row.report = target.name
    except _Budget:
        row = BatchRow(file=p.name, error=f"超过单文件时限 {budget_s:g} 秒，已跳过；可用 --time-limit 调整")
    except AssistantError as exc:
        row = BatchRow(file=p.name, error=str(exc).splitlines()[0])
    except Exception as exc:  # noqa: BLE001 - one bad file never stops the batch
        row = BatchRow(file=p.name, error=f"内部错误：{type(exc).__name__}: {str(exc)[:120]}")
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    row.seconds = round(time.perf_counter() - start, 2)
    return row


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def review_batch(ctx: Context, paths: list[Path], stage: Stage = "acceptance", out_dir: Path | None = None,
                 report_format: str = "docx", workers: int = 0, budget_s: float = 120.0,
                 progress: Callable[[int, int, str], None] | None = None) -> list[BatchRow]:
    """Rows in the order of `paths`. workers 0: one per core (1: in this process, with `ctx`)."""
    files = collect_paths(paths)
    if out_dir is not None:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    workers = min(workers or os.cpu_count() or 1, max(len(files), 1))
    out_name = str(out_dir) if out_dir is not None else None
    rows: dict[int, BatchRow] = {}
    if workers <= 1:
        for i, f in enumerate(files):
            rows[i] = review_one(str(f), stage, out_name, report_format, budget_s, ctx)
            if progress:
                progress(i + 1, len(files), f.name)
        return [rows[i] for i in range(len(files))]
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(ctx.settings,)) as pool:
        futures = {pool.submit(review_one, str(f), stage, out_name, report_format, budget_s): i
                   for i, f in enumerate(files)}
        for done, future in enumerate(as_completed(futures), start=1):
            i = futures[future]
            try:
                rows[i] = future.result()
            except BrokenProcessPool:
                rows[i] = BatchRow(file=files[i].name, error="评审进程意外退出（可能内存不足）")
            except Exception as exc:  # noqa: BLE001
                rows[i] = BatchRow(file=files[i].name, error=f"内部错误：{type(exc).__name__}")
            if progress:
                progress(done, len(files), files[i].name)
    return [rows[i] for i in range(len(files))]


# ---- the summary file ----------------------------------------------------------------------------------


def write_summary(rows: list[BatchRow], path: Path) -> Path:
    """One row per submission as .xlsx (filters, frozen header), .csv (UTF-8 with BOM for Excel) or .md."""
    path = Path(path)
    suffix = checked_suffix(path, SUMMARY_SUFFIXES, "汇总表")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        {".xlsx": _xlsx, ".csv": _csv, ".md": _md}[suffix](rows, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _xlsx(rows: list[BatchRow], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "评审汇总"
    ws.append(HEADERS)
    for row in rows:
        ws.append(row.cells())
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [28, 24, 18, 12, 12, 12, 12, 12, 30, 30, 14, 40, 28]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    wb.save(path)


def _csv(rows: list[BatchRow], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        writer.writerows(row.cells() for row in rows)


def _md(rows: list[BatchRow], path: Path) -> None:
    from assistant.export import markdown_table

    path.write_text("# 评审汇总\n\n" + markdown_table(HEADERS, [r.cells() for r in rows]) + "\n", encoding="utf-8")


def render_rows(rows: list[BatchRow]) -> str:
    """The batch on screen: one line per file."""
    lines = []
    for r in rows:
        if r.error:
            lines.append(f"✗ {r.file}：{r.error}")
            continue
        verdicts = " ".join(f"{i}:{STATUS_ZH.get(r.verdicts.get(i, ''), '?')}" for i in range(1, 6))
        extra = f"，无法读取第{r.unreadable_pages}页" if r.unreadable_pages else ""
        lines.append(f"· {r.file}（{r.company or '企业未识别'}）{verdicts}{extra}")
    ok = sum(1 for r in rows if not r.error)
    lines.append(f"共 {len(rows)} 份材料，评审完成 {ok} 份，失败 {len(rows) - ok} 份。")
    return "\n".join(lines)
