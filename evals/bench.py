"""Benchmark in one run: index build, warm search latency, suggest, review of a 50-page PDF, peak memory,
and retrieval quality of hybrid vs BM25-only vs dense-only (and of each packaged embedding model); and the
batch review of 100 generated 30-page submissions against the plain-extraction floor (issue 16).

    python evals/bench.py [--out evals/out/bench.json]
    python evals/bench.py --batch-only [--batch-n 100] [--batch-pages 30]

Timings are measured here, never asserted in unit tests. Prints a Markdown table for the README.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.context import Context  # noqa: E402
from assistant.embed import NAMES, load_embedder  # noqa: E402
from assistant.evaluation import load_cases  # noqa: E402
from assistant.evaluation.retrieval import score  # noqa: E402
from assistant.index import build_index  # noqa: E402
from assistant.settings import get_settings  # noqa: E402

SCENARIO = "我们是一家做工程机械的企业，卖出去的设备分布在全国，想远程看设备状态、提前安排维修，并让客户在线选配置下单。"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def bench_index(ctx: Context) -> dict:
    start = time.perf_counter()
    embedder = ctx.embedder
    load_s = time.perf_counter() - start
    report = build_index(ctx.settings, embedder, rebuild=True)
    return {"model_load_s": round(load_s, 2), "index_build_s": round(report.seconds, 2), "chunks": report.chunks}


def bench_search(ctx: Context) -> dict:
    retriever = ctx.retriever()
    queries = [c["query"] for c in load_cases("retrieval")]
    retriever.search(queries[0])  # warm up
    times = [t for q in queries for t in timed(lambda q=q: retriever.search(q, k=10), 5)]
    return {"search_p50_ms": round(statistics.median(times), 1), "search_p95_ms": round(percentile(times, 0.95), 1)}


def bench_suggest(ctx: Context) -> dict:
    try:
        from assistant.suggest import suggest_group
    except ImportError:
        return {}
    suggest_group(ctx, SCENARIO)  # warm up
    times = timed(lambda: suggest_group(ctx, SCENARIO), 10)
    return {"suggest_p50_ms": round(statistics.median(times), 1), "suggest_p95_ms": round(percentile(times, 0.95), 1)}


def bench_review(ctx: Context, tmp: Path) -> dict:
    try:
        from assistant.evaluation.docgen import long_report_pdf
        from assistant.review import review_file
    except ImportError:
        return {}
    path = long_report_pdf(tmp / "report50.pdf", pages=50)
    start = time.perf_counter()
    review_file(ctx, path)
    return {"review_50p_pdf_s": round(time.perf_counter() - start, 2)}


_PEAK_HOOK = """import atexit, runpy, sys
def _peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            open(out, "w").write(line.split()[1])
atexit.register(_peak)
out = sys.argv[1]
sys.argv = ["assistant"] + sys.argv[2:]
runpy.run_module("assistant", run_name="__main__")
"""


def _cli_run(args: list[str], data_dir: Path) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS MB, exit code) of one cold CLI process. The peak is the process's own
    VmHWM read at exit (wait4's ru_maxrss would include the forking parent's memory). CPU time is given too: on a
    shared machine wall time mostly measures the wait for a core."""
    import subprocess

    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir)}
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak_file:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", _PEAK_HOOK, peak_file.name, *args],
                                cwd=Path(__file__).resolve().parent.parent, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak_kb = float(Path(peak_file.name).read_text() or 0)
    return seconds, usage.ru_utime + usage.ru_stime, peak_kb / 1024, proc.returncode


