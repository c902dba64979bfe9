"""Measure the search relevance floor: the best dense similarity of the eval queries (evals/retrieval.yaml,
all on-topic) against off-topic queries (below), with the real model and the shipped corpus.

    python evals/relevance.py

Prints both distributions and the floor that separates them (the midpoint between the lowest on-topic best
similarity and the highest off-topic one); `assistant.retrieve.RELEVANCE_FLOOR` is set from this output.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.context import Context  # noqa: E402
from assistant.evaluation import load_cases  # noqa: E402
from assistant.settings import get_settings  # noqa: E402

# Questions a user might type into the box that the programme's corpus has nothing about.
OFF_TOPIC = [
    "红烧肉的家常做法", "明天北京会下雨吗", "世界杯足球赛冠军是谁", "股票基金怎么投资收益高", "宠物狗训练技巧",
    "云南旅游景点推荐", "今年电影票房排行", "婚礼策划流程和预算", "高考志愿填报建议", "感冒发烧吃什么药",
    "how to bake sourdough bread", "best hiking trails in the alps", "钢琴入门练习曲目", "房贷利率最新政策",
    "小学数学应用题解题方法", "古诗词鉴赏 唐诗宋词", "手机拍照构图技巧", "健身增肌饮食计划",
]


def best_similarities(ctx: Context, queries: list[str]) -> list[float]:
    retriever = ctx.retriever()
    return [max((h.similarity for h in retriever.search(q, k=10)), default=0.0) for q in queries]


def relevant_share(ctx: Context, queries: list[str]) -> float:
    retriever = ctx.retriever()
    return sum(retriever.relevant(q, retriever.search(q, k=10)) for q in queries) / len(queries)


def main() -> None:
    data = Path(os.environ.get("ASSISTANT_DATA_DIR") or tempfile.mkdtemp(prefix="relevance-"))
    ctx = Context(get_settings(data_dir=data))
    on = best_similarities(ctx, [c["query"] for c in load_cases("retrieval")])
    off = best_similarities(ctx, OFF_TOPIC)
    print(f"on-topic  (n={len(on)}): min {min(on):.3f}  median {sorted(on)[len(on) // 2]:.3f}  max {max(on):.3f}")
    print(f"off-topic (n={len(off)}): min {min(off):.3f}  median {sorted(off)[len(off) // 2]:.3f}  max {max(off):.3f}")
    print("on :", " ".join(f"{v:.3f}" for v in sorted(on)))
    print("off:", " ".join(f"{v:.3f}" for v in sorted(off)))
    print(f"floor (midpoint of the gap): {(min(on) + max(off)) / 2:.3f}" if min(on) > max(off)
          else "the distributions overlap: no floor separates them")
    print(f"judged relevant (RELEVANCE_FLOOR + number and all-words rules): eval queries "
          f"{relevant_share(ctx, [c['query'] for c in load_cases('retrieval')]):.0%}, "
          f"off-topic {relevant_share(ctx, OFF_TOPIC):.0%}")


if __name__ == "__main__":
    main()
