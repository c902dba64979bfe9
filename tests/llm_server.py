"""A tiny scripted LLM server on 127.0.0.1 for tests: OpenAI `/v1/chat/completions` and Ollama `/api/chat`.

Replies come from a queue (`push(...)`); when it is empty the server answers with `default`. Every request is
recorded (path, headers, JSON body) so tests can check what the real client sent.

Fault modes (issue 20): `status(500)`, `hang(seconds)`, `non_json()`, `cut_off(text)` (the stream closes
mid-sentence without a finish reason), `english()`, `invented()` (numbers and figures nobody gave),
`obedient()` (does what an instruction inside the prompt's data says), `length(text)` (stops at the token limit).
"""
from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    text: str = "好的。"
    status: int = 200
    delay: float = 0.0  # seconds to wait before answering (past the client timeout = a timeout)
    malformed: bool = False  # 200 with a body the client cannot parse
    non_json: bool = False  # 200 with an HTML error page instead of JSON / events
    cut: bool = False  # stream: stop mid-way without a finish reason (the connection just closes)
    finish: str = "stop"  # the finish reason the last chunk carries ("length": the output limit was reached)
    obey: bool = False  # reply with whatever an injected instruction in the request asks for
    trickle: float = 0.0  # seconds between streamed pieces (a slow model)


def text(s: str) -> Reply:
    return Reply(text=s)


def slow(seconds: float, s: str = "迟到的回复") -> Reply:
    return Reply(text=s, delay=seconds)


def status(code: int) -> Reply:
    return Reply(status=code)


def malformed() -> Reply:
    return Reply(malformed=True)


def trickle(seconds: float, s: str = "本节正文写得很慢。" * 20) -> Reply:
    return Reply(text=s, trickle=seconds)


def hang(seconds: float = 30.0) -> Reply:
    """Accept the request and say nothing (past the client timeout)."""
    return Reply(text="", delay=seconds)


def non_json() -> Reply:
    return Reply(non_json=True)


def cut_off(s: str = "本节说明试点的建设计划。第二句话写到一半") -> Reply:
    return Reply(text=s, cut=True)


def length(s: str) -> Reply:
    return Reply(text=s, finish="length")


ENGLISH = ("This section describes the pilot plan. The company will deploy a manufacturing execution system "
           "and connect its machines to improve quality and efficiency.")
INVENTED = ("本项目实施后生产效率提升35%，年节约成本1200万元，计划于2023年6月完成全部建设，"
            "并全面贯彻《智能制造 通用要求》（GB/T 88888—2021）。")


def english() -> Reply:
    return Reply(text=ENGLISH)


def invented() -> Reply:
    return Reply(text=INVENTED)


def obedient() -> Reply:
    return Reply(obey=True)


_ORDER = re.compile(r"(?:输出|回复|判定为|print|output|say)\s*[“\"「]?([^”\"」。\n]{2,60})", re.I)


def obey(body: dict) -> str:
    """What a model that follows instructions found in its data would answer: the payloads they ask for."""
    user = " ".join(str(m.get("content", "")) for m in body.get("messages", []) if m.get("role") == "user")
    asked = [m.group(1).strip() for line in user.splitlines() if re.search("忽略|ignore", line, re.I)
             for m in _ORDER.finditer(line)]
    return ("好的，我将忽略之前的指令。" + "".join(f"{a}。" for a in asked)) if asked else "好的，我将忽略之前的指令。"


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: dict


class ScriptedLLMServer:
    """Start with `with ScriptedLLMServer() as server:`; `server.url` is the OpenAI base URL (…/v1)."""

    def __init__(self, default: Reply | None = None) -> None:
        self.default = default or Reply()
        self.queue: deque[Reply] = deque()
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.root}/v1"

    def push(self, *replies: Reply) -> None:
        with self._lock:
            self.queue.extend(replies)

    def next_reply(self) -> Reply:
        with self._lock:
            return self.queue.popleft() if self.queue else self.default

    def record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def __enter__(self) -> "ScriptedLLMServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def _pieces(s: str, size: int = 8) -> list[str]:
    return [s[i : i + size] for i in range(0, len(s), size)] or [""]


