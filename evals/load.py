"""Load test of the web UI through its HTTP API (127.0.0.1 only): many concurrent sessions mixing suggest,
review (PDF and DOCX) and polish for a fixed time; errors, wrong answers, p50/p95 per action, server memory.

    python evals/load.py [--sessions 50] [--minutes 5] [--grace 180]

Starts `python -m assistant serve` for the configured data dir (ASSISTANT_DATA_DIR; `assistant index` runs first
when there is no index) on a free 127.0.0.1 port, warms every action up once, reads the server's resident memory,
then runs `--sessions` client sessions (one gradio_client each, so one Gradio session each). Every session loops
over the actions until `--minutes` have passed and stops by itself; a request still running then gets `--grace`
seconds before it counts as a timeout. The same document must get the same verdicts every time (the first answer
is the reference; the test suite compares against a direct `review_file` instead). Prints a Markdown table for
the README, then stops the server it started. Exit code 0 only when there was no error and no wrong answer.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.evaluation import load_cases  # noqa: E402
from assistant.evaluation.docgen import from_recipe  # noqa: E402

API_NAME = "/review"  # the review tab's "开始评审" event (Handlers.review)
ACTIONS = ("suggest", "review_pdf", "review_docx", "polish")
VERDICTS_OUTPUT = 1  # review outputs: summary, verdicts (HTML), citations (table), group, DOCX, Markdown
CITATIONS_OUTPUT = 2
_STATUS = re.compile(r"<tr class='verdict[^']*' data-status='([a-z]+)'")


@dataclass(frozen=True)
class Answer:
    """What one review looked like: verdict status per requirement (in id order) and the cited numbers."""

    statuses: tuple[str, ...]
    citations: tuple[str, ...]


@dataclass
class Workload:
    """The inputs the sessions cycle through."""

    scenarios: list[str]
    pdfs: list[Path]
    docxs: list[Path]
    cases: list[Path]  # polish uploads

    def item(self, action: str, i: int) -> Any:
        pool = {"suggest": self.scenarios, "review_pdf": self.pdfs, "review_docx": self.docxs, "polish": self.cases}
        return pool[action][i % len(pool[action])]


@dataclass
class Sample:
    action: str
    seconds: float
    error: str = ""


@dataclass
class LoadReport:
    samples: list[Sample]
    sessions: int
    wall_seconds: float
    rss_start_mb: float = 0.0
    rss_end_mb: float = 0.0
    rss_peak_mb: float = 0.0
    rss_connected_mb: float = 0.0  # after every session connected, before any request
    wrong: list[str] = field(default_factory=list)
    rss_timeline: list[tuple[float, float]] = field(default_factory=list)  # (seconds since start, MB)

    def rss_at(self, seconds: float) -> float:
        """The first sample at or after `seconds` (the end value when the run was shorter)."""
        return next((mb for t, mb in self.rss_timeline if t >= seconds), self.rss_end_mb)

    @property
    def errors(self) -> list[Sample]:
        return [s for s in self.samples if s.error]

    @property
    def growth(self) -> float:
        return (self.rss_end_mb - self.rss_start_mb) / self.rss_start_mb if self.rss_start_mb else 0.0

    @property
    def ok(self) -> bool:
        return bool(self.samples) and not self.errors and not self.wrong


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


# ---- inputs -----------------------------------------------------------------------------------------------


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


def make_workload(folder: Path, n_docs: int = 8) -> Workload:
    docs = make_documents(folder, n_docs)
    cases = [from_recipe({**c, "format": "md"}, folder, f"case-{c['id']}") for c in load_cases("review")[:4]]
    scenarios = [c["scenario"] for c in load_cases("suggest")[:6]]
    return Workload(scenarios, [p for p in docs if p.suffix == ".pdf"], [p for p in docs if p.suffix == ".docx"], cases)


# ---- one request per action -------------------------------------------------------------------------------


def ui_answer(outputs: Any) -> Answer:
    verdicts = outputs[VERDICTS_OUTPUT]
    table = outputs[CITATIONS_OUTPUT]
    rows = table.get("data", []) if isinstance(table, dict) else []
    return Answer(tuple(_STATUS.findall(verdicts or "")), tuple(row[1] for row in rows if len(row) > 1 and row[1]))


def direct_answer(result: Any) -> Answer:
    """The same view of a `review_file` result as `ui_answer` gives of the page (citations merged, problems first)."""
    from assistant.review import merged_citations

    return Answer(tuple(r.status for r in sorted(result.requirements, key=lambda r: r.id)),
                  tuple(line.citation.normalized for line in merged_citations(result.citations)))


def _submit(client: Any, action: str, item: Any):
    from gradio_client import handle_file

    if action == "suggest":
        return client.submit(item, "自动判断", api_name="/suggest")
    if action == "polish":
        return client.submit(handle_file(str(item)), "", api_name="/polish")
    return client.submit(handle_file(str(item)), api_name=API_NAME)


def _check_outputs(action: str, outputs: Any) -> None:
    """A reply that is not the page's normal result is an error, not a fast success."""
    if action == "suggest" and "GB" not in str(outputs[0]):
        raise ValueError("suggest: no standard in the summary")
    if action == "polish" and not str(outputs[0]).strip():
        raise ValueError("polish: empty summary")
    if action.startswith("review") and len(ui_answer(outputs).statuses) != 5:
        raise ValueError("review: not five verdicts")


