"""The hybrid index: chunks in Chroma (dense, our own embeddings) plus a jieba BM25 table, built per generation.

Each build writes a new generation (a new Chroma collection and a new chunk file) and only then switches
the manifest with an atomic rename, so a build killed midway leaves the previous index whole and readers
that hold the old generation keep working until the one after next.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import urlparse

from assistant.chunking import Chunk, chunk_document
from assistant.corpus import corpus_documents
from assistant.embed import Embedder
from assistant.errors import IndexStoreError, InputError, StoreLost, StoreUnavailable
from assistant.loaders import SUPPORTED, Document, check_file, load_document
from assistant.settings import Settings
from assistant.tokenize import tokenize

Progress = Callable[[float, str], None]
MANIFEST = "manifest.json"
SCHEMA = 1


def _noop(_: float, __: str) -> None:
    pass


@dataclass
class SourceEntry:
    sha: str
    ids: list[str]
    doc_type: str


@dataclass
class Manifest:
    generation: int
    model: str
    dim: int
    sources: dict[str, SourceEntry]
    built_at: float
    schema: int = SCHEMA
    prefix: str = "chunks"

    @property
    def collection(self) -> str:
        return f"{self.prefix}_g{self.generation}"

    @staticmethod
    def read(index_dir: Path) -> "Manifest | None":
        path = index_dir / MANIFEST
        if not path.exists():
            return None
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            raw["sources"] = {k: SourceEntry(**v) for k, v in raw["sources"].items()}
            return Manifest(**raw)
        except (ValueError, TypeError, KeyError) as exc:
            raise IndexStoreError(f"索引清单损坏：{path}") from exc

    def write(self, index_dir: Path) -> None:
        tmp = index_dir / f"{MANIFEST}.tmp"
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, index_dir / MANIFEST)  # the atomic switch to the new generation


def collection_prefix(settings: Settings) -> str:
    """Collections are named per data dir on a shared Chroma server, so two users never collide."""
    if not settings.chroma_url:
        return "chunks"
    return "chunks_" + hashlib.sha1(str(settings.data_dir.resolve()).encode()).hexdigest()[:10]


def chunks_file(index_dir: Path, generation: int) -> Path:
    return index_dir / f"chunks_g{generation}.jsonl"


def open_client(settings: Settings):
    """Embedded Chroma under the data dir, or a Chroma server when ASSISTANT_CHROMA_URL is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        try:
            client = chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                         ssl=url.scheme == "https", settings=chroma_settings)
            client.heartbeat()
            return client
        except Exception as exc:  # connection errors surface as several types
            raise StoreUnavailable(f"无法连接 Chroma 服务 {settings.chroma_url}，请确认服务已启动、地址（ASSISTANT_CHROMA_URL）无误") from exc
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.index_dir / "chroma"), settings=chroma_settings)


# ---- sources -------------------------------------------------------------------------------------


@dataclass
class Source:
    key: str
    path: Path
    sha: str
    corpus: bool = False
    explicit: bool = False  # named on the command line: a bad file stops the build instead of being skipped


def _sha(path: Path) -> str:
    with path.open("rb") as fh:  # streamed: a big file must not be read into memory just to fingerprint it
        return hashlib.file_digest(fh, "sha256").hexdigest()


def corpus_sources(corpus_dir: Path) -> list[Source]:
    files = sorted(p for p in corpus_dir.rglob("*") if p.suffix in {".yaml", ".txt"} and p.is_file())
    # The structured files index as a whole (plan.yaml text needs the catalog), so one fingerprint covers them.
    fingerprint = hashlib.sha256(b"".join(_sha(p).encode() for p in files)).hexdigest()
    return [Source("corpus", corpus_dir, fingerprint, corpus=True)]


def user_catalog_sources(data_dir: Path) -> list[Source]:
    """The user's own catalog is a source of its own: an import re-embeds its entries, not the corpus."""
    from assistant.catalog import catalog_path
    from assistant.catalog.store import INDEX_KEY

    path = catalog_path(data_dir)
    return [Source(INDEX_KEY, path, _sha(path))] if path.is_file() else []


def expand_paths(paths: Iterable[Path]) -> list[tuple[Path, bool]]:
    """Files as given (explicit), and the supported files inside given folders (not explicit)."""
    out: list[tuple[Path, bool]] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            out.extend((p, False) for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in SUPPORTED)
        elif path.exists():
            out.append((path, True))
        else:
            raise InputError(f"{path}: 文件不存在")
    return out


