"""Review eval: generate each recipe document, review it offline, score verdicts and citation checks.

Two sets of cases:
- evals/review.yaml (regression, issue 5): recipes built by assistant/evaluation/docgen.py;
- evals/review_dev.yaml and evals/review_heldout.yaml (issue 16): cases written apart from the rules, built by
  evals/review_docgen.py (`build(case, out_dir) -> Path`), each with its stage. Scored separately, with the
  metrics prefixed dev_ / heldout_; the held-out file is scored, never read to choose rules.

Metrics: requirement_accuracy (verdicts equal to the expected ones, over all requirements of all cases),
citation_precision / citation_recall (a found citation is correct when its normalized number and status match
an expected one, counted as a multiset per case), group_accuracy (count and national core, cases that expect a
group); for the independent sets also missing_should_be_unreadable_violations (a "missing" where 无法判断 was
expected: must be 0), unreadable_pages_accuracy (cases whose unreadable pages are exactly the expected ones) and
error_rate (cases the review refused; each is counted as all its verdicts wrong).
"""
from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from assistant.context import Context
from assistant.evaluation import TaskResult, held_out
from assistant.evaluation.docgen import from_recipe
from assistant.errors import AssistantError
from assistant.review import review_file

# dev2-dev12: later development sets, scored, not in the baseline; heldout2, heldout3: further held-out halves
# (2026-12-04, 2026-12-06)
SPLITS = ("dev", "heldout", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "dev9", "heldout2", "dev10", "dev11",
          "dev12", "heldout3")


def _citation_pairs(items) -> list[tuple[str, str]]:
    """Citations as [number, status] pairs or {text|number, status} mappings (the shared eval shape); a number
    as written is compared in its normalised form."""
    from assistant.standards import find_numbers

    out = []
    for item in items or []:
        text, status = ((item.get("normalized") or item.get("number") or item.get("text")), item["status"]) \
            if isinstance(item, dict) else (item[0], item[1])
        found = find_numbers(str(text))
        out.append((found[0][0].normalized if found else str(text), str(status)))
    return out


def score_case(case: dict, result, distinct_citations: bool = False) -> dict:
    expect = case.get("expect", {})
    want = {int(k): v for k, v in (expect.get("requirements") or {}).items()}
    got = {r.id: r.status for r in result.requirements}
    # accept_unreadable: the text layer could be repaired; 无法判断 is acceptable there too (never "missing").
    tolerated = {"unreadable"} if expect.get("accept_unreadable") else set()
    wrong = [f"要求{i}：{got.get(i)}（应为 {s}）" for i, s in sorted(want.items())
             if got.get(i) != s and got.get(i) not in tolerated]
    should_be_unreadable = sum(1 for i, s in want.items() if s == "unreadable" and got.get(i) == "missing")
    pages_ok = None
    # accept_unreadable: the layer can be repaired, so reading it right (no page reported) and reporting the
    # listed pages are both right (the case files' convention).
    if "unreadable_pages" in expect and not expect.get("accept_unreadable"):
        pages_ok = sorted(int(p) for p in expect["unreadable_pages"] or []) == \
            sorted(p.page or 0 for p in result.unreadable_pages)
    expected = Counter(_citation_pairs(expect.get("citations")))
    found = Counter((c.normalized, c.status) for c in result.citations)
    if distinct_citations:  # the independent cases list each number once, as every number the document cites
        expected, found = Counter(set(expected)), Counter(set(found))
    matched = sum((expected & found).values())
    group_ok = None
    if "group" in expect:
        g = result.standard_group
        group_ok = g.count == expect["group"]["count"] and g.has_national_core == expect["group"]["has_national_core"]
    citation_notes = []
    if found - expected:
        citation_notes.append(f"多出的引用 {sorted((found - expected).elements())}")
    if expected - found:
        citation_notes.append(f"漏掉的引用 {sorted((expected - found).elements())}")
    return {"req_total": len(want), "req_right": len(want) - len(wrong), "wrong": wrong, "cit_expected": sum(expected.values()),
            "cit_found": sum(found.values()), "cit_matched": matched, "citation_notes": citation_notes, "group_ok": group_ok,
            "should_be_unreadable": should_be_unreadable, "pages_ok": pages_ok}


