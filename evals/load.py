"""A short, bounded load test of the web UI: N concurrent review requests through the UI's API (127.0.0.1 only).

    python evals/load.py [-n 24] [--concurrency 4] [--timeout 300]

Starts the Gradio app for the configured data dir (ASSISTANT_DATA_DIR; the index is built first if missing) on a
free 127.0.0.1 port, generates N different review submissions (DOCX and PDF, from the review eval recipes),
reviews each directly once for the expected verdicts, then sends all N through the `/review` endpoint with
`gradio_client` from a pool of `--concurrency` threads. Every answer is checked against the direct review.
Prints count, errors, wrong answers, p50/p95/max latency and throughput (a Markdown table for the README), then
stops the server. Exit code 0 only when every request was answered correctly within the time limit.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.evaluation import load_cases  # noqa: E402
from assistant.evaluation.docgen import from_recipe  # noqa: E402

API_NAME = "/review"  # the review tab's "开始评审" event (Handlers.review)
VERDICTS_OUTPUT = 1  # outputs: summary, verdicts (HTML), citations (table), group, DOCX, Markdown
CITATIONS_OUTPUT = 2
_STATUS = re.compile(r"<tr class='verdict[^']*' data-status='(covered|partial|missing)'")


@dataclass
class Answer:
    """What one review looked like: verdict status per requirement (in id order) and the cited numbers."""

    statuses: list[str]
    citations: list[str]


@dataclass
class Outcome:
    path: Path
    seconds: float = 0.0
    answer: Answer | None = None
    error: str = ""


@dataclass
class LoadReport:
    outcomes: list[Outcome]
    concurrency: int
    wall_seconds: float
    wrong: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.wrong and all(o.answer is not None for o in self.outcomes)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def make_documents(folder: Path, n: int) -> list[Path]:
    """N different submissions: the review eval recipes in turn, alternately as DOCX and PDF, each titled apart."""
    cases = load_cases("review")
    paths = []
    for i in range(n):
        case = cases[i % len(cases)]
        fmt = "docx" if i % 2 == 0 else "pdf"
        title = f"{case.get('title') or '试点材料'}（第{i + 1}份）"
        paths.append(from_recipe({**case, "format": fmt, "title": title}, folder, f"load-{i + 1:03d}-{case['id']}"))
    return paths


def direct_answer(result: Any) -> Answer:
    """The same view of a `review_file` result as `ui_answer` gives of the page."""
    return Answer([r.status for r in sorted(result.requirements, key=lambda r: r.id)],
                  [c.normalized for c in result.citations])


def ui_answer(outputs: Any) -> Answer:
    verdicts = outputs[VERDICTS_OUTPUT]
    table = outputs[CITATIONS_OUTPUT]
    rows = table.get("data", []) if isinstance(table, dict) else []
    return Answer(_STATUS.findall(verdicts or ""), [row[1] for row in rows if len(row) > 1 and row[1]])


def launch(ctx: Any) -> tuple[Any, str]:
    """The UI app for `ctx` on a free 127.0.0.1 port, not blocking; returns (demo, URL)."""
    from assistant.ui.app import launch_local

    return launch_local(ctx)


def run_load(url: str, paths: list[Path], concurrency: int = 4, timeout: float = 120.0) -> LoadReport:
    """Send one review request per path through the UI API, `concurrency` at a time, all within `timeout` s."""
    from gradio_client import Client, handle_file

    if not url.startswith(("http://127.0.0.1", "http://localhost")):
        raise ValueError("the load test only talks to 127.0.0.1")
    client = Client(url, verbose=False, download_files=False, analytics_enabled=False)
    deadline = time.monotonic() + timeout
    outcomes = [Outcome(p) for p in paths]
    lock = threading.Lock()

    def one(outcome: Outcome) -> None:
        left = deadline - time.monotonic()
        if left <= 0:
            outcome.error = "not sent: time limit reached"
            return
        start = time.perf_counter()
        job = client.submit(handle_file(str(outcome.path)), api_name=API_NAME)
        try:
            outputs = job.result(timeout=left)
            answer = ui_answer(outputs)
        except Exception as exc:  # noqa: BLE001 - recorded per request and reported
            job.cancel()
            outcome.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"
        else:
            with lock:
                outcome.answer = answer
        outcome.seconds = time.perf_counter() - start

    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="load") as pool:
            list(pool.map(one, outcomes))
    finally:
        client.close()
    return LoadReport(outcomes, concurrency, time.perf_counter() - started)


def check(report: LoadReport, expected: dict[Path, Answer]) -> LoadReport:
    for o in report.outcomes:
        if o.answer is not None and o.answer != expected[o.path]:
            report.wrong.append(f"{o.path.name}: got {o.answer}, expected {expected[o.path]}")
    return report


def table(report: LoadReport) -> str:
    ok = [o.seconds for o in report.outcomes if o.answer is not None and not o.error]
    rows = [
        ("requests", f"{len(report.outcomes)}"),
        ("concurrency (client threads; UI queue limit 4)", f"{report.concurrency}"),
        ("errors / timeouts", f"{len(report.errors)}"),
        ("wrong answers", f"{len(report.wrong)}"),
        ("latency p50", f"{percentile(ok, 0.5):.2f} s"),
        ("latency p95", f"{percentile(ok, 0.95):.2f} s"),
        ("latency max", f"{max(ok, default=0.0):.2f} s"),
        ("wall time", f"{report.wall_seconds:.2f} s"),
        ("throughput", f"{len(ok) / report.wall_seconds:.2f} reviews/s" if report.wall_seconds else "-"),
    ]
    lines = ["| metric | value |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=24, help="number of review requests (1-200)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (1-32)")
    parser.add_argument("--timeout", type=float, default=300.0, help="total time limit in seconds (max 1800)")
    args = parser.parse_args(argv)
    n, concurrency = max(1, min(args.n, 200)), max(1, min(args.concurrency, 32))
    timeout = max(1.0, min(args.timeout, 1800.0))

    from assistant.context import Context
    from assistant.review import review_file
    from assistant.settings import get_settings

    ctx = Context(get_settings())
    ctx.retriever()  # build the index now (if needed), not inside the first request
    with tempfile.TemporaryDirectory(prefix="pilot-load-") as tmp:
        paths = make_documents(Path(tmp), n)
        expected = {p: direct_answer(review_file(ctx, p)) for p in paths}  # also warms the model up
        demo, url = launch(ctx)
        try:
            report = check(run_load(url, paths, concurrency, timeout), expected)
        finally:
            demo.close()
    print(f"UI load test: {n} review requests (DOCX/PDF, {len({tuple(a.statuses) for a in expected.values()})} "
          f"different verdict patterns) via {API_NAME}, {concurrency} at a time, on {sys.platform} "
          f"with {os.cpu_count()} CPUs")
    print(table(report))
    for o in report.errors:
        print(f"error: {o.path.name}: {o.error}", file=sys.stderr)
    for line in report.wrong:
        print(f"wrong: {line}", file=sys.stderr)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
