"""Retrieval eval: does hybrid (or dense/BM25-only) search put the expected standards in the top k?"""
from __future__ import annotations

from assistant.context import Context
from assistant.evaluation import TaskResult
from assistant.retrieve import Hit, Mode
from assistant.standards import number_keys, parse_number

K = 10


def relevant(hit: Hit, key: str) -> bool:
    """A hit is relevant to a standard when it is its catalog entry or a passage that cites it.

    A series (GB/T 42383) is matched by any of its parts (GB/T 42383.1) too.
    """
    cited = number_keys(hit.location) + number_keys(hit.text)
    return any(c == key or c.startswith(key + ".") for c in cited)


def score(ctx: Context, cases: list[dict], mode: Mode = "hybrid", k: int = K) -> TaskResult:
    retriever = ctx.retriever()
    recalls, rr, failures = [], [], []
    for case in cases:
        hits = retriever.search(case["query"], k=k, doc_types=case.get("types"), mode=mode)
        keys = [parse_number(n).key for n in case["expect"]]  # type: ignore[union-attr]
        found = [key for key in keys if any(relevant(h, key) for h in hits)]
        recalls.append(len(found) / len(keys))
        first = next((i for i, h in enumerate(hits, 1) if any(relevant(h, key) for key in keys)), None)
        rr.append(1.0 / first if first else 0.0)
        if len(found) < len(keys):
            failures.append(f"{case['id']}：未检索到 {sorted(set(keys) - set(found))}")
    n = max(len(cases), 1)
    return TaskResult(task="retrieval", cases=len(cases),
                      metrics={f"recall@{k}": sum(recalls) / n, "mrr": sum(rr) / n}, failures=failures)


def run(ctx: Context, cases: list[dict]) -> TaskResult:
    return score(ctx, cases)