def bench_reliability(ctx: Context, tmp: Path) -> dict:
    """Issue 20's hostile inputs: an 11 000-paragraph DOCX (read in-process; reviewed by a cold CLI process) and
    the 1.5 GB zip bomb, with an honest and with a lying zip directory (refused by a cold CLI process)."""
    from assistant.evaluation.hostile import many_paragraphs_docx, zip_bomb_docx
    from assistant.loaders import load_document

    many = many_paragraphs_docx(tmp / "many.docx", 11000)
    load_document(many)  # imports and caches warm
    reads = timed(lambda: load_document(many), 3)
    cpu = time.process_time()
    load_document(many)
    read_cpu = time.process_time() - cpu
    ctx.retriever()  # the index exists before the cold review
    review_s, review_cpu, review_mb, review_code = _cli_run(["review", str(many), "--json"], ctx.settings.data_dir)
    out = {"docx_11k_paragraphs_kb": round(many.stat().st_size / 1024), "docx_11k_read_s": round(min(reads) / 1000, 2),
           "docx_11k_read_cpu_s": round(read_cpu, 2), "docx_11k_review_cold_cli_s": round(review_s, 2),
           "docx_11k_review_cold_cli_cpu_s": round(review_cpu, 2), "docx_11k_review_peak_rss_mb": round(review_mb),
           "docx_11k_review_exit": review_code}
    for name, declared in (("bomb", None), ("bomb_lying_directory", 1)):
        bomb = zip_bomb_docx(tmp / f"{name}.docx", 1500, declared_mb=declared)
        seconds, cpu_s, peak, code = _cli_run(["review", str(bomb)], ctx.settings.data_dir)
        out.update({f"{name}_mb_on_disk": round(bomb.stat().st_size / 1048576, 1), f"{name}_refused_cli_s":
                    round(seconds, 2), f"{name}_refused_cli_cpu_s": round(cpu_s, 2), f"{name}_peak_rss_mb": round(peak),
                    f"{name}_exit": code})
    return out


def bench_retrieval(ctx: Context) -> dict:
    """recall@10 and MRR per retrieval mode, then per embedding model (hybrid)."""
    cases = load_cases("retrieval")
    out = {}
    for mode in ("hybrid", "bm25", "dense"):
        metrics = score(ctx, cases, mode=mode).metrics
        out[mode] = {k: round(v, 3) for k, v in metrics.items()}
    return out


def bench_models(base: Path) -> dict:
    out = {}
    for name in NAMES:
        settings = get_settings(data_dir=base / f"model-{name}", embed_model=name)
        ctx = Context(settings)
        start = time.perf_counter()
        ctx._embedder = load_embedder(name)
        report = build_index(settings, ctx.embedder)
        cases = load_cases("retrieval")
        dense = score(ctx, cases, mode="dense").metrics
        hybrid = score(ctx, cases, mode="hybrid").metrics
        out[name] = {"dense_recall@10": round(dense["recall@10"], 3), "dense_mrr": round(dense["mrr"], 3),
                     "hybrid_recall@10": round(hybrid["recall@10"], 3), "hybrid_mrr": round(hybrid["mrr"], 3),
                     "load_and_index_s": round(time.perf_counter() - start, 1), "chunks": report.chunks}
    return out


# ---- batch review vs the extraction floor ------------------------------------------------------------


def make_batch(folder: Path, n: int, pages: int) -> list[Path]:
    """n submissions of `pages` pages, alternately PDF and DOCX, each with its own title and company."""
    from assistant.evaluation.docgen import long_report_sections, make_document

    folder.mkdir(parents=True, exist_ok=True)
    sections = long_report_sections(pages)
    files = []
    for i in range(n):
        suffix = ".pdf" if i % 2 == 0 else ".docx"
        title = f"第{i + 1}号试点企业有限公司 智能制造标准应用试点总结报告"
        files.append(make_document(folder / f"submission-{i + 1:03d}{suffix}", sections, title=title))
    return files


def extraction_floor(files: list[Path]) -> float:
    """Seconds to merely read every file's text in one process: pypdf for PDF, python-docx for DOCX."""
    import docx
    from pypdf import PdfReader

    start = time.perf_counter()
    for path in files:
        if path.suffix == ".pdf":
            text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
        else:
            document = docx.Document(str(path))
            text = "\n".join(p.text for p in document.paragraphs)
            text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
        assert text.strip(), path
    return time.perf_counter() - start