def extra_sources(paths: Iterable[Path], max_mb: float = 50.0) -> tuple[list[Source], list[str]]:
    """Sources for extra files; a bad file found inside a folder is skipped with a warning, a named one stops."""
    sources, warnings = [], []
    for path, explicit in expand_paths(paths):
        try:
            check_file(path, max_mb)  # before reading a byte of it: hashing reads the whole file
        except InputError as exc:
            if explicit:
                raise
            warnings.append(_skipped(exc))
            continue
        sources.append(Source(str(path.resolve()), path.resolve(), _sha(path), explicit=explicit))
    return sources, warnings


def _skipped(exc: InputError) -> str:
    return f"已跳过：{exc}"


# ---- build ---------------------------------------------------------------------------------------


@dataclass
class BuildReport:
    generation: int
    chunks: int
    embedded: int
    reused: int
    sources: int
    seconds: float
    model: str
    warnings: list[str] = field(default_factory=list)


def _load_source(source: Source, settings: Settings) -> list[Document]:
    from assistant.catalog import catalog_path, index_document

    if source.corpus:
        return list(corpus_documents(source.path).values())
    if source.path == catalog_path(settings.data_dir):
        return [index_document(source.path)]
    doc = load_document(source.path, settings.max_file_mb, settings.max_pages,
                        max_unpacked_mb=settings.max_unpacked_mb)
    return [doc]


def _chunk_record(chunk: Chunk) -> dict:
    return {**asdict(chunk), "tokens": tokenize(chunk.embed_text)}


def build_index(settings: Settings, embedder: Embedder, paths: Iterable[Path] = (), rebuild: bool = False,
                progress: Progress = _noop) -> BuildReport:
    """Index the shipped corpus plus `paths` (and files added earlier), re-embedding only what changed."""
    from filelock import FileLock

    settings.index_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(settings.index_dir / "build.lock")):
        try:
            return _build_locked(settings, embedder, list(paths), rebuild, progress)
        except (IndexStoreError, InputError):
            raise
        except Exception as exc:
            if settings.chroma_url and _connection_failed(exc):
                raise StoreLost(f"索引服务器连接中断：{settings.chroma_url} 在建立索引途中断开，原索引未切换；服务器恢复后重新运行 "
                                f"assistant index 即可") from exc
            raise


def _connection_failed(exc: BaseException) -> bool:
    """A transport failure anywhere in the exception chain (chromadb wraps httpx errors in its own types)."""
    import httpx

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (httpx.TransportError, ConnectionError)):
            return True
        if "connect" in type(seen).__name__.lower() or "connection" in str(seen).lower()[:200]:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _build_locked(settings: Settings, embedder: Embedder, paths: list[Path], rebuild: bool,
                  progress: Progress) -> BuildReport:
    started = time.perf_counter()
    index_dir = settings.index_dir
    old, warnings = _previous(settings, embedder, rebuild)
    sources, skipped = _all_sources(settings, paths, old)
    warnings += skipped
    client = open_client(settings)
    prefix = collection_prefix(settings)
    generation = (old.generation + 1) if old else _next_free_generation(index_dir)
    _drop_collection(client, f"{prefix}_g{generation}")
    collection = client.create_collection(f"{prefix}_g{generation}", metadata={"hnsw:space": "cosine"},
                                          embedding_function=None)
    old_records = _read_records(index_dir, old.generation) if old else {}
    old_collection = _get_collection(client, old.collection) if old else None
    records: list[dict] = []
    entries: dict[str, SourceEntry] = {}
    embedded = reused = 0
    span = 1.0 / max(len(sources), 1)
    for i, source in enumerate(sources):
        at = i * span
        progress(at, f"正在建立索引：读取{'知识库' if source.corpus else '《' + Path(source.key).name + '》'}")
        prev = old.sources.get(source.key) if old else None
        if prev and prev.sha == source.sha and old_collection is not None and all(x in old_records for x in prev.ids):
            _copy_chunks(old_collection, collection, prev.ids)
            records.extend(old_records[x] for x in prev.ids)
            entries[source.key] = prev
            reused += len(prev.ids)
            continue
        try:
            chunks = [c for doc in _load_source(source, settings) for c in chunk_document(doc)]
        except InputError as exc:
            if source.explicit:
                raise
            warnings.append(_skipped(exc))
            continue
        _add_chunks(collection, embedder, chunks, progress, at, span)
        records.extend(_chunk_record(c) for c in chunks)
        entries[source.key] = SourceEntry(source.sha, [c.id for c in chunks], chunks[0].doc_type if chunks else "")
        embedded += len(chunks)
    _write_records(index_dir, generation, records)
    Manifest(generation, embedder.name, embedder.dim, entries, time.time(), prefix=prefix).write(index_dir)
    _cleanup(client, index_dir, prefix, keep={generation, generation - 1})
    if not settings.chroma_url:
        _remove_orphan_segments(index_dir / "chroma")
    progress(1.0, "索引完成")
    return BuildReport(generation, len(records), embedded, reused, len(entries), time.perf_counter() - started,
                       embedder.name, warnings)


