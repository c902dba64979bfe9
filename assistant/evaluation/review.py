"""Review eval: generate each recipe document, review it offline, score verdicts and citation checks.

Metrics: requirement_accuracy (verdicts equal to the expected ones, over all requirements of all cases),
citation_precision / citation_recall (a found citation is correct when its normalized number and status match
an expected one, counted as a multiset per case), group_accuracy (count and national core, cases that expect a
group).
"""
from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from assistant.context import Context
from assistant.evaluation import TaskResult
from assistant.evaluation.docgen import from_recipe
from assistant.review import review_file


def score_case(case: dict, result) -> dict:
    expect = case.get("expect", {})
    want = {int(k): v for k, v in (expect.get("requirements") or {}).items()}
    got = {r.id: r.status for r in result.requirements}
    wrong = [f"要求{i}: {got.get(i)} (expected {s})" for i, s in sorted(want.items()) if got.get(i) != s]
    expected = Counter((n, s) for n, s in expect.get("citations", []))
    found = Counter((c.normalized, c.status) for c in result.citations)
    matched = sum((expected & found).values())
    group_ok = None
    if "group" in expect:
        g = result.standard_group
        group_ok = g.count == expect["group"]["count"] and g.has_national_core == expect["group"]["has_national_core"]
    citation_notes = []
    if found - expected:
        citation_notes.append(f"unexpected {sorted((found - expected).elements())}")
    if expected - found:
        citation_notes.append(f"missed {sorted((expected - found).elements())}")
    return {"req_total": len(want), "req_right": len(want) - len(wrong), "wrong": wrong, "cit_expected": sum(expected.values()),
            "cit_found": sum(found.values()), "cit_matched": matched, "citation_notes": citation_notes, "group_ok": group_ok}


def run(ctx: Context, cases: list[dict]) -> TaskResult:
    totals = Counter()
    groups: list[bool] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="review-eval-") as tmp:
        for case in cases:
            path = from_recipe(case, Path(tmp), name=str(case["id"]))
            s = score_case(case, review_file(ctx, path))
            for key in ("req_total", "req_right", "cit_expected", "cit_found", "cit_matched"):
                totals[key] += s[key]
            if s["group_ok"] is not None:
                groups.append(s["group_ok"])
            problems = s["wrong"] + s["citation_notes"] + (["group wrong"] if s["group_ok"] is False else [])
            if problems:
                failures.append(f"{case['id']}: " + "; ".join(problems))
    metrics = {
        "requirement_accuracy": totals["req_right"] / max(totals["req_total"], 1),
        "citation_precision": totals["cit_matched"] / totals["cit_found"] if totals["cit_found"] else 1.0,
        "citation_recall": totals["cit_matched"] / totals["cit_expected"] if totals["cit_expected"] else 1.0,
    }
    if groups:
        metrics["group_accuracy"] = sum(groups) / len(groups)
    return TaskResult(task="review", cases=len(cases), metrics=metrics, failures=failures)
