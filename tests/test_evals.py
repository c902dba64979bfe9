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


def test_growth_judgements_extend_a_case_and_never_change_it():
    """The blind judgements of entries added after a case was written (evals/suggest_catalog_growth.yaml) name
    only held-back or catalog entries and existing case ids, and add to a case's lists without editing it."""
    import yaml

    from assistant.evaluation.suggest import _key, load_growth_judgements, with_growth_judgements

    growth = load_growth_judgements()
    ids = {c["id"] for split in ("dev", "heldout") for c in load_cases(f"suggest_{split}")}
    assert growth and set(growth) <= ids
    root = evals_dir().parent / "corpus" / "standards"
    known = {_key(s["number"]) for f in ("catalog.yaml", "candidates.yaml")
             for s in yaml.safe_load((root / f).read_text(encoding="utf-8"))["standards"]}
    named = {k for j in growth.values() for k in [*(j.get("acceptable") or []), *(j.get("must_exclude") or [])]}
    assert named and named <= known, sorted(named - known)
    case = {"id": "x", "acceptable": ["GB/T 1"], "must_exclude": []}
    out = with_growth_judgements([case], {"x": {"acceptable": ["GB/T 2"], "must_exclude": ["GB/T 3"]}})[0]
    assert out["acceptable"] == ["GB/T 1", "GB/T 2"] and out["must_exclude"] == ["GB/T 3"]
    assert case == {"id": "x", "acceptable": ["GB/T 1"], "must_exclude": []}


def test_the_text_report_says_how_many_failures_it_left_out():
    """A reader of `assistant eval` must not take the failure lines for all of them (two dev failures were hidden
    behind a silent cut at ten)."""
    from assistant.evaluation import EvalReport, TaskResult, render_eval

    report = EvalReport(tasks=[TaskResult(task="x", cases=30, failures=[f"case {i}" for i in range(25)], metrics={})])
    text = render_eval(report)
    assert "case 19" in text and "case 20" not in text and "另有 5 条未列出" in text
