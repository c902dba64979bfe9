"""Shared fixtures: a fast fake embedder for unit tests, and one real index (real model, chromadb on disk)."""
from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from assistant.context import Context  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.tokenize import tokenize  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


class HashEmbedder:
    """Bag-of-words hashing into a fixed space: deterministic, instant, good enough for plumbing tests."""

    name = "test-hash-embedder"
    dim = 128

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts, query: bool = False):
        self.calls += len(texts)
        out = []
        for text in texts:
            vec = [0.0] * self.dim
            for token in tokenize(text) or ["∅"]:
                vec[int(hashlib.md5(token.encode()).hexdigest(), 16) % self.dim] += 1.0
            norm = math.sqrt(sum(v * v for v in vec)) or 1.0
            out.append([v / norm for v in vec])
        return out


def make_settings(data_dir: Path, **overrides) -> Settings:
    return Settings(data_dir=data_dir, corpus_dir=REPO / "corpus", prompts_dir=REPO / "prompts", **overrides)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture
def fake_ctx(settings: Settings) -> Context:
    """A context whose index is built with the hashing embedder (fast; no model load)."""
    return Context(settings, _embedder=HashEmbedder())


@pytest.fixture(scope="session")
def real_ctx(tmp_path_factory: pytest.TempPathFactory) -> Context:
    """The real packaged embedding model and a real chromadb index on disk, built once per test session."""
    ctx = Context(make_settings(tmp_path_factory.mktemp("real") / "data"))
    ctx.retriever()
    return ctx