def _tree_rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants (from /proc), in kB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
        line = next((ln for ln in status.splitlines() if ln.startswith("VmRSS:")), "VmRSS: 0 kB")
        rss[int(entry.name)] = int(line.split()[1])
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def run_watched(cmd: list[str], env: dict) -> tuple[float, float, int]:
    """Run a command; wall seconds, peak resident memory of its whole process tree (MB), exit code."""
    import subprocess

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.2)
    err = proc.stderr.read() if proc.stderr else ""
    if proc.returncode:
        print(err[-2000:], file=sys.stderr)
    return time.perf_counter() - start, peak / 1024, proc.returncode


def bench_batch(tmp: Path, n: int = 100, pages: int = 30) -> dict:
    files = make_batch(tmp / "batch", n, pages)
    floor_s = extraction_floor(files)
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp / "batch-data"), "HF_HUB_OFFLINE": "1", "ASSISTANT_LLM": "none"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    cmd = [sys.executable, "-m", "assistant", "review", str(tmp / "batch"), "--summary", str(tmp / "summary.xlsx")]
    review_s, peak_mb, code = run_watched(cmd, env)
    from openpyxl import load_workbook

    rows = list(load_workbook(tmp / "summary.xlsx").active.iter_rows(values_only=True))[1:] if code == 0 else []
    errors = sum(1 for r in rows if r[11])
    floor_rate, review_rate = n / floor_s, n / review_s
    return {"batch_files": n, "batch_pages_each": pages, "floor_docs_per_s": round(floor_rate, 2),
            "review_docs_per_s": round(review_rate, 2), "review_over_floor": round(review_rate / floor_rate, 3),
            "review_wall_s": round(review_s, 1), "review_peak_rss_mb": round(peak_mb), "review_exit": code,
            "summary_rows": len(rows), "summary_errors": errors}


# ---- starts: one command in a fresh process (cold) and the same work again in a loaded process (warm) ----------

START_SCENARIO = "工程机械企业把售出设备接入平台，远程监测运行状态、预测故障并安排维修，开展远程运维服务。"


def _start_inputs(tmp: Path) -> dict[str, list[str]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    import browser  # the test helper that writes a short three-section DOCX submission

    doc = browser.make_review_docx(tmp / "申报书.docx")
    group = tmp / "group.txt"
    group.write_text("GB/T 39116—2020\nGB/T 39117—2020\nGB/T 37393—2019\nGB/T 41996—2022\nGB/T 25485—2010\n",
                     encoding="utf-8")
    case = tmp / "case.txt"
    case.write_text(browser.EDITOR_SAMPLE, encoding="utf-8")
    return {"review": ["review", str(doc)], "search": ["search", "数字化车间 设备联网"],
            "suggest": ["suggest", START_SCENARIO], "check-group": ["check-group", str(group)],
            "polish": ["polish", str(case)]}


def bench_starts(data_dir: Path, tmp: Path, repeat: int = 3) -> dict:
    """Cold: `python -m assistant CMD` in a new process on a built index (median of `repeat`). Warm: the same
    command's core call again inside one process that has already run it once (median of `repeat`)."""
    import subprocess

    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    root = Path(__file__).resolve().parent.parent
    inputs = _start_inputs(tmp)
    subprocess.run([sys.executable, "-m", "assistant", *inputs["search"]], env=env, cwd=root, capture_output=True)
    out = {}
    for name, args in inputs.items():
        cold = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "assistant", *args], env=env, cwd=root, capture_output=True)
            cold.append(time.perf_counter() - start)
        out[name] = {"cold_s": round(statistics.median(cold), 2)}
    ctx = Context(get_settings(data_dir=data_dir))
    warm_calls = _warm_calls(ctx, inputs)
    for name, call in warm_calls.items():
        call()
        out[name]["warm_s"] = round(statistics.median(timed(call, repeat)) / 1000, 3)
    return out


