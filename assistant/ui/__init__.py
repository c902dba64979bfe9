"""The web UI (Gradio): `build_app(ctx)` for tests and embedding, `serve(ctx, host, port)` for `assistant serve`."""
from assistant.ui.app import build_app, parse_auth, serve

__all__ = ["build_app", "parse_auth", "serve"]
