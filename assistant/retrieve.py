"""Hybrid search: dense (Chroma) and lexical (jieba BM25) fused by reciprocal rank, exact standard numbers first."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from assistant.embed import Embedder
from assistant.errors import IndexStoreError, StoreUnavailable
from assistant.catalog.store import INDEX_KEY as USER_INDEX_KEY
from assistant.index import (
    Manifest,
    Progress,
    _noop,
    _read_records,
    build_index,
    corpus_sources,
    open_client,
    user_catalog_sources,
)
from assistant.settings import Settings
from assistant.standards import number_keys
from assistant.tokenize import tokenize

Mode = Literal["hybrid", "dense", "bm25"]
RRF_K = 60
POOL = 50


@dataclass
class Hit:
    id: str
    text: str
    source: str
    location: str
    score: float
    doc_type: str
    section: str = ""
    meta: dict = field(default_factory=dict)


class Retriever:
    """One loaded generation of the index, ready to answer queries (load once, search many times)."""

    def __init__(self, settings: Settings, embedder: Embedder, manifest: Manifest) -> None:
        from rank_bm25 import BM25Okapi

        self.settings, self.embedder, self.manifest = settings, embedder, manifest
        records = _read_records(settings.index_dir, manifest.generation)
        self.records = list(records.values())
        self.by_id = records
        self.collection = open_client(settings).get_collection(manifest.collection, embedding_function=None)
        if self.collection.count() != len(self.records):
            raise IndexStoreError("索引不一致：向量库与分段数不符 (index inconsistent)")
        self.bm25 = BM25Okapi([r["tokens"] or ["∅"] for r in self.records])
        # Parsed once here, not per query: the standard numbers each chunk cites, and, for a catalog entry,
        # the number it is the entry of.
        self.cited = {r["id"]: set(number_keys(r["text"])) for r in self.records}
        self.entry_of = {r["id"]: number_keys(r["location"]) for r in self.records if r["doc_type"] == "standard"}

    def __len__(self) -> int:
        return len(self.records)

    def search(self, query: str, k: int = 10, doc_types: list[str] | None = None, mode: Mode = "hybrid") -> list[Hit]:
        """Top-k chunks for `query`, optionally only of some doc types (plan, standard, requirement, case, upload)."""
        ranked: list[list[str]] = []
        if mode in ("hybrid", "dense"):
            ranked.append(self._dense(query, doc_types))
        if mode in ("hybrid", "bm25"):
            ranked.append(self._lexical(query, doc_types))
        scores = fuse(ranked)
        if mode == "hybrid":
            self._boost_numbers(query, scores, doc_types)
        return self._distinct(sorted(scores.items(), key=lambda kv: -kv[1]), k)

    def _distinct(self, ranked: list[tuple[str, float]], k: int) -> list[Hit]:
        """The top k with repeated passages (the same sentence in several cases) shown once."""
        hits, seen = [], set()
        for chunk_id, score in ranked:
            text = " ".join(self.by_id[chunk_id]["text"].split())
            if text not in seen:
                seen.add(text)
                hits.append(self._hit(chunk_id, score))
                if len(hits) == k:
                    break
        return hits

    def _dense(self, query: str, doc_types: list[str] | None) -> list[str]:
        where = {"doc_type": {"$in": doc_types}} if doc_types else None
        n = min(POOL, len(self.records))
        if n == 0:
            return []
        vector = self.embedder.embed([query], query=True)
        got = self.collection.query(query_embeddings=vector, n_results=n, where=where, include=[])
        return got["ids"][0]

    def _lexical(self, query: str, doc_types: list[str] | None) -> list[str]:
        tokens = tokenize(query)
        if not tokens:
            return []
        scores = self.bm25.get_scores(tokens)
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        out = []
        for i in order:
            if scores[i] <= 0 or len(out) >= POOL:
                break
            if doc_types is None or self.records[i]["doc_type"] in doc_types:
                out.append(self.records[i]["id"])
        return out

    def _boost_numbers(self, query: str, scores: dict[str, float], doc_types: list[str] | None) -> None:
        """A standard number in the query puts the chunks that cite it above everything else."""
        keys = number_keys(query)
        if not keys:
            return
        for record in self.records:
            if doc_types and record["doc_type"] not in doc_types:
                continue
            matched = [key for key in keys if key in self.cited[record["id"]]]
            if matched:
                # The catalog entry of the number itself ranks first, then passages that cite it.
                exact = any(self.entry_of.get(record["id"]) == [m] for m in matched)
                scores[record["id"]] = scores.get(record["id"], 0.0) + len(matched) + (1.0 if exact else 0.0)

    def _hit(self, chunk_id: str, score: float) -> Hit:
        r = self.by_id[chunk_id]
        return Hit(r["id"], r["text"], r["source"], r["location"], round(score, 6), r["doc_type"], r["section"], r["meta"])


def fuse(rankings: list[list[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion: each list adds 1/(k + rank) for every id it ranks."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores


def open_retriever(settings: Settings, embedder: Embedder, progress: Progress = _noop) -> Retriever:
    """The current index, built or refreshed first when missing, corrupt, stale or made by another model."""
    try:
        manifest = Manifest.read(settings.index_dir)
    except IndexStoreError:
        manifest = None
    if manifest is None or _stale(settings, embedder, manifest):
        build_index(settings, embedder, progress=progress)
        manifest = Manifest.read(settings.index_dir)
    try:
        return Retriever(settings, embedder, manifest)  # type: ignore[arg-type]
    except StoreUnavailable:
        raise
    except Exception as exc:  # a damaged store fails in chroma's own error types as well as ours
        progress(0.0, f"索引损坏，正在重建 (index damaged, rebuilding): {type(exc).__name__}")
        build_index(settings, embedder, rebuild=True, progress=progress)
        return Retriever(settings, embedder, Manifest.read(settings.index_dir))  # type: ignore[arg-type]


def _stale(settings: Settings, embedder: Embedder, manifest: Manifest) -> bool:
    corpus = corpus_sources(settings.corpus_dir)[0]
    entry = manifest.sources.get("corpus")
    if manifest.model != embedder.name or entry is None or entry.sha != corpus.sha:
        return True
    # The user's own catalog changed (import, remove): an incremental build re-embeds just its entries.
    user = user_catalog_sources(settings.data_dir)
    indexed = manifest.sources.get(USER_INDEX_KEY)
    return (indexed.sha if indexed else None) != (user[0].sha if user else None)
