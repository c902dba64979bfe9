"""Text matching: weighted terms of directions and catalog entries found in a scenario."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.standards import Standard
from assistant.textnorm import normalize
from assistant.tokenize import tokenize

QUERY_CHARS = 1500  # embedding models truncate long inputs anyway; the opening states the scenario
PARTIAL = 0.25  # a sub-word (计划 of 协同计划) is weak evidence: it is often used in another sense

# ---- text matching -----------------------------------------------------------------------------------

# Words too common in titles, scopes and scenarios to say what a scenario is about.
GENERIC = {
    "智能", "制造", "智能制造", "系统", "技术", "要求", "通用", "管理", "信息", "部分", "工业", "数据", "平台", "模型",
    "指南", "规范", "参考", "应用", "服务", "企业", "产品", "生产", "标准", "建设", "能力", "方法", "架构", "体系",
    "功能", "总则", "术语", "定义", "一般", "实施", "水平", "提升", "推动", "开展", "围绕", "以及", "方式", "行业",
    "场景", "环节", "整体", "完善", "相关", "形成", "模式", "提高", "我们", "公司", "希望", "需要", "实现", "进行",
    "问题", "使", "等", "领域", "典型", "推进", "新型", "部署", "研发",
}
_ASCII = re.compile(r"^[a-z0-9 .+\-]+$")


def _norm(text: str) -> str:
    return normalize(text).lower()


def _words(text: str) -> list[str]:
    """Meaningful sub-words of a term or title (search-mode jieba, two characters or more, not generic)."""
    return [t for t in dict.fromkeys(tokenize(text)) if len(t) >= 2 and t not in GENERIC and not t.isdigit()]


def _present(term: str, text: str, tokens: set[str]) -> bool:
    t = _norm(term)
    if len(t) < 2:
        return t in tokens  # one character (云) only as a whole word, not inside 云南
    if _ASCII.match(t):
        return re.search(rf"(?<![a-z0-9]){re.escape(t)}(?![a-z0-9])", text) is not None  # AI not inside email
    return t in text


@dataclass
class TermIndex:
    """Weighted terms per document (a direction or a catalog entry); a term many documents share weighs less.

    Whole terms (curated keywords, title words) match as substrings of the scenario; their sub-words match
    scenario words at a quarter weight, so 发现故障 still counts a little for 故障预警.
    """

    full: dict[str, dict[str, float]]
    partial: dict[str, dict[str, float]]

    @classmethod
    def build(cls, docs: dict[str, list[str]], extra: dict[str, dict[str, float]] | None = None) -> "TermIndex":
        df: dict[str, int] = {}
        sub_df: dict[str, int] = {}
        subs = {d: {w for t in terms for w in _words(t)} for d, terms in docs.items()}
        for d, terms in docs.items():
            for t in set(terms):
                df[t] = df.get(t, 0) + 1
            for w in subs[d]:
                sub_df[w] = sub_df.get(w, 0) + 1
        idf = lambda n: 1.0 / (1.0 + math.log(n))  # noqa: E731
        full = {d: {t: idf(df[t]) for t in terms if _norm(t) not in GENERIC} for d, terms in docs.items()}
        for d, more in (extra or {}).items():
            for t, w in more.items():
                full[d].setdefault(t, w)
        partial = {d: {w: PARTIAL * idf(sub_df[w]) for w in subs[d] if w not in full[d]} for d in docs}
        return cls(full, partial)

    def match(self, doc: str, text: str, tokens: set[str]) -> tuple[list[str], list[str], float]:
        """Whole terms matched (longest first; one inside a longer match counts once), sub-words matched, weight."""
        found = [t for t in self.full[doc] if _present(t, text, tokens)]
        found = [t for t in found if not any(t != o and _norm(t) in _norm(o) for o in found)]
        weight = sum(self.full[doc][t] for t in found)
        covered = "".join(_norm(t) for t in found)
        parts = [w for w in self.partial[doc] if w in tokens and w not in covered]
        parts = [w for w in parts if not any(w != o and w in o for o in parts)]  # 数字 inside 数字化
        weight += sum(self.partial[doc][w] for w in parts)
        return sorted(found, key=lambda t: (-len(t), t)), sorted(parts), weight


@lru_cache(maxsize=4)
def _catalog_index(corpus_root: Path) -> TermIndex:
    """Each catalog entry's curated keywords and title words."""
    from assistant.corpus import load_corpus

    catalog = load_corpus(corpus_root).catalog
    return TermIndex.build({s.number: [*s.keywords, *_title_words(s)] for s in catalog.standards})


def _title_words(s: Standard) -> list[str]:
    from assistant.tokenize import _jieba  # precise mode: whole words (数字化车间), not search-mode fragments

    words = _jieba().lcut(" ".join([s.title, *s.alt_titles]))
    return [w for w in words if len(w) >= 2 and w not in GENERIC and not w.isdigit()]
