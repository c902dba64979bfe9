"""Suggest eval: right direction, the must-include standards in the group, no must-exclude (off-industry)
standard, and the plan's rules always held."""
from __future__ import annotations

from assistant.context import Context
from assistant.evaluation import TaskResult
from assistant.standards import parse_number


def _key(number: str) -> str:
    parsed = parse_number(number)
    return parsed.key if parsed else number


def run(ctx: Context, cases: list[dict]) -> TaskResult:
    from assistant.suggest import suggest_group

    right = violating = excluded_hits = 0
    recalls, failures = [], []
    for case in cases:
        result = suggest_group(ctx, case["scenario"])
        got = {_key(s.number) for s in result.standards}
        want = [_key(n) for n in case.get("must_include", [])]
        missing = [k for k in want if k not in got]
        recalls.append(1 - len(missing) / len(want) if want else 1.0)
        if result.direction == case["direction"]:
            right += 1
        else:
            failures.append(f"{case['id']}: direction {result.direction} (expected {case['direction']})")
        if missing:
            failures.append(f"{case['id']}: missing {missing}")
        unwanted = [k for k in (_key(n) for n in case.get("must_exclude", [])) if k in got]
        if unwanted:
            excluded_hits += 1
            failures.append(f"{case['id']}: off-scenario standards {unwanted}")
        if result.checks.violations:
            violating += 1
            failures.append(f"{case['id']}: violations {result.checks.violations}")
    n = max(len(cases), 1)
    return TaskResult(task="suggest", cases=len(cases), failures=failures, metrics={
        "direction_accuracy": right / n, "must_include_recall": sum(recalls) / n, "rule_violation_rate": violating / n,
        "must_exclude_violation_rate": excluded_hits / n})
