"""LLM backends behind one narrow seam: `complete(system, user)` and `stream(system, user)`.

LangChain stays inside this module. Every failure leaves as `LLMError` with one line that never contains the
API key; transient failures (timeouts, connection errors, 429, 5xx, malformed or empty replies) are retried
with exponential backoff first. Every call carries the output-token limit from settings. A streamed reply is
finished only when the server says so (a finish reason); one that stops without it is `LLMCutOff`.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Callable, Iterator, Protocol, TypeVar, runtime_checkable

from assistant.errors import InputError, LLMCutOff, LLMError
from assistant.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")
NO_KEY = "not-needed"  # local OpenAI-compatible servers (vLLM, llama.cpp, LM Studio) accept any key


@runtime_checkable
class LLM(Protocol):
    """What the drafting code needs from a model: a name, whether it is the offline stand-in, and text."""

    name: str
    offline: bool

    def complete(self, system: str, user: str) -> str: ...

    def stream(self, system: str, user: str) -> Iterator[str]: ...


class OfflineLLM:
    """ASSISTANT_LLM=none: no model. Callers check `.offline` and use the offline composer instead."""

    name = "offline"
    offline = True

    def complete(self, system: str, user: str) -> str:
        raise LLMError("未配置大模型（ASSISTANT_LLM=none）")

    def stream(self, system: str, user: str) -> Iterator[str]:
        raise LLMError("未配置大模型（ASSISTANT_LLM=none）")


class TextStream:
    """A streamed reply: iterate for text pieces; afterwards `finish_reason` says why the server stopped
    ("stop": complete; "length": the output-token limit was reached)."""

    def __init__(self) -> None:
        self.finish_reason: str | None = None
        self.pieces: Iterator[str] = iter(())

    def __iter__(self) -> Iterator[str]:
        return self.pieces

    def close(self) -> None:
        """Stop reading (a budget ran out): closes the HTTP stream."""
        close = getattr(self.pieces, "close", None)
        if close is not None:
            close()


class _Malformed(Exception):
    """The server answered, but not with usable text."""


# What an HTTP error status usually means for a chat endpoint (the status itself is always shown).
_STATUS_ZH = {400: "请求被拒绝，请检查模型名和参数", 401: "密钥无效", 403: "没有访问权限", 404: "接口地址或模型名有误",
              408: "请求超时", 413: "请求过长", 429: "请求过多或额度不足"}


class ChatLLM:
    """A LangChain chat model with our retry policy and error hygiene (one subclass per provider below)."""

    offline = False
    backoff = 0.5  # seconds before the first retry; doubles each time (tests set it to ~0)
    max_backoff = 8.0

    def __init__(self, name: str, chat: Any, retries: int, timeout: float, secret: str = "") -> None:
        self.name, self.chat, self.retries, self.timeout = name, chat, max(0, retries), timeout
        self._secret = secret

    def complete(self, system: str, user: str) -> str:
        def once() -> str:
            reply = self.chat.invoke(_messages(system, user))
            text = _text(getattr(reply, "content", None))
            if not text.strip():
                raise _Malformed("回复为空")
            return text

        return self._retrying(once)

    def stream(self, system: str, user: str) -> "TextStream":
        """Tokens as they arrive; `.finish_reason` is set once the server has said the reply is complete."""
        reply = TextStream()
        reply.pieces = self._stream(system, user, reply)
        return reply

    def _stream(self, system: str, user: str, reply: "TextStream") -> Iterator[str]:
        """A failure before the first token is retried; after it, it is raised (a cut-off, not "cannot connect")."""
        for attempt in range(self.retries + 1):
            started = False
            try:
                for chunk in self.chat.stream(_messages(system, user)):
                    reply.finish_reason = _finish_reason(chunk) or reply.finish_reason
                    piece = _text(getattr(chunk, "content", None))
                    if piece:
                        started = True
                        yield piece
                if not started:
                    raise _Malformed("回复为空")
                if reply.finish_reason is None:
                    raise LLMCutOff(f"大模型 {self.name} 的回复中途中断：服务器没有表明回复已结束")
                return
            except LLMCutOff:
                raise
            except Exception as exc:  # noqa: BLE001 - classified below, re-raised as LLMError
                if started:
                    raise LLMCutOff(f"大模型 {self.name} 的回复中途中断：{self._describe(exc)}") from None
                if not _retryable(exc) or attempt == self.retries:
                    raise self._error(exc) from None
                self._wait(attempt, exc)

    def _retrying(self, call: Callable[[], T]) -> T:
        for attempt in range(self.retries + 1):
            try:
                return call()
            except Exception as exc:  # noqa: BLE001
                if not _retryable(exc) or attempt == self.retries:
                    raise self._error(exc) from None
                self._wait(attempt, exc)
        raise AssertionError("unreachable")

    def _wait(self, attempt: int, exc: Exception) -> None:
        delay = min(self.backoff * (2**attempt), self.max_backoff)
        log.info("LLM %s: %s; retry %d/%d in %.1fs", self.name, self._describe(exc), attempt + 1, self.retries, delay)
        time.sleep(delay)

    def _error(self, exc: Exception) -> LLMError:
        return LLMError(f"大模型 {self.name} 调用失败：{self._describe(exc)}")

    def _describe(self, exc: Exception) -> str:
        """A one-line reason, with the key scrubbed however the library phrased the error."""
        status = _status(exc)
        if isinstance(exc, _Malformed):
            reason = f"回复格式有误：{exc}"
        elif _is_timeout(exc):
            reason = f"超时：{self.timeout:g} 秒内没有回复"
        elif status is not None:
            reason = f"HTTP {status}" + (f"（{_STATUS_ZH[status]}）" if status in _STATUS_ZH else
                                         "（服务器出错）" if status >= 500 else "")
        elif _is_connection(exc):
            reason = "无法连接服务器，请检查服务地址和网络"
        else:  # the library's own (English) words go to the log, the reader gets the kind of failure
            detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
            log.info("LLM %s: unreadable reply: %s", self.name, detail.replace(self._secret, "***") if self._secret else detail)
            reason = f"回复格式有误（{type(exc).__name__}）"
        line = " ".join(str(reason).split())[:200]
        return line.replace(self._secret, "***") if self._secret else line


class OpenAILLM(ChatLLM):
    """Any OpenAI-compatible endpoint (DeepSeek, DashScope/Qwen, GLM, Moonshot, vLLM, llama.cpp, LM Studio)."""

    def __init__(self, settings: Settings) -> None:
        from langchain_openai import ChatOpenAI

        if not settings.model.strip():
            raise InputError("ASSISTANT_LLM=openai 需要模型名：请设置 ASSISTANT_MODEL")
        if not settings.openai_base_url.strip():
            raise InputError("ASSISTANT_LLM=openai 需要接口地址：请设置 OPENAI_BASE_URL")
        key = settings.openai_api_key.get_secret_value() or NO_KEY
        # max_tokens goes out as max_completion_tokens; servers that only know the older name (llama.cpp,
        # vLLM, DeepSeek) get it in the body too, so the limit holds everywhere.
        chat = ChatOpenAI(base_url=settings.openai_base_url, api_key=key, model=settings.model,
                          timeout=settings.llm_timeout, max_retries=0, temperature=settings.temperature,
                          max_tokens=settings.llm_max_tokens, extra_body={"max_tokens": settings.llm_max_tokens})
        super().__init__(settings.model, chat, settings.llm_retries, settings.llm_timeout, secret=key)


class OllamaLLM(ChatLLM):
    """A local Ollama server."""

    def __init__(self, settings: Settings) -> None:
        from langchain_ollama import ChatOllama

        if not settings.model.strip():
            raise InputError("ASSISTANT_LLM=ollama 需要模型名：请设置 ASSISTANT_MODEL")
        if not settings.ollama_base_url.strip():
            raise InputError("ASSISTANT_LLM=ollama 需要服务地址：请设置 OLLAMA_BASE_URL")
        chat = ChatOllama(base_url=settings.ollama_base_url, model=settings.model, temperature=settings.temperature,
                          num_predict=settings.llm_max_tokens, client_kwargs={"timeout": settings.llm_timeout})
        super().__init__(settings.model, chat, settings.llm_retries, settings.llm_timeout)


def make_llm(settings: Settings) -> LLM:
    """The backend chosen by ASSISTANT_LLM (none → the offline stand-in)."""
    if settings.llm == "openai":
        return OpenAILLM(settings)
    if settings.llm == "ollama":
        return OllamaLLM(settings)
    return OfflineLLM()


# ---- helpers -------------------------------------------------------------------------------------


def _messages(system: str, user: str) -> list[tuple[str, str]]:
    return [("system", system), ("human", user)]


def _finish_reason(chunk: Any) -> str | None:
    """Why the server stopped, from the last chunk (OpenAI: finish_reason; Ollama: done_reason)."""
    meta = getattr(chunk, "response_metadata", None) or {}
    reason = meta.get("finish_reason") or meta.get("done_reason")
    return str(reason) if reason else None


def _text(content: Any) -> str:
    """Message content as text: a string, or a list of content blocks (some providers)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [b if isinstance(b, str) else b.get("text", "") for b in content if isinstance(b, (str, dict))]
        return "".join(parts)
    raise _Malformed(f"回复内容的类型无法识别（{type(content).__name__}）")


def _status(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    if status is None:
        status = getattr(getattr(exc, "response", None), "status_code", None)
    return status if isinstance(status, int) and status >= 400 else None  # a 200 with a bad body is malformed


def _chain(exc: BaseException) -> list[BaseException]:
    out, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        out.append(exc)
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return out


def _is_timeout(exc: BaseException) -> bool:
    import httpx

    return any(isinstance(e, (TimeoutError, httpx.TimeoutException)) or "Timeout" in type(e).__name__
               for e in _chain(exc))


def _is_connection(exc: BaseException) -> bool:
    import httpx

    return any(isinstance(e, (ConnectionError, httpx.TransportError)) or "Connection" in type(e).__name__
               for e in _chain(exc))


def _retryable(exc: BaseException) -> bool:
    """Retry transient trouble; never a 4xx such as a wrong key or unknown model (retrying cannot fix it)."""
    status = _status(exc)
    if status is not None and 400 <= status < 500:
        return status in (408, 409, 429)
    return True
