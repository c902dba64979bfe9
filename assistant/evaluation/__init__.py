"""The regression eval runner: cases are data in evals/<task>.yaml, scored by the core functions offline."""
from __future__ import annotations

import importlib
import json
from pathlib import Path

from pydantic import BaseModel

from assistant.context import Context
from assistant.errors import InputError
from assistant.settings import PACKAGE_DIR
from assistant.yamlio import load_yaml

TASKS = ["retrieval", "suggest", "review", "draft", "polish"]
TOLERANCE = 1e-6  # offline scoring is deterministic; this only absorbs float rounding


class TaskResult(BaseModel):
    task: str
    cases: int
    metrics: dict[str, float]
    failures: list[str] = []


class EvalReport(BaseModel):
    tasks: list[TaskResult]
    regressions: list[str] = []
    baseline: str | None = None

    @property
    def passed(self) -> bool:
        return not self.regressions


def evals_dir() -> Path:
    bundled = PACKAGE_DIR / "_data" / "evals"
    return bundled if bundled.is_dir() else PACKAGE_DIR.parent / "evals"


def load_cases(task: str, root: Path | None = None) -> list[dict]:
    path = (root or evals_dir()) / f"{task}.yaml"
    if not path.is_file():
        return []
    return load_yaml(path.read_text(encoding="utf-8")).get("cases", [])


def run_task(ctx: Context, task: str) -> TaskResult:
    """Score one task: its module assistant.evaluation.<task> exposes run(ctx, cases) -> TaskResult."""
    module = importlib.import_module(f"assistant.evaluation.{task}")
    return module.run(ctx, load_cases(task))


def run_evals(ctx: Context, task: str | None = None, baseline: Path | None = None,
              update_baseline: bool = False) -> EvalReport:
    tasks = [task] if task else [t for t in TASKS if load_cases(t)]
    results = [run_task(ctx, t) for t in tasks]
    report = EvalReport(tasks=results, baseline=str(baseline) if baseline else None)
    if baseline and update_baseline:
        write_baseline(baseline, results)
    elif baseline:
        report.regressions = compare(results, read_baseline(baseline))
    return report


def read_baseline(path: Path) -> dict[str, dict[str, float]]:
    if not path.is_file():
        raise InputError(f"{path}: 基线文件不存在；可先用 --update-baseline 生成")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise InputError(f"{path}: 基线文件不是有效的 JSON") from exc


def write_baseline(path: Path, results: list[TaskResult]) -> None:
    data = read_baseline(path) if path.is_file() else {}
    data.update({r.task: r.metrics for r in results})
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def lower_is_better(metric: str) -> bool:
    return metric.endswith(("_rate", "_violations")) and not metric.endswith("detection_rate")


def compare(results: list[TaskResult], baseline: dict[str, dict[str, float]]) -> list[str]:
    """Every metric that got worse than the stored baseline."""
    worse = []
    for result in results:
        for metric, old in baseline.get(result.task, {}).items():
            new = result.metrics.get(metric)
            if new is None:
                worse.append(f"{result.task}.{metric}：缺失（基线 {old:.3f}）")
            elif (new > old + TOLERANCE) if lower_is_better(metric) else (new < old - TOLERANCE):
                worse.append(f"{result.task}.{metric}：{new:.3f}（基线 {old:.3f}）")
    return worse


MAX_FAILURE_LINES = 20


def render_eval(report: EvalReport) -> str:
    lines = [f"{'任务':<8} {'用例':>3}  指标"]
    for r in report.tasks:
        metrics = "  ".join(f"{k}={v:.3f}" for k, v in sorted(r.metrics.items()))
        lines.append(f"{r.task:<10} {r.cases:>5}  {metrics}")
        lines.extend(f"           ✗ {f}" for f in r.failures[:MAX_FAILURE_LINES])
        if len(r.failures) > MAX_FAILURE_LINES:  # say so: a reader must not take the list for all of them
            lines.append(f"           … 另有 {len(r.failures) - MAX_FAILURE_LINES} 条未列出（--json 输出全部）")
    if report.baseline:
        lines.append("回归：" + ("；".join(report.regressions) if report.regressions else "无"))
    return "\n".join(lines)


def held_out(split: str) -> bool:
    """heldout, heldout2, next_heldout…: scored, failures counted and never listed (they must not steer rules)."""
    return "heldout" in split