def _warm_calls(ctx: Context, inputs: dict[str, list[str]]) -> dict:
    from assistant.polish import polish_file
    from assistant.review import review_file
    from assistant.standards import check_group
    from assistant.suggest import load_group_file, suggest_group

    rules = ctx.corpus.plan.group_rules
    return {
        "review": lambda: review_file(ctx, Path(inputs["review"][1])),
        "search": lambda: ctx.retriever().search(inputs["search"][1], k=10),
        "suggest": lambda: suggest_group(ctx, START_SCENARIO),
        "check-group": lambda: check_group(load_group_file(Path(inputs["check-group"][1])), ctx.corpus.catalog,
                                           rules.min_count, rules.max_count),
        "polish": lambda: polish_file(ctx, Path(inputs["polish"][1])),
    }


def markdown(result: dict) -> str:
    r = result
    lines = [f"Measured {r['date']} on {r['machine']} (`python evals/bench.py`).", "",
             "| measure | value |", "|---|---|"]
    for key, value in {**r.get("timings", {}), **r.get("batch", {})}.items():
        lines.append(f"| {key} | {value} |")
    if "retrieval" in r:
        lines += ["", "| retrieval (20 eval queries) | recall@10 | MRR |", "|---|---|---|"]
        for mode, m in r["retrieval"].items():
            lines.append(f"| {mode} | {m['recall@10']} | {m['mrr']} |")
    if r.get("models"):
        lines += ["", "| embedding model | dense recall@10 | dense MRR | hybrid recall@10 | hybrid MRR | load + index s |",
                  "|---|---|---|---|---|---|"]
    for name, m in r.get("models", {}).items():
        lines.append(f"| {name} | {m['dense_recall@10']} | {m['dense_mrr']} | {m['hybrid_recall@10']} | "
                     f"{m['hybrid_mrr']} | {m['load_and_index_s']} |")
    if r.get("starts"):
        lines += ["", "| command (3-page DOCX review, short query) | cold start s (median of 3) | warm s (median of 3) |",
                  "|---|---|---|"]
        lines += [f"| {name} | {m['cold_s']} | {m.get('warm_s', '')} |" for name, m in r["starts"].items()]
    return "\n".join(lines)


def _machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="evals/out/bench.json")
    parser.add_argument("--skip-models", action="store_true", help="skip the per-model comparison")
    parser.add_argument("--batch-only", action="store_true", help="only the batch review vs extraction floor")
    parser.add_argument("--batch-n", type=int, default=100)
    parser.add_argument("--batch-pages", type=int, default=30)
    parser.add_argument("--reliability-only", action="store_true", help="only the hostile-input section (issue 20)")
    parser.add_argument("--starts-only", action="store_true", help="only the cold/warm start section")
    args = parser.parse_args()
    machine = _machine()
    if args.batch_only or args.starts_only:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            result = {"date": date.today().isoformat(), "machine": machine}
            if args.batch_only:
                result["batch"] = bench_batch(tmp, args.batch_n, args.batch_pages)
            if args.starts_only:
                data = tmp / "data"
                build_index(get_settings(data_dir=data), load_embedder())
                result["starts"] = bench_starts(data, tmp)
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        print(markdown(result))
        return
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        ctx = Context(get_settings(data_dir=tmp / "data"))
        if args.reliability_only:
            print(json.dumps(bench_reliability(ctx, tmp), indent=2))
            return
        timings = bench_index(ctx)
        timings.update(bench_search(ctx))
        timings.update(bench_suggest(ctx))
        timings.update(bench_review(ctx, tmp))
        timings.update(bench_reliability(ctx, tmp))
        retrieval = bench_retrieval(ctx)
        # Measured before the model comparison, which loads torch for the sentence-transformers model.
        timings["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        models = {} if args.skip_models else bench_models(tmp)
        batch = bench_batch(tmp, args.batch_n, args.batch_pages)
        starts = bench_starts(ctx.settings.data_dir, tmp)
    result = {"date": date.today().isoformat(), "machine": machine, "timings": timings, "batch": batch,
              "retrieval": retrieval, "models": models, "starts": starts}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
