"""The LLM seam: the real langchain-openai and langchain-ollama clients against a scripted server on 127.0.0.1."""
from __future__ import annotations

import logging

import pytest
from llm_server import ScriptedLLMServer, cut_off, hang, length, malformed, non_json, slow, status, text

from assistant.errors import InputError, LLMCutOff, LLMError
from assistant.llm import LLM, OfflineLLM, OllamaLLM, OpenAILLM, make_llm
from assistant.settings import Settings

KEY = "sk-test-DO-NOT-LEAK-4f9a"


@pytest.fixture
def server():
    with ScriptedLLMServer() as s:
        yield s


def openai_llm(server: ScriptedLLMServer, **overrides) -> OpenAILLM:
    values = dict(llm="openai", model="test-model", openai_base_url=server.url, openai_api_key=KEY,
                  llm_timeout=2.0, llm_retries=2)
    llm = make_llm(Settings(**{**values, **overrides}))
    llm.backoff = 0.01  # keep retries quick in tests
    return llm  # type: ignore[return-value]


def ollama_llm(server: ScriptedLLMServer, **overrides) -> OllamaLLM:
    values = dict(llm="ollama", model="test-model", ollama_base_url=server.root, llm_timeout=2.0, llm_retries=1)
    llm = make_llm(Settings(**{**values, **overrides}))
    llm.backoff = 0.01
    return llm  # type: ignore[return-value]


# ---- factory and configuration ------------------------------------------------------------------------


def test_default_is_the_offline_stand_in():
    llm = make_llm(Settings(llm="none"))
    assert isinstance(llm, OfflineLLM) and isinstance(llm, LLM)
    assert llm.offline
    with pytest.raises(LLMError, match="未配置大模型"):
        llm.complete("s", "u")
    with pytest.raises(LLMError):
        next(iter(llm.stream("s", "u")))


@pytest.mark.parametrize("values, env_var", [
    (dict(llm="openai", model="", openai_base_url="http://127.0.0.1:1/v1"), "ASSISTANT_MODEL"),
    (dict(llm="openai", model="m", openai_base_url=""), "OPENAI_BASE_URL"),
    (dict(llm="ollama", model=""), "ASSISTANT_MODEL"),
    (dict(llm="ollama", model="m", ollama_base_url=" "), "OLLAMA_BASE_URL"),
])
def test_missing_configuration_names_the_variable(values, env_var):
    with pytest.raises(InputError, match=env_var):
        make_llm(Settings(**values))


def test_backends_construct_and_satisfy_the_protocol(server):
    for llm in (openai_llm(server), ollama_llm(server)):
        assert isinstance(llm, LLM) and not llm.offline and llm.name == "test-model"


# ---- OpenAI-compatible -------------------------------------------------------------------------------


def test_openai_complete_sends_model_messages_and_key(server):
    server.push(text("这是回复。"))
    assert openai_llm(server).complete("系统提示", "用户问题") == "这是回复。"
    req = server.requests[-1]
    assert req.path == "/v1/chat/completions"
    assert req.headers["authorization"] == f"Bearer {KEY}"
    assert req.body["model"] == "test-model"
    assert [m["role"] for m in req.body["messages"]] == ["system", "user"]
    assert req.body["messages"][0]["content"] == "系统提示"


def test_openai_stream_yields_pieces(server):
    server.push(text("流式回复，一段比较长的文字，分几块到达。"))
    pieces = list(openai_llm(server).stream("s", "u"))
    assert len(pieces) > 1
    assert "".join(pieces) == "流式回复，一段比较长的文字，分几块到达。"
    assert server.requests[-1].body["stream"] is True


def test_every_call_carries_the_output_token_limit(server):
    server.push(text("好。"), text("好。"))
    openai_llm(server, llm_max_tokens=77).complete("s", "u")
    body = server.requests[-1].body
    assert body["max_completion_tokens"] == 77 and body["max_tokens"] == 77  # llama.cpp and vLLM read max_tokens
    list(ollama_llm(server, llm_max_tokens=55).stream("s", "u"))
    assert server.requests[-1].body["options"]["num_predict"] == 55


@pytest.mark.parametrize("make", [openai_llm, ollama_llm])
def test_stream_is_finished_only_when_the_server_says_so(server, make):
    server.push(text("完整的回复。"))
    reply = make(server).stream("s", "u")
    assert "".join(reply) == "完整的回复。" and reply.finish_reason == "stop"
    server.push(length("到了输出上限"))
    reply = make(server).stream("s", "u")
    assert "".join(reply) == "到了输出上限" and reply.finish_reason == "length"
    server.push(cut_off("写到一半"))
    with pytest.raises(LLMCutOff, match="中途中断") as err:
        "".join(make(server).stream("s", "u"))
    assert "无法连接" not in str(err.value)  # a reply cut off mid-way is not a connection failure


