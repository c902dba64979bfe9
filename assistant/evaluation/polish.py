"""Polish eval: are planted problems found with the right rule in the right section, and clean write-ups clean?

A case is a recipe: `sections: [{heading, paragraphs: [str | {text, repeat}]}]` (plus optional `preamble: [...]`) and
`planted: [{rule, section}]`. In paragraphs, `[[GB/T 41996]]` expands to the catalog's house form
《标题》（GB/T 41996—2022）, so recipes stay valid when a title is corrected in the catalog.

Metrics (rule checks only; the LLM rewrite is never called, so scores are deterministic):
- detection_rate: planted problems found (an issue with the same rule and section) / planted problems.
- false_positive_rate: issues reported on clean cases (no `planted`) / number of clean cases,
  i.e. the mean number of issues per clean write-up (0 is the target).
- spurious_issue_rate: issues on planted cases that match no planted (rule, section) / planted cases.
"""
from __future__ import annotations

import re

from assistant.context import Context
from assistant.evaluation import TaskResult
from assistant.standards import Catalog

_CITE = re.compile(r"\[\[([^\[\]]+)\]\]")


def expand_citations(text: str, catalog: Catalog) -> str:
    def sub(m: re.Match) -> str:
        entry = catalog.get(m.group(1))
        if entry is None:
            raise ValueError(f"eval recipe cites {m.group(1)!r}, which is not in the catalog")
        return entry.display()

    return _CITE.sub(sub, text)


def _para(item: str | dict, catalog: Catalog) -> str:
    """A paragraph: a string, or {text, repeat} for long sections (the text repeated `repeat` times)."""
    if isinstance(item, dict):
        return expand_citations(str(item["text"]) * int(item.get("repeat", 1)), catalog)
    return expand_citations(item, catalog)


def recipe_text(case: dict, catalog: Catalog) -> str:
    """The write-up a recipe describes, as plain text (one paragraph per line, a blank line between)."""
    lines: list[str] = []
    for para in case.get("preamble", []):
        lines += [_para(para, catalog), ""]
    for sec in case.get("sections", []):
        lines += [sec["heading"], *[_para(p, catalog) for p in sec.get("paragraphs", [])], ""]
    return "\n".join(lines)


def run(ctx: Context, cases: list[dict]) -> TaskResult:
    from assistant.polish import check_text

    catalog = ctx.corpus.catalog
    planted_total = found_total = 0
    clean_cases = clean_issues = 0
    planted_cases = spurious = 0
    failures: list[str] = []
    for case in cases:
        result = check_text(ctx, recipe_text(case, catalog), case["id"])
        got = {(i.rule, i.section) for i in result.issues}
        planted = [(p["rule"], p["section"]) for p in case.get("planted", [])]
        if not planted:
            clean_cases += 1
            clean_issues += len(result.issues)
            failures += [f"{case['id']}: false positive {i.rule} @ {i.location}: {i.message}" for i in result.issues]
            continue
        planted_cases += 1
        planted_total += len(planted)
        for rule, section in planted:
            if (rule, section) in got:
                found_total += 1
            else:
                failures.append(f"{case['id']}: missed {rule} in {section}")
        extra = [i for i in result.issues if (i.rule, i.section) not in set(planted)]
        spurious += len(extra)
        failures += [f"{case['id']}: unplanted {i.rule} @ {i.location}: {i.message}" for i in extra]
    return TaskResult(task="polish", cases=len(cases), failures=failures, metrics={
        "detection_rate": found_total / planted_total if planted_total else 1.0,
        "false_positive_rate": clean_issues / clean_cases if clean_cases else 0.0,
        "spurious_issue_rate": spurious / planted_cases if planted_cases else 0.0,
    })
