"""An index build killed midway, and the Chroma server mode, on the real stack."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest
from conftest import REPO, make_settings
from test_cli import assert_one_line_error, run_cli

from assistant.context import Context
from assistant.index import Manifest

pytestmark = pytest.mark.integration


def test_killed_build_leaves_the_previous_index_usable(real_ctx, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(real_ctx.settings.data_dir, data_dir)
    before = Manifest.read(data_dir / "index").generation
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(60):  # enough work that the kill lands mid-build
        (docs / f"d{i}.txt").write_text(f"一、推广情况\n第{i}份材料：" + "面向中小企业开展标准宣贯和培训。" * 60, encoding="utf-8")
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "index", "--rebuild", str(docs)], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and not list((data_dir / "index" / "chroma").glob("*")):
        time.sleep(0.2)
    time.sleep(3.0)
    assert proc.poll() is None, "the build finished before it could be killed; give it more work"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert Manifest.read(data_dir / "index").generation == before, "the manifest still points at the old index"
    result = run_cli("search", "GB/T 39116", "--json", "-k", "1", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert '"GB/T 39116—2020"' in result.stdout
    again = run_cli("index", "--json", data_dir=data_dir)
    assert again.returncode == 0, again.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    chroma = shutil.which("chroma", path=os.path.dirname(sys.executable)) or shutil.which("chroma")
    if chroma is None:
        pytest.fail("the chroma CLI (from the chromadb package) is not installed")
    port = _free_port()
    proc = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "srv"), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_index_and_search_through_a_chroma_server(chroma_server, real_ctx, tmp_path):
    settings = make_settings(tmp_path / "data", chroma_url=chroma_server)
    ctx = Context(settings, _embedder=real_ctx.embedder)
    hits = ctx.retriever().search("GB/T 42136 远程运维", k=3)
    assert hits[0].location == "GB/T 42136—2022"
    assert not (settings.index_dir / "chroma").exists(), "vectors live on the server, not on local disk"
    proc = run_cli("search", "远程运维", "--json", data_dir=settings.data_dir, env={"ASSISTANT_CHROMA_URL": chroma_server})
    assert proc.returncode == 0, proc.stderr


def test_unreachable_chroma_server_is_one_line(tmp_path):
    proc = run_cli("search", "远程运维", data_dir=tmp_path, env={"ASSISTANT_CHROMA_URL": f"http://127.0.0.1:{_free_port()}"})
    assert_one_line_error(proc, 1, "无法连接 Chroma 服务")
