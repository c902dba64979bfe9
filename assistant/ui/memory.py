"""The UI server's heap: few malloc arenas, long-lived data out of the collector's way, garbage returned after
each request. Measured under 50 concurrent sessions (README, Benchmarks): the server's growth came from worker
threads' malloc arenas and from reference cycles (PDF and DOCX readers) left for a full collection that, with
the catalog and index in the heap, came only rarely."""
from __future__ import annotations

import functools
import gc
import threading
import time

COLLECT_INTERVAL = 1.0  # seconds: at most one full collection a second, whatever the request rate
_last = [0.0]
_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _glibc():
    """glibc's allocator controls, where the process runs on glibc (Linux); None elsewhere."""
    import ctypes
    import ctypes.util
    import sys

    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None
    except OSError:
        return None


def limit_arenas(arenas: int = 2) -> None:
    """Few malloc arenas for the server's worker threads. With glibc's default (8 per core) every worker thread
    kept its own heap and the server's memory grew round after round under load; call before threads start."""
    libc = _glibc()
    if libc is not None:
        libc.mallopt(-8, arenas)  # M_ARENA_MAX


def freeze_long_lived() -> None:
    """Once the corpus, index and model are loaded: keep them out of every later collection. A full collection
    then walks only what requests made, so one after each request is cheap, and the collector's own schedule
    (which waits for new objects to reach a quarter of the old ones) is no longer held back by a big heap."""
    gc.collect()
    gc.freeze()


def release_memory() -> None:
    """After a request: collect its reference cycles (a PDF reader and its pages form one) and hand the freed
    pages back to the system, since documents and tables are large and short-lived."""
    now = time.monotonic()
    with _lock:
        if now - _last[0] < COLLECT_INTERVAL:
            return
        _last[0] = now
    gc.collect()
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
