"""What a running command or UI session shares: settings plus lazily loaded corpus, model, index and LLM."""
from __future__ import annotations

from dataclasses import dataclass, field
from threading import Lock

from typing import TYPE_CHECKING, Callable

from assistant.corpus import Corpus, load_corpus
from assistant.embed import CachedEmbedder, Embedder, load_embedder, resolve_name
from assistant.settings import Settings

if TYPE_CHECKING:  # the index (and chromadb behind it) is imported by the commands that search, not by all
    from assistant.retrieve import Retriever

Progress = Callable[[float, str], None]


def _noop(_: float, __: str) -> None:
    pass


@dataclass
class Context:
    settings: Settings
    _embedder: Embedder | None = None
    _retriever: Retriever | None = None
    _llm: object | None = None
    _lock: Lock = field(default_factory=Lock)

    @property
    def corpus(self) -> Corpus:
        """The shipped corpus, its catalog merged with the user's own (re-read when that file changes)."""
        from assistant.catalog import with_user_catalog

        return with_user_catalog(load_corpus(self.settings.corpus_dir), self.settings.data_dir)

    @property
    def embedder(self) -> Embedder:
        """The embedding model behind a per-process and an on-disk cache; loaded at its first cache miss."""
        with self._lock:
            if self._embedder is None:
                name, cache = resolve_name(self.settings.embed_model), self.settings.data_dir / "cache"
                self._embedder = CachedEmbedder(name, lambda: load_embedder(name, cache), cache)
            return self._embedder

    def retriever(self, progress: Progress = _noop) -> "Retriever":
        """The index, built on first use (with progress) and reused afterwards."""
        from assistant.retrieve import open_retriever

        embedder = self.embedder
        with self._lock:
            if self._retriever is None:
                self._retriever = open_retriever(self.settings, embedder, progress, self.corpus.catalog.restrictions())
            return self._retriever

    def reload(self) -> None:
        """Forget the loaded index generation, e.g. after new documents were indexed."""
        with self._lock:
            self._retriever = None

    @property
    def llm(self):
        from assistant.llm import make_llm

        with self._lock:
            if self._llm is None:
                self._llm = make_llm(self.settings)
            return self._llm
