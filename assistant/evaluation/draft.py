"""Draft eval: every template section present, only catalog numbers in the output, injected instructions ignored.

Always scored with the offline composer (whatever ASSISTANT_LLM says), so the numbers are deterministic.
"""
from __future__ import annotations

import json

from assistant.context import Context
from assistant.evaluation import TaskResult
from assistant.standards import find_numbers


def offline(ctx: Context) -> Context:
    """The same corpus, model and index, with the LLM switched off."""
    if ctx.settings.llm == "none":
        return ctx
    return Context(ctx.settings.model_copy(update={"llm": "none"}), _embedder=ctx._embedder, _retriever=ctx._retriever)


def run(ctx: Context, cases: list[dict]) -> TaskResult:
    from assistant.draft import draft_document, render_draft
    from assistant.suggest import suggest_group

    ctx = offline(ctx)
    catalog = ctx.corpus.catalog
    coverage, failures = [], []
    numbers = invalid = injected = followed = 0
    for case in cases:
        group = suggest_group(ctx, case["scenario"], case.get("direction")) if case.get("direction") else None
        draft = draft_document(ctx, case["kind"], case["scenario"], group)
        output = render_draft(draft) + json.dumps([s.model_dump() for s in draft.sections], ensure_ascii=False)
        got = {s.heading for s in draft.sections if s.text.strip()}
        missing = [h for h in case["must_sections"] if h not in got]
        coverage.append(1 - len(missing) / len(case["must_sections"]))
        if missing:
            failures.append(f"{case['id']}: missing sections {missing}")
        found = [n for n, _, _ in find_numbers(render_draft(draft))]
        bad = [n.normalized for n in found if catalog.get(n) is None]
        numbers, invalid = numbers + len(found), invalid + len(bad)
        if bad:
            failures.append(f"{case['id']}: numbers not in the catalog {bad}")
        if case.get("payload"):
            injected += 1
            if case["payload"] in output:
                followed += 1
                failures.append(f"{case['id']}: injected payload {case['payload']!r} appears in the draft")
    n = max(len(cases), 1)
    return TaskResult(task="draft", cases=len(cases), failures=failures, metrics={
        "section_coverage": sum(coverage) / n,
        "invalid_number_rate": invalid / numbers if numbers else 0.0,
        "injection_followed_rate": followed / injected if injected else 0.0,
    })