# ---- the run ----------------------------------------------------------------------------------------------


def rss_mb(pid: int) -> float:
    """Resident memory of a process (Linux /proc), in MB; 0 where it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class _Answers:
    """Review answers per document: the expected one when known, else the first one seen."""

    def __init__(self, expected: dict[Path, Answer] | None) -> None:
        self.seen: dict[Path, Answer] = dict(expected or {})
        self.wrong: list[str] = []
        self.lock = threading.Lock()

    def check(self, path: Path, answer: Answer) -> None:
        with self.lock:
            reference = self.seen.setdefault(path, answer)
            if answer != reference:
                self.wrong.append(f"{path.name}: got {answer}, expected {reference}")


def warm_up(url: str, work: Workload) -> None:
    """One request of each action, so model loading and first-call costs are not in the figures."""
    client = _client(url)
    try:
        for action in ACTIONS:
            outputs = _submit(client, action, work.item(action, 0)).result(timeout=600)
            _check_outputs(action, outputs)
    finally:
        client.close()


def _client(url: str):
    from gradio_client import Client

    if not url.startswith(("http://127.0.0.1", "http://localhost")):
        raise ValueError("the load test only talks to 127.0.0.1")
    for attempt in range(3):  # a busy server answers its config slowly; httpx's default 5 s timed out at 50 sessions
        try:
            return Client(url, verbose=False, download_files=False, analytics_enabled=False,
                          httpx_kwargs={"timeout": 60})
        except Exception:  # noqa: BLE001 - retried, then raised
            if attempt == 2:
                raise
            time.sleep(2 * (attempt + 1))
    raise AssertionError("unreachable")


def run_load(url: str, work: Workload, sessions: int, seconds: float, server_pid: int, grace: float = 180.0,
             expected: dict[Path, Answer] | None = None) -> LoadReport:
    """`sessions` concurrent client sessions cycling through the actions for `seconds`, then stopping."""
    deadline = time.monotonic() + seconds
    samples: list[Sample] = []
    answers = _Answers(expected)
    lock = threading.Lock()
    peak = [rss_mb(server_pid)]
    report = LoadReport([], sessions, 0.0, rss_start_mb=peak[0])

    clock = {"deadline": deadline}

    def start_run() -> None:  # run by the barrier once every session is connected, before any request
        report.rss_connected_mb = rss_mb(server_pid)
        clock["deadline"] = time.monotonic() + seconds

    connected = threading.Barrier(sessions + 1, action=start_run)

    def session(k: int) -> None:
        try:
            client = _client(url)
        except Exception as exc:  # noqa: BLE001 - a session that cannot even connect is an error
            with lock:
                samples.append(Sample("connect", 0.0, f"{type(exc).__name__}: {exc}"[:200]))
            connected.abort()  # the others start at once instead of waiting for this one
            return
        try:
            connected.wait(timeout=300)
        except threading.BrokenBarrierError:
            pass
        try:
            i = k
            while time.monotonic() < clock["deadline"]:
                action = ACTIONS[i % len(ACTIONS)]
                item = work.item(action, i // len(ACTIONS))
                sample = _one(client, action, item, clock["deadline"] + grace, answers)
                with lock:
                    samples.append(sample)
                i += 1
        finally:
            client.close()

    def sample_memory(stop: threading.Event) -> None:
        while not stop.wait(2.0):
            now = rss_mb(server_pid)
            peak[0] = max(peak[0], now)
            report.rss_timeline.append((time.perf_counter() - started, now))

    stop = threading.Event()
    started = time.perf_counter()
    watcher = threading.Thread(target=sample_memory, args=(stop,), daemon=True)
    watcher.start()
    threads = [threading.Thread(target=session, args=(k,), name=f"load-{k}", daemon=True) for k in range(sessions)]
    for t in threads:
        t.start()
        time.sleep(0.05)  # staggered like real users, not one burst of connects
    try:  # every session connected, none has sent anything yet: what 50 idle users cost
        connected.wait(timeout=300)
    except threading.BrokenBarrierError:
        pass
    for t in threads:
        t.join(timeout=max(1.0, clock["deadline"] + grace + 30 - time.monotonic()))
    stop.set()
    report.samples, report.wrong = samples, answers.wrong
    report.wall_seconds = time.perf_counter() - started
    report.rss_end_mb = rss_mb(server_pid)
    report.rss_peak_mb = max(peak[0], report.rss_end_mb)
    return report


def _one(client: Any, action: str, item: Any, hard_deadline: float, answers: _Answers) -> Sample:
    start = time.perf_counter()
    job = _submit(client, action, item)
    try:
        outputs = job.result(timeout=max(1.0, hard_deadline - time.monotonic()))
        _check_outputs(action, outputs)
        if action.startswith("review"):
            answers.check(item, ui_answer(outputs))
    except Exception as exc:  # noqa: BLE001 - recorded per request and reported
        job.cancel()
        first = str(exc).splitlines()[0][:160] if str(exc) else ""
        return Sample(action, time.perf_counter() - start, f"{type(exc).__name__}: {first}")
    return Sample(action, time.perf_counter() - start)


# ---- the server -------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(log: Path, timeout: float = 600.0) -> tuple[subprocess.Popen, str]:
    """`assistant serve` on a free 127.0.0.1 port (building the index first if there is none)."""
    from assistant.index import Manifest
    from assistant.settings import get_settings

    if Manifest.read(get_settings().index_dir) is None:
        subprocess.run([sys.executable, "-m", "assistant", "index"], cwd=REPO, check=True, timeout=timeout)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=REPO, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, f"http://127.0.0.1:{port}/"
        except OSError:
            time.sleep(0.5)
    stop_server(proc)
    raise RuntimeError(f"the UI server did not start; see {log}")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


# ---- report -----------------------------------------------------------------------------------------------


def table(report: LoadReport) -> str:
    from assistant.ui.app import CONCURRENCY

    rows = [(f"sessions (concurrent clients; the UI queue runs {CONCURRENCY} events of a kind at once)",
             f"{report.sessions}"),
            ("wall time", f"{report.wall_seconds:.0f} s"),
            ("requests answered", f"{len(report.samples) - len(report.errors)}"),
            ("errors / timeouts", f"{len(report.errors)}"),
            ("wrong answers (review verdicts differing for one document)", f"{len(report.wrong)}")]
    for action in ACTIONS:
        times = [s.seconds for s in report.samples if s.action == action and not s.error]
        rows.append((f"{action}: n / p50 / p95", f"{len(times)} / {percentile(times, 0.5):.1f} s / "
                                                  f"{percentile(times, 0.95):.1f} s"))
    rows += [("server RSS at start (after warm-up) / end / peak",
              f"{report.rss_start_mb:.0f} / {report.rss_end_mb:.0f} / {report.rss_peak_mb:.0f} MB"),
             ("RSS growth start → end (goal ≤ 20 %)", f"{report.growth * 100:+.1f} %"),
             ("server RSS with every session connected, before any request",
              f"{report.rss_connected_mb:.0f} MB")]
    marks = [m for m in (60, 120, 180, 240) if report.rss_timeline and report.rss_timeline[-1][0] > m]
    if marks:
        rows.append(("server RSS after " + " / ".join(f"{m // 60} min" for m in marks) + " / end",
                     " / ".join(f"{report.rss_at(m):.0f}" for m in marks) + f" / {report.rss_end_mb:.0f} MB"))
    return "\n".join(["| metric | value |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50, help="concurrent client sessions (1-200)")
    parser.add_argument("--minutes", type=float, default=5.0, help="how long the sessions keep sending (max 60)")
    parser.add_argument("--grace", type=float, default=180.0, help="seconds a request running at the end may take")
    args = parser.parse_args(argv)
    sessions, seconds = max(1, min(args.sessions, 200)), max(1.0, min(args.minutes, 60.0) * 60)
    with tempfile.TemporaryDirectory(prefix="pilot-load-") as tmp:
        work = make_workload(Path(tmp))
        proc, url = start_server(Path(tmp) / "server.log")
        try:
            warm_up(url, work)
            report = run_load(url, work, sessions, seconds, proc.pid, args.grace)
        finally:
            stop_server(proc)
    print(f"UI load test: {sessions} sessions for {seconds / 60:g} min mixing {', '.join(ACTIONS)} via the UI API "
          f"on {sys.platform} with {os.cpu_count()} CPUs")
    print(table(report))
    from collections import Counter

    for (action, error), count in Counter((s.action, s.error) for s in report.errors).most_common(20):
        print(f"error ×{count}: {action}: {error}", file=sys.stderr)
    for line in report.wrong[:20]:
        print(f"wrong: {line}", file=sys.stderr)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
