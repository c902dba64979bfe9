"""The CLI end to end on the real model and a real on-disk index: JSON contracts, exit codes, one-line errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import REPO

from assistant.evaluation import load_cases
from assistant.evaluation.retrieval import relevant, score
from assistant.standards import parse_number

pytestmark = pytest.mark.integration


def run_cli(*args: str, data_dir, env: dict | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, env=full_env,
                          cwd=REPO, timeout=600, input=stdin)


def assert_one_line_error(proc: subprocess.CompletedProcess, code: int, *needles: str) -> None:
    assert proc.returncode == code, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in lines[0]


def test_retrieval_eval_on_the_real_model(real_ctx):
    result = score(real_ctx, load_cases("retrieval"))
    assert result.metrics["recall@10"] >= 0.95, result.failures
    hybrid_mrr = result.metrics["mrr"]
    assert hybrid_mrr > score(real_ctx, load_cases("retrieval"), mode="dense").metrics["mrr"]


def test_every_direction_finds_its_plan_example(real_ctx):
    """Issue 3: a paraphrased scenario of each direction brings that direction's plan example into the top 10."""
    retriever = real_ctx.retriever()
    cases = load_cases("retrieval")
    for direction in real_ctx.corpus.plan.directions:
        wanted = {parse_number(n).key for n in direction.example_standards}
        mine = [c for c in cases if not c["id"].startswith("num-") and {parse_number(e).key for e in c["expect"]} & wanted]
        assert mine, f"no paraphrased retrieval case for {direction.name}"
        for case in mine:
            hits = retriever.search(case["query"], k=10)
            for expected in case["expect"]:
                key = parse_number(expected).key
                assert any(relevant(h, key) for h in hits), f"{direction.name}: {case['id']} misses {expected}"


def test_search_json_contract(real_ctx):
    proc = run_cli("search", "卖出去的设备要远程监控和预测性维护", "-k", "5", "--json", data_dir=real_ctx.settings.data_dir)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)["results"]
    assert len(results) == 5
    assert set(results[0]) == {"id", "text", "source", "location", "label", "score"}
    assert all(".yaml" not in r["label"] and r["label"] for r in results)  # the machine fields stay beside it
    assert any("42136" in r["text"] or "40571" in r["text"] for r in results)


def test_index_json_reports_reuse(real_ctx):
    proc = run_cli("index", "--json", data_dir=real_ctx.settings.data_dir)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["embedded"] == 0 and report["reused"] == report["chunks"] > 200
    assert report["model"] == real_ctx.embedder.name


def test_bad_inputs_exit_2_with_one_line(real_ctx, tmp_path):
    data_dir = real_ctx.settings.data_dir
    assert_one_line_error(run_cli("index", str(tmp_path / "nope.pdf"), data_dir=data_dir), 2, "nope.pdf", "文件不存在")
    fake = tmp_path / "fake.pdf"
    fake.write_text("not a pdf")
    assert_one_line_error(run_cli("index", str(fake), data_dir=data_dir), 2, "fake.pdf")
    assert_one_line_error(run_cli("search", "  ", data_dir=data_dir), 2, "查询为空")
    assert_one_line_error(run_cli("search", "远程运维", "-k", "0", data_dir=data_dir), 2, "-k")


def test_bad_configuration_is_one_line(tmp_path):
    proc = run_cli("search", "x", data_dir=tmp_path, env={"ASSISTANT_LLM": "gpt5000"})
    assert_one_line_error(proc, 2, "ASSISTANT_LLM")
