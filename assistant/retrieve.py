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
from assistant.textnorm import nfkc
from assistant.tokenize import tokenize_query

Mode = Literal["hybrid", "dense", "bm25"]
RRF_K = 60
POOL = 50
# Best dense similarity, use-multilingual-v3, measured by evals/relevance.py (2026-12-02): the 20 eval queries
# 0.328–0.655, 18 off-topic queries 0.087–0.191; the floor is the midpoint of the gap. Re-measure for another model.
RELEVANCE_FLOOR = 0.26


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
    similarity: float = 0.0  # cosine of query and passage (dense pool only; 0 when only BM25 found it)


class Retriever:
    """One loaded generation of the index, ready to answer queries (load once, search many times)."""

    def __init__(self, settings: Settings, embedder: Embedder, manifest: Manifest,
                 restrictions: dict[str, tuple[str, ...]] | None = None) -> None:
        from rank_bm25 import BM25Okapi

        self.settings, self.embedder, self.manifest = settings, embedder, manifest
        records = _read_records(settings.index_dir, manifest.generation)
        self.records = list(records.values())
        self.by_id = records
        self.collection = open_client(settings).get_collection(manifest.collection, embedding_function=None)
        if self.collection.count() != len(self.records):
            raise IndexStoreError("索引不一致：向量库与分段数不符，将重建")
        self.bm25 = BM25Okapi([r["tokens"] or ["∅"] for r in self.records])
        # Parsed once here, not per query: the standard numbers each chunk cites, and, for a catalog entry,
        # the number it is the entry of.
        self.cited = {r["id"]: set(number_keys(r["text"])) for r in self.records}
        self.entry_of = {r["id"]: number_keys(r["location"]) for r in self.records if r["doc_type"] == "standard"}
        # Catalog entries written for some industries, technologies or regions (catalog `industries`, `regions`):
        # the words a query must name for the entry to rank among the others.
        restrictions = restrictions or {}
        self.restricted = {cid: restrictions[keys[0]] for cid, keys in self.entry_of.items()
                           if len(keys) == 1 and restrictions.get(keys[0])}

    def __len__(self) -> int:
        return len(self.records)

    def search(self, query: str, k: int = 10, doc_types: list[str] | None = None, mode: Mode = "hybrid") -> list[Hit]:
        """Top-k chunks for `query`, optionally only of some doc types (plan, standard, requirement, case, upload)."""
        ranked: list[list[str]] = []
        similarity: dict[str, float] = {}
        if mode in ("hybrid", "dense"):
            similarity = self._dense(query, doc_types)
            ranked.append(list(similarity))
        if mode in ("hybrid", "bm25"):
            ranked.append(self._lexical(query, doc_types))
        scores = fuse(ranked)
        if mode == "hybrid":
            self._boost_numbers(query, scores, doc_types)
        unfit = self._unfitting(query, scores)
        hits = self._distinct(sorted(scores.items(), key=lambda kv: (kv[0] in unfit, -kv[1])), k)
        for hit in hits:
            hit.similarity = round(similarity.get(hit.id, 0.0), 4)
        return hits

    def relevant(self, query: str, hits: list[Hit]) -> bool:
        """Whether any hit is about the query rather than merely the nearest thing in the index.

        A hit counts when it cites a standard number of the query, when it holds every word (two characters or
        more) of a short query, or when its dense similarity reaches the floor measured on the eval queries
        against off-topic ones (evals/relevance.py; figures in docs/notes/ui.md).
        """
        keys = set(number_keys(query))
        if keys and any(keys & self.cited.get(h.id, set()) or keys & set(number_keys(h.location)) for h in hits):
            return True
        words = {w for w in tokenize_query(query, self.settings.data_dir / "cache") if len(w) >= 2}
        if words and any(words <= set(self.by_id[h.id]["tokens"]) for h in hits if h.id in self.by_id):
            return True
        return any(h.similarity >= RELEVANCE_FLOOR for h in hits)

    def _unfitting(self, query: str, scores: dict[str, float]) -> set[str]:
        """Entries for an industry, technology or region the query does not name, nor their number: they rank
        after every other hit, as suggest and draft leave them out (another region's local standard, a textile
        group standard, must not top a search for 评估数字化水平)."""
        low = nfkc(query).lower()
        keys = set(number_keys(query))
        return {cid for cid in scores if cid in self.restricted
                and not any(term.lower() in low for term in self.restricted[cid])
                and not keys & set(self.entry_of.get(cid, []))}

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

    def _dense(self, query: str, doc_types: list[str] | None) -> dict[str, float]:
        """The dense pool in rank order, id → cosine similarity (the store keeps cosine distances)."""
        where = {"doc_type": {"$in": doc_types}} if doc_types else None
        n = min(POOL, len(self.records))
        if n == 0:
            return {}
        vector = self.embedder.embed([query], query=True)
        got = self.collection.query(query_embeddings=vector, n_results=n, where=where, include=["distances"])
        return {i: 1.0 - float(d) for i, d in zip(got["ids"][0], got["distances"][0])}

    def _lexical(self, query: str, doc_types: list[str] | None) -> list[str]:
        tokens = tokenize_query(query, self.settings.data_dir / "cache")
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


def open_retriever(settings: Settings, embedder: Embedder, progress: Progress = _noop,
                   restrictions: dict[str, tuple[str, ...]] | None = None) -> Retriever:
    """The current index, built or refreshed first when missing, corrupt, stale or made by another model.
    `restrictions`: catalog key → the industry, technology or region words an entry is written for."""
    try:
        manifest = Manifest.read(settings.index_dir)
    except IndexStoreError:
        manifest = None
    if manifest is None or _stale(settings, embedder, manifest):
        build_index(settings, embedder, progress=progress)
        manifest = Manifest.read(settings.index_dir)
    try:
        return Retriever(settings, embedder, manifest, restrictions)  # type: ignore[arg-type]
    except StoreUnavailable:
        raise
    except Exception as exc:  # a damaged store fails in chroma's own error types as well as ours
        progress(0.0, "索引损坏，正在重建")
        build_index(settings, embedder, rebuild=True, progress=progress)
        return Retriever(settings, embedder, Manifest.read(settings.index_dir), restrictions)  # type: ignore[arg-type]


def index_is_current(settings: Settings, embedder: Embedder) -> bool:
    """An index exists and would be opened as it is (nothing to build or refresh first)."""
    try:
        manifest = Manifest.read(settings.index_dir)
    except IndexStoreError:
        return False
    return manifest is not None and not _stale(settings, embedder, manifest)


def _stale(settings: Settings, embedder: Embedder, manifest: Manifest) -> bool:
    corpus = corpus_sources(settings.corpus_dir)[0]
    entry = manifest.sources.get("corpus")
    if manifest.model != embedder.name or entry is None or entry.sha != corpus.sha:
        return True
    # The user's own catalog changed (import, remove): an incremental build re-embeds just its entries.
    user = user_catalog_sources(settings.data_dir)
    indexed = manifest.sources.get(USER_INDEX_KEY)
    return (indexed.sha if indexed else None) != (user[0].sha if user else None)
