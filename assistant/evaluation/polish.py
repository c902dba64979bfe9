"""Polish eval: are planted problems found, and clean write-ups clean? Two case files, scored the same way.

Regression cases (evals/polish.yaml) are recipes: `sections: [{heading, paragraphs: [str | {text, repeat}]}]` (plus
optional `preamble: [...]`) and `planted: [{rule, section}]`. In paragraphs, `[[GB/T 41996]]` expands to the
catalog's house form 《标题》（GB/T 41996—2022）, so recipes stay valid when a title is corrected in the catalog.
- detection_rate: planted problems found (an issue with the same rule and section) / planted problems.
- false_positive_rate: issues reported on clean cases (no `planted`) / number of clean cases.
- spurious_issue_rate: issues on planted cases that match no planted (rule, section) / planted cases.

Entry cases (evals/polish_dev.yaml, evals/polish_heldout.yaml, written apart from the rules) are whole entries:
`{id, text, planted: [{kind, match}], clean: bool}`. A planted problem is found when an issue reports that kind
(`issue.kinds`) at that place: `match` lies in the issue's sentence or quote, or the quote lies in `match`.
Metrics per file (prefix dev_ / heldout_):
- detection_rate: planted problems found / planted problems.
- detection_any_wording_category: the same, a wording problem found under any wording category.
- false_positive_rate: clean entries with at least one finding of an eval kind / clean entries.
- clean_issue_rate: clean entries with any finding at all (house form, glossary…) / clean entries.
- spurious_rate: findings of an eval kind on planted entries that match no planted problem / planted entries.
Held-out misses are counted but never listed: what they are must not steer the rules.

The LLM rewrite is never called, so scores are deterministic.
"""
from __future__ import annotations

import re

from assistant.context import Context
from assistant.evaluation import TaskResult, load_cases
from assistant.standards import Catalog

_CITE = re.compile(r"\[\[([^\[\]]+)\]\]")
EVAL_KINDS = {"number_form", "wrong_year", "replaced_edition", "unknown_number", "figure_conflict",
              "figure_no_baseline", "figure_no_unit", "missing_section"}
ENTRY_FILES = {"dev": "polish_dev", "heldout": "polish_heldout", "dev2": "polish_dev2",
               "dev3": "polish_dev3", "dev4": "polish_dev4", "dev5": "polish_dev5",
               "dev6": "polish_dev6", "dev7": "polish_dev7", "dev8": "polish_dev8", "dev9": "polish_dev9",
               "dev10": "polish_dev10"}  # dev2-dev10: scored, not in the baseline


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
    """The regression recipes, plus the dev and held-out entry files when they exist."""
    result = run_recipes(ctx, cases)
    for name, task in ENTRY_FILES.items():
        entries = load_cases(task)
        if not entries:
            continue
        scored = run_entries(ctx, entries, list_failures=name != "heldout")
        result.metrics.update({f"{name}_{k}": v for k, v in scored.metrics.items()})
        result.failures += [f"[{name}] {f}" for f in scored.failures]
        result.cases += scored.cases
    return result


def run_recipes(ctx: Context, cases: list[dict]) -> TaskResult:
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
            failures += [f"{case['id']}：误报 {i.rule}（{i.location}）：{i.message}" for i in result.issues]
            continue
        planted_cases += 1
        planted_total += len(planted)
        for rule, section in planted:
            if (rule, section) in got:
                found_total += 1
            else:
                failures.append(f"{case['id']}：漏报 {rule}（{section}）")
        extra = [i for i in result.issues if (i.rule, i.section) not in set(planted)]
        spurious += len(extra)
        failures += [f"{case['id']}: unplanted {i.rule} @ {i.location}: {i.message}" for i in extra]
    return TaskResult(task="polish", cases=len(cases), failures=failures, metrics={
        "detection_rate": found_total / planted_total if planted_total else 1.0,
        "false_positive_rate": clean_issues / clean_cases if clean_cases else 0.0,
        "spurious_issue_rate": spurious / planted_cases if planted_cases else 0.0,
    })


def is_eval_kind(kind: str) -> bool:
    return kind in EVAL_KINDS or kind.startswith("wording:")


def matches(issue, planted: dict, any_wording: bool = False) -> bool:
    """Does `issue` report the planted problem: same kind, at the place `match` names? With any_wording, a
    wording problem counts as found under any wording category (the case file calls categories a judgment)."""
    kinds = issue.kinds
    if any_wording and planted["kind"].startswith("wording:"):
        kinds = [k if not k.startswith("wording:") else planted["kind"] for k in kinds]
    if planted["kind"] not in kinds:
        return False
    where = str(planted.get("match", ""))
    if not where:
        return True
    flat = re.sub(r"\s+", "", where)
    texts = [re.sub(r"\s+", "", t) for t in (issue.context, issue.quote) if t]
    quote = re.sub(r"\s+", "", issue.quote)
    return any(flat in t for t in texts) or bool(quote and quote in flat)


def run_entries(ctx: Context, cases: list[dict], list_failures: bool = True) -> TaskResult:
    """Score entry cases; with list_failures=False (held-out) only the counts are kept."""
    from assistant.polish import check_text

    planted_total = found_total = found_any_wording = 0
    clean = clean_flagged = clean_any = 0
    planted_cases = spurious = 0
    failures: list[str] = []
    for case in cases:
        issues = check_text(ctx, str(case["text"]), str(case["id"])).issues
        judged = [i for i in issues if any(is_eval_kind(k) for k in i.kinds)]
        planted = case.get("planted") or []
        if case.get("clean") or not planted:
            clean += 1
            clean_flagged += bool(judged)
            clean_any += bool(issues)
            failures += [f"{case['id']}：误报 {'/'.join(i.kinds)}：{i.message}" for i in judged]
            continue
        planted_cases += 1
        planted_total += len(planted)
        for p in planted:
            found_any_wording += any(matches(i, p, any_wording=True) for i in issues)
            if any(matches(i, p) for i in issues):
                found_total += 1
            else:
                failures.append(f"{case['id']}：漏报 {p['kind']}：“{p.get('match', '')}”")
        extra = [i for i in judged if not any(matches(i, p) for p in planted)]
        spurious += len(extra)
        failures += [f"{case['id']}: unplanted {'/'.join(i.kinds)}: {i.message}" for i in extra]
    if not list_failures:
        failures = [f"held-out 用例中有 {len(failures)} 处漏报或误报（不列出明细）"] if failures else []
    return TaskResult(task="polish", cases=len(cases), failures=failures, metrics={
        "detection_rate": found_total / planted_total if planted_total else 1.0,
        "detection_any_wording_category": found_any_wording / planted_total if planted_total else 1.0,
        "false_positive_rate": clean_flagged / clean if clean else 0.0,
        "clean_issue_rate": clean_any / clean if clean else 0.0,
        "spurious_rate": spurious / planted_cases if planted_cases else 0.0,
    })