def run_regression(ctx: Context, cases: list[dict]) -> TaskResult:
    return score_cases(ctx, cases, lambda case, tmp: from_recipe(case, tmp, name=str(case["id"])))


def run(ctx: Context, cases: list[dict]) -> TaskResult:
    """The regression set, then each independent split present (metrics prefixed by the split's name)."""
    result = run_regression(ctx, cases)
    for split in SPLITS:
        split_cases = load_split(split)
        if not split_cases:
            continue
        scored = score_cases(ctx, split_cases, independent_builder(), independent=True)
        result.metrics.update({f"{split}_{k}": v for k, v in scored.metrics.items()})
        result.metrics[f"{split}_cases"] = float(scored.cases)
        if held_out(split):  # counted, never listed: the held-out half must not steer the rules
            if scored.failures:
                result.failures.append(f"[{split}] {scored.cases} 个用例中有 {len(scored.failures)} 个不完全正确"
                                       "（不列出明细）")
        else:
            result.failures += [f"[{split}] {f}" for f in scored.failures]
    return result


def load_split(split: str) -> list[dict]:
    from assistant.evaluation import load_cases

    return load_cases(f"review_{split}")


def independent_builder():
    """evals/review_docgen.py's build(case, out_dir), loaded from its file (evals/ is not a package)."""
    import importlib.util

    from assistant.evaluation import evals_dir

    path = evals_dir() / "review_docgen.py"
    spec = importlib.util.spec_from_file_location("review_docgen", path)
    if spec is None or spec.loader is None:
        raise AssistantError(f"{path}: 找不到评审用例生成器 review_docgen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return lambda case, tmp: module.build(case, tmp)


def score_cases(ctx: Context, cases: list[dict], build, independent: bool = False) -> TaskResult:
    totals = Counter()
    groups: list[bool] = []
    pages: list[bool] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="review-eval-") as tmp:
        for case in cases:
            case_dir = Path(tmp) / str(case["id"])
            case_dir.mkdir(parents=True, exist_ok=True)
            try:
                result = review_file(ctx, build(case, case_dir), case.get("stage", "acceptance"))
            except AssistantError as exc:  # a refused case counts as all its verdicts wrong
                want = case.get("expect", {}).get("requirements") or {}
                totals["req_total"] += len(want)
                totals["errors"] += 1
                failures.append(f"{case['id']}：出错：{str(exc).splitlines()[0][:120]}")
                continue
            s = score_case(case, result, distinct_citations=independent)
            for key in ("req_total", "req_right", "cit_expected", "cit_found", "cit_matched", "should_be_unreadable"):
                totals[key] += s[key]
            if s["group_ok"] is not None:
                groups.append(s["group_ok"])
            if s["pages_ok"] is not None:
                pages.append(s["pages_ok"])
            problems = s["wrong"] + s["citation_notes"] + (["标准群判断有误"] if s["group_ok"] is False else []) + \
                (["无法读取的页判断有误"] if s["pages_ok"] is False else [])
            if problems:
                failures.append(f"{case['id']}：" + "；".join(problems))
    metrics = {
        "requirement_accuracy": totals["req_right"] / max(totals["req_total"], 1),
        "citation_precision": totals["cit_matched"] / totals["cit_found"] if totals["cit_found"] else 1.0,
        "citation_recall": totals["cit_matched"] / totals["cit_expected"] if totals["cit_expected"] else 1.0,
    }
    if groups:
        metrics["group_accuracy"] = sum(groups) / len(groups)
    if independent:
        # Named *_violations / *_rate so the baseline comparison knows lower is better.
        metrics["missing_should_be_unreadable_violations"] = float(totals["should_be_unreadable"])
        metrics["error_rate"] = totals["errors"] / max(len(cases), 1)
        if pages:
            metrics["unreadable_pages_accuracy"] = sum(pages) / len(pages)
    return TaskResult(task="review", cases=len(cases), metrics=metrics, failures=failures)