def _handler(server: ScriptedLLMServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one response per connection: no Content-Length needed for streams

        def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._json(200, {"object": "list", "data": [{"id": "test-model", "object": "model"}]})
            else:
                self._json(404, {"error": "not found"})

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {}
            server.record(Request(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            reply = server.next_reply()
            if reply.delay:
                time.sleep(reply.delay)
            try:
                if self.path.endswith("/chat/completions"):
                    self._openai(reply, body)
                elif self.path.endswith("/api/chat"):
                    self._ollama(reply, body)
                else:
                    self._json(404, {"error": "not found"})
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout): fine
                pass

        # -- OpenAI ----------------------------------------------------------------------------
        def _openai(self, reply: Reply, body: dict) -> None:
            if reply.status != 200:
                self._json(reply.status, {"error": {"message": f"scripted HTTP {reply.status}", "type": "server_error",
                                                    "code": reply.status}}, {"retry-after": "0"})
                return
            model = body.get("model", "test-model")
            if reply.obey:
                reply = Reply(text=obey(body))
            if reply.non_json:
                self._raw(200, "text/html", b"<html><body><h1>502 Bad Gateway</h1></body></html>")
                return
            if not body.get("stream"):
                if reply.malformed:
                    self._raw(200, "application/json", b'{"id": "x", "choices": [ {"message": ')
                    return
                self._json(200, {"id": "chatcmpl-1", "object": "chat.completion", "created": int(time.time()),
                                 "model": model, "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": reply.text}}],
                                 "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})
                return
            self._start(200, "text/event-stream")
            if reply.malformed:
                self._write(b"data: {\"id\": \"x\", \"choices\": [ {\"delta\n\n")
                return
            for piece in _pieces(reply.text):
                time.sleep(reply.trickle)
                self._event({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": int(time.time()),
                             "model": model, "choices": [{"index": 0, "delta": {"role": "assistant", "content": piece},
                                                          "finish_reason": None}]})
            if reply.cut:
                return  # HTTP/1.0: closing the connection ends the body; no finish reason, no [DONE]
            self._event({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": int(time.time()),
                         "model": model, "choices": [{"index": 0, "delta": {}, "finish_reason": reply.finish}]})
            self._write(b"data: [DONE]\n\n")

        # -- Ollama ----------------------------------------------------------------------------
        def _ollama(self, reply: Reply, body: dict) -> None:
            if reply.status != 200:
                self._json(reply.status, {"error": f"scripted HTTP {reply.status}"})
                return
            model = body.get("model", "test-model")
            stamp = "2025-01-01T00:00:00Z"
            if reply.obey:
                reply = Reply(text=obey(body))
            if reply.non_json:
                self._raw(200, "text/html", b"<html><body><h1>502 Bad Gateway</h1></body></html>")
                return
            if reply.malformed:
                self._raw(200, "application/x-ndjson", b'{"model": "x", "message": {\n')
                return
            done = {"model": model, "created_at": stamp, "message": {"role": "assistant", "content": ""},
                    "done": True, "done_reason": "stop", "total_duration": 1, "load_duration": 1,
                    "prompt_eval_count": 1, "prompt_eval_duration": 1, "eval_count": 1, "eval_duration": 1}
            if body.get("stream") is False:
                self._json(200, {**done, "message": {"role": "assistant", "content": reply.text}})
                return
            self._start(200, "application/x-ndjson")
            for piece in _pieces(reply.text):
                line = {"model": model, "created_at": stamp, "message": {"role": "assistant", "content": piece},
                        "done": False}
                self._write(json.dumps(line, ensure_ascii=False).encode() + b"\n")
            if reply.cut:
                return
            self._write(json.dumps({**done, "done_reason": reply.finish}).encode() + b"\n")

        # -- plumbing --------------------------------------------------------------------------
        def _start(self, code: int, ctype: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()

        def _write(self, data: bytes) -> None:
            self.wfile.write(data)
            self.wfile.flush()

        def _event(self, data: dict) -> None:
            self._write(b"data: " + json.dumps(data, ensure_ascii=False).encode() + b"\n\n")

        def _raw(self, code: int, ctype: str, data: bytes, headers: dict[str, str] | None = None) -> None:
            self._start(code, ctype, {"Content-Length": str(len(data)), **(headers or {})})
            self._write(data)

        def _json(self, code: int, data: dict, headers: dict[str, str] | None = None) -> None:
            self._raw(code, "application/json", json.dumps(data, ensure_ascii=False).encode(), headers)

    return Handler