def _all_sources(settings: Settings, paths: list[Path], old: Manifest | None) -> tuple[list[Source], list[str]]:
    """The corpus, the files named now, and files added earlier that still exist."""
    extra, warnings = extra_sources(paths, settings.max_file_mb)
    sources = corpus_sources(settings.corpus_dir) + user_catalog_sources(settings.data_dir) + extra
    known = {s.key for s in sources}
    for key in old.sources if old else []:
        if key not in known and key != "corpus" and Path(key).is_file():
            sources.append(Source(key, Path(key), _sha(Path(key))))
    return sources, warnings


def _previous(settings: Settings, embedder: Embedder, rebuild: bool) -> tuple[Manifest | None, list[str]]:
    if rebuild:
        return None, []
    try:
        old = Manifest.read(settings.index_dir)
    except IndexStoreError as exc:
        return None, [f"{exc}；已重建"]
    if old is None:
        return None, []
    if old.model != embedder.name or old.schema != SCHEMA:
        return None, [f"嵌入模型由 {old.model} 变为 {embedder.name}，已全部重建"]
    if not chunks_file(settings.index_dir, old.generation).exists():
        return None, ["索引数据不完整，已重建"]
    return old, []


def _next_free_generation(index_dir: Path) -> int:
    gens = [int(p.stem.split("_g")[1]) for p in index_dir.glob("chunks_g*.jsonl") if p.stem.split("_g")[1].isdigit()]
    return max(gens, default=0) + 1


def _add_chunks(collection, embedder: Embedder, chunks: list[Chunk], progress: Progress, at: float,
                span: float = 1.0) -> None:
    """Embed and store in batches; progress moves through this source's `span` of the whole build."""
    batch = 32  # small enough that a first build shows the bar move several times
    for start in range(0, len(chunks), batch):
        part = chunks[start : start + batch]
        collection.add(
            ids=[c.id for c in part],
            embeddings=embedder.embed([c.embed_text for c in part]),
            documents=[c.text for c in part],
            metadatas=[_metadata(c) for c in part],
        )
        done = min(start + batch, len(chunks))
        progress(at + span * 0.95 * done / len(chunks), f"正在建立索引：已嵌入 {done}/{len(chunks)} 段")


def _metadata(chunk: Chunk) -> dict:
    meta = {"source": chunk.source, "location": chunk.location, "doc_type": chunk.doc_type}
    meta.update({k: v for k, v in chunk.meta.items() if isinstance(v, (str, int, float, bool))})
    return meta


def _copy_chunks(old, new, ids: list[str]) -> None:
    for start in range(0, len(ids), 500):
        got = old.get(ids=ids[start : start + 500], include=["embeddings", "documents", "metadatas"])
        new.add(ids=got["ids"], embeddings=got["embeddings"], documents=got["documents"], metadatas=got["metadatas"])


def _get_collection(client, name: str):
    try:
        return client.get_collection(name, embedding_function=None)
    except Exception:  # chroma raises NotFoundError/ValueError depending on version and mode
        return None


def _drop_collection(client, name: str) -> None:
    if _get_collection(client, name) is not None:
        client.delete_collection(name)


def _write_records(index_dir: Path, generation: int, records: list[dict]) -> None:
    path = chunks_file(index_dir, generation)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def _read_records(index_dir: Path, generation: int) -> dict[str, dict]:
    path = chunks_file(index_dir, generation)
    records = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            records[record["id"]] = record
    return records


def _cleanup(client, index_dir: Path, prefix: str, keep: set[int]) -> None:
    """Drop generations older than the previous one: readers may still hold the previous one open."""
    head = f"{prefix}_g"
    for collection in client.list_collections():
        name = getattr(collection, "name", collection)
        gen = name[len(head):]
        if name.startswith(head) and gen.isdigit() and int(gen) not in keep:
            client.delete_collection(name)
    for path in index_dir.glob("chunks_g*.*"):
        gen = path.name[8:].split(".")[0]
        if gen.isdigit() and int(gen) not in keep:
            path.unlink(missing_ok=True)


_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _remove_orphan_segments(chroma_dir: Path) -> None:
    """Embedded Chroma keeps a dropped collection's vector folder on disk; remove the folders of segments its
    catalog no longer lists, so each rebuild does not leave one behind. A folder is only removed when the
    catalog could be read and does not name it."""
    try:
        with sqlite3.connect(f"file:{chroma_dir / 'chroma.sqlite3'}?mode=ro", uri=True, timeout=10) as db:
            live = {row[0] for row in db.execute("SELECT id FROM segments")}
    except sqlite3.Error:
        return
    for folder in chroma_dir.iterdir():
        if folder.is_dir() and _UUID.match(folder.name) and folder.name not in live:
            shutil.rmtree(folder, ignore_errors=True)
