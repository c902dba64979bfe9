"""Chinese word segmentation for the lexical index (jieba), with the programme's terms kept whole."""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

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
    return _clean(_jieba().lcut_for_search(normalize(text).lower()))


def tokenize_query(text: str, cache_dir: Path | None = None) -> list[str]:
    """`tokenize` for one short text, without loading jieba's whole dictionary (about a second per start).

    A query looks up only its own substrings, so the dictionary is read from an SQLite copy in the data dir,
    one key at a time; the segmentation is jieba's own and identical to `tokenize`. With no copy yet (or
    jieba already loaded in this process) the full dictionary is used and the copy written for next time.
    """
    if cache_dir is None or _jieba.cache_info().currsize:
        return tokenize(text)
    tokenizer = _lazy_jieba(str(cache_dir))
    if tokenizer is None:
        words = tokenize(text)
        _write_dictionary(cache_dir)
        return words
    return _clean(tokenizer.lcut_for_search(normalize(text).lower()))


def _clean(words: list[str]) -> list[str]:
    return [w for w in words if w.strip() and _WORD.search(w)]


def _dictionary_path(cache_dir: Path):
    import jieba

    return Path(cache_dir) / f"jieba-{jieba.__version__}-{len(DOMAIN_TERMS)}-{hash_terms()}.sqlite"


def hash_terms() -> str:
    import hashlib

    return hashlib.sha1("\n".join(DOMAIN_TERMS).encode()).hexdigest()[:8]


class _SqliteFreq:
    """jieba's prefix dictionary (word → frequency, 0 for a mere prefix), read from SQLite on demand."""

    def __init__(self, path: Path) -> None:
        import sqlite3

        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._seen: dict[str, int | None] = {}

    def _lookup(self, key: str) -> int | None:
        if key not in self._seen:
            row = self._db.execute("SELECT v FROM freq WHERE k = ?", (key,)).fetchone()
            self._seen[key] = None if row is None else row[0]
        return self._seen[key]

    def __contains__(self, key: str) -> bool:
        return self._lookup(key) is not None

    def __getitem__(self, key: str) -> int:
        value = self._lookup(key)
        if value is None:
            raise KeyError(key)
        return value

    def get(self, key: str, default=None):
        value = self._lookup(key)
        return default if value is None else value

    def __setitem__(self, key: str, value: int) -> None:
        self._seen[key] = value


@lru_cache(maxsize=2)
def _lazy_jieba(cache_dir: str):
    path = _dictionary_path(Path(cache_dir))
    if not path.is_file():
        return None
    import sqlite3

    import jieba

    try:
        freq = _SqliteFreq(path)
        total = freq.get("\x00total")
    except sqlite3.Error:
        return None
    if total is None:
        return None
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True
    return tokenizer


def _write_dictionary(cache_dir: Path) -> None:
    """The loaded dictionary (domain terms included) as SQLite, written atomically; best effort."""
    import os
    import sqlite3

    dt = _jieba().dt
    path = _dictionary_path(cache_dir)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        with sqlite3.connect(tmp) as db:
            db.execute("CREATE TABLE freq (k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID")
            db.executemany("INSERT INTO freq VALUES (?, ?)", [*dt.FREQ.items(), ("\x00total", dt.total)])
        db.close()
        os.replace(tmp, path)
    except (OSError, sqlite3.Error):
        tmp.unlink(missing_ok=True)
