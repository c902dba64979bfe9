"""Chinese word segmentation for the lexical index (jieba), with the programme's terms kept whole."""
from __future__ import annotations

import logging
import re
from functools import lru_cache

from assistant.textnorm import normalize

# Terms jieba would otherwise cut apart; kept whole so BM25 matches them as users write them.
DOMAIN_TERMS = [
    "标准群", "智能制造", "数字化车间", "智能工厂", "供应链协同", "大规模个性化定制", "个性化定制", "远程运维",
    "网络协同", "协同设计", "工业互联网", "工业大数据", "工业云", "数字孪生", "人工智能", "互联互通", "互操作",
    "能力成熟度", "系统集成", "系统架构", "数字化交付", "预测性维护", "制造执行系统", "中小企业", "标准应用试点",
    "实施指南", "解决方案", "立项建议", "修订建议", "应用案例", "数控装备", "工业数据空间", "信息安全",
    "功能安全", "机器视觉", "工业机器人", "增材制造", "柔性生产", "智能物流", "智能采购", "智能销售",
]
_WORD = re.compile(r"[\w\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    for term in DOMAIN_TERMS:
        jieba.add_word(term, freq=2000)
    return jieba


def tokenize(text: str) -> list[str]:
    """Search-mode segmentation (long words and their parts), lower-cased, punctuation dropped."""
    words = _jieba().lcut_for_search(normalize(text).lower())
    return [w for w in words if w.strip() and _WORD.search(w)]