@pytest.mark.parametrize("reply, reason", [(non_json(), "回复格式有误"), (hang(5), "超时"), (status(500), "HTTP 500")])
def test_fault_modes_fail_with_their_own_reason(server, reply, reason):
    server.push(reply)
    llm = openai_llm(server, llm_retries=0, llm_timeout=1.0)
    with pytest.raises(LLMError, match=reason) as err:
        "".join(llm.stream("s", "u"))
    assert not isinstance(err.value, LLMCutOff)


def test_429_is_retried_then_succeeds(server):
    server.push(status(429), text("第二次成功"))
    assert openai_llm(server).complete("s", "u") == "第二次成功"
    assert len(server.requests) == 2


def test_500_is_retried_within_limits_then_fails(server):
    server.push(status(500), status(500), status(500), text("不会用到"))
    with pytest.raises(LLMError, match="HTTP 500"):
        openai_llm(server, llm_retries=2).complete("s", "u")
    assert len(server.requests) == 3


def test_stream_500_then_ok_is_retried(server):
    server.push(status(502), text("恢复了"))
    assert "".join(openai_llm(server).stream("s", "u")) == "恢复了"


def test_auth_error_is_not_retried(server):
    server.push(status(401), text("不会用到"))
    with pytest.raises(LLMError, match="HTTP 401"):
        openai_llm(server).complete("s", "u")
    assert len(server.requests) == 1


def test_timeout_is_retried_then_fails(server):
    server.push(slow(2.5), slow(2.5))
    with pytest.raises(LLMError, match="超时"):
        openai_llm(server, llm_timeout=0.5, llm_retries=1).complete("s", "u")
    assert len(server.requests) == 2


@pytest.mark.parametrize("mode", ["complete", "stream"])
def test_malformed_reply_is_an_llm_error(server, mode):
    server.push(malformed(), malformed())
    llm = openai_llm(server, llm_retries=1)
    with pytest.raises(LLMError, match="回复格式有误"):
        llm.complete("s", "u") if mode == "complete" else list(llm.stream("s", "u"))
    assert len(server.requests) == 2


def test_empty_reply_is_malformed(server):
    server.push(text(""), text(""))
    with pytest.raises(LLMError, match="回复为空"):
        openai_llm(server, llm_retries=1).complete("s", "u")


def test_unreachable_server_is_an_llm_error():
    with ScriptedLLMServer() as s:
        url = s.url
    llm = make_llm(Settings(llm="openai", model="m", openai_base_url=url, llm_retries=0, llm_timeout=2))
    with pytest.raises(LLMError, match="无法连接服务器"):
        llm.complete("s", "u")


def test_api_key_never_leaks(server, caplog, capsys):
    """Every failure path: the key is sent to the server but never appears in logs, errors or output."""
    caplog.set_level(logging.DEBUG)
    llm = openai_llm(server, llm_retries=1, llm_timeout=0.5)
    errors = []
    for reply in (status(401), status(500), malformed(), slow(2), text("")):
        server.push(reply, reply)
        for call in (lambda: llm.complete(KEY, KEY), lambda: list(llm.stream("s", "u"))):
            try:
                call()
            except LLMError as exc:
                errors.append(str(exc))
        server.queue.clear()
    assert errors and all(len(e.splitlines()) == 1 for e in errors)
    assert all(req.headers.get("authorization") == f"Bearer {KEY}" for req in server.requests)
    out = capsys.readouterr()
    blob = "\n".join(errors) + caplog.text + out.out + out.err + repr(llm.chat) + repr(Settings(openai_api_key=KEY))
    assert KEY not in blob


# ---- Ollama --------------------------------------------------------------------------------------------


def test_ollama_complete_and_stream(server):
    server.push(text("Ollama 的回复。"), text("Ollama 的流式回复，分块到达。"))
    llm = ollama_llm(server)
    assert llm.complete("s", "u") == "Ollama 的回复。"
    pieces = list(llm.stream("s", "u"))
    assert len(pieces) > 1 and "".join(pieces) == "Ollama 的流式回复，分块到达。"
    assert server.requests[-1].path == "/api/chat"
    assert server.requests[-1].body["model"] == "test-model"


def test_ollama_faults_become_llm_errors(server):
    llm = ollama_llm(server, llm_timeout=0.5)
    for reply, needle in ((status(500), "HTTP 500"), (malformed(), "回复格式有误"), (slow(2), "超时")):
        server.push(reply, reply)
        with pytest.raises(LLMError, match=needle):
            llm.complete("s", "u")
        server.queue.clear()


def test_ollama_unreachable():
    with ScriptedLLMServer() as s:
        root = s.root
    llm = make_llm(Settings(llm="ollama", model="m", ollama_base_url=root, llm_retries=0, llm_timeout=2))
    with pytest.raises(LLMError, match="无法连接服务器"):
        list(llm.stream("s", "u"))
