"""The regression eval: passes against the stored baseline on main, fails when a chain is broken."""
from __future__ import annotations

import json

import pytest
from test_cli import run_cli

from assistant import retrieve, standards
from assistant.evaluation import TASKS, compare, evals_dir, load_cases, run_evals

pytestmark = pytest.mark.integration
BASELINE = evals_dir() / "baseline.json"


def test_eval_set_is_large_enough_and_every_task_has_a_baseline():
    counts = {task: len(load_cases(task)) for task in TASKS}
    assert sum(counts.values()) >= 60, counts
    assert counts["suggest"] >= 18 and counts["review"] >= 12
    assert set(json.loads(BASELINE.read_text(encoding="utf-8"))) == set(TASKS)


def test_cli_eval_passes_against_the_baseline(real_ctx):
    proc = run_cli("eval", "--baseline", str(BASELINE), "--json", data_dir=real_ctx.settings.data_dir)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    report = json.loads(proc.stdout)
    assert report["regressions"] == [] and {t["task"] for t in report["tasks"]} == set(TASKS)


def test_a_broken_citation_check_fails_the_eval(real_ctx, monkeypatch):
    monkeypatch.setattr(standards, "check_number", lambda catalog, number, title: ("ok", None))
    report = run_evals(real_ctx, task="review", baseline=BASELINE)
    assert not report.passed
    assert any(r.startswith("review.citation_") for r in report.regressions)


def test_a_broken_fusion_fails_the_eval(real_ctx, monkeypatch):
    monkeypatch.setattr(retrieve, "fuse", lambda rankings, k=60: {i: 1.0 for r in rankings for i in reversed(r)})
    report = run_evals(real_ctx, task="retrieval", baseline=BASELINE)
    assert not report.passed and any(r.startswith("retrieval.") for r in report.regressions)


def test_lower_is_better_metrics_regress_upwards():
    from assistant.evaluation import TaskResult

    result = TaskResult(task="draft", cases=1, metrics={"invalid_number_rate": 0.1, "section_coverage": 1.0})
    assert compare([result], {"draft": {"invalid_number_rate": 0.0, "section_coverage": 1.0}}) == [
        "draft.invalid_number_rate：0.100（基线 0.000）"]
    assert compare([result], {"draft": {"invalid_number_rate": 0.2, "section_coverage": 0.9}}) == []
