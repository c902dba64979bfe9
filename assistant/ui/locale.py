"""Gradio's own chrome in Chinese whatever the browser's language.

Gradio 6 picks its UI language in the browser from `navigator.language` (svelte-i18n, no server option), so
an en-US browser shows "Drop File Here", an English footer and "Error" toasts. The page is served with a
tiny script at the top of <head> that reports zh-CN to Gradio's i18n before it starts; the zh-CN strings are
Gradio's own. It runs as an ASGI middleware on the page HTML only (API calls and the event stream pass
through untouched).
"""
from __future__ import annotations

from typing import Any

LOCALE = "zh-CN"
FORCE_LOCALE_JS = (
    "<script>(function(){try{var p=Object.getPrototypeOf(navigator);"
    f"Object.defineProperty(p,'language',{{get:function(){{return '{LOCALE}'}},configurable:true}});"
    f"Object.defineProperty(p,'languages',{{get:function(){{return ['{LOCALE}','zh']}},configurable:true}});"
    f"document.documentElement.lang='{LOCALE}';"
    "}catch(e){}})();</script>"
)
_HEAD = b"<head>"


def inject(html: bytes) -> bytes:
    """The page with the locale script as the first thing in <head> (unchanged when there is no <head>)."""
    at = html.find(_HEAD)
    if at < 0:
        return html
    at += len(_HEAD)
    return html[:at] + FORCE_LOCALE_JS.encode() + html[at:]


class ForceLocale:
    """ASGI middleware: every HTML page response gets the locale script; everything else passes through."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope.get("type") != "http" or scope.get("method") != "GET" or "/gradio_api/" in scope.get("path", ""):
            await self.app(scope, receive, send)
            return
        start: dict = {}
        body = bytearray()

        async def capture(message: dict) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                if not _is_html(message):
                    await send(message)
                return
            if not _is_html(start):
                await send(message)
                return
            body.extend(message.get("body", b""))
            if not message.get("more_body", False):
                page = inject(bytes(body))
                headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(page)).encode()))
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, capture)


def _is_html(start: dict) -> bool:
    headers = dict((k.lower(), v) for k, v in start.get("headers", []))
    return headers.get(b"content-type", b"").startswith(b"text/html") and b"content-encoding" not in headers


def app_kwargs() -> dict:
    """`launch(app_kwargs=...)` that installs the middleware in Gradio's FastAPI app."""
    from starlette.middleware import Middleware

    return {"middleware": [Middleware(ForceLocale)]}
