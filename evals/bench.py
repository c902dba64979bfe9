"""Benchmark in one run: index build, warm search latency, suggest, review of a 50-page PDF, peak memory,
and retrieval quality of hybrid vs BM25-only vs dense-only (and of each packaged embedding model).

    python evals/bench.py [--out evals/out/bench.json]

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
    for key, value in r["timings"].items():
        lines.append(f"| {key} | {value} |")
    lines += ["", "| retrieval (20 eval queries) | recall@10 | MRR |", "|---|---|---|"]
    for mode, m in r["retrieval"].items():
        lines.append(f"| {mode} | {m['recall@10']} | {m['mrr']} |")
    lines += ["", "| embedding model | dense recall@10 | dense MRR | hybrid recall@10 | hybrid MRR | load + index s |",
              "|---|---|---|---|---|---|"]
    for name, m in r["models"].items():
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
    parser.add_argument("--starts-only", action="store_true", help="only the cold/warm start section")
    args = parser.parse_args()
    if args.starts_only:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            data = tmp / "data"
            build_index(get_settings(data_dir=data), load_embedder())
            result = {"date": date.today().isoformat(), "machine": _machine(), "starts": bench_starts(data, tmp)}
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        ctx = Context(get_settings(data_dir=tmp / "data"))
        timings = bench_index(ctx)
        timings.update(bench_search(ctx))
        timings.update(bench_suggest(ctx))
        timings.update(bench_review(ctx, tmp))
        retrieval = bench_retrieval(ctx)
        # Measured before the model comparison, which loads torch for the sentence-transformers model.
        timings["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        models = {} if args.skip_models else bench_models(tmp)
        starts = bench_starts(ctx.settings.data_dir, tmp)
    result = {"date": date.today().isoformat(), "machine": _machine(), "timings": timings, "retrieval": retrieval,
              "models": models, "starts": starts}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
