"""MAX_CONTENT_LENGTH for chunked request bodies too (issue #11: they were cut at the limit and processed).

Werkzeug checks the limit against `Content-Length`; a body sent with `Transfer-Encoding: chunked` has
none, so Werkzeug wraps it in a stream that silently stops at the limit, and the truncated body was
parsed (305 KB of JSON with trailing spaces: 201). This WSGI middleware reads such a body up to one
byte past the limit and hands the app a buffered body with a real `Content-Length`: within the limit
the request proceeds as if the client had sent the length; beyond it the length says limit + 1, so the
app's usual checks answer 413 through its own error handlers (JSON under /api/, page or htmx fragment
elsewhere). Only chunked bodies are touched: reading a body without a length could block on servers
that do not terminate the input.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
READ_SIZE = 64 * 1024
DRAIN_FACTOR = 16  # an over-long body is read (and dropped) up to this many limits, so the client gets the 413


def read_at_most(stream: Any, limit: int) -> bytes:
    """Up to `limit` bytes of the stream (fewer when it ends first)."""
    parts: list[bytes] = []
    left = limit
    while left > 0:
        data = stream.read(min(READ_SIZE, left))
        if not data:
            break
        parts.append(data)
        left -= len(data)
    return b"".join(parts)


def drain(stream: Any, limit: int) -> None:
    """Read and drop up to `limit` more bytes (a bigger body is cut off by the connection closing)."""
    left = limit
    while left > 0:
        data = stream.read(min(READ_SIZE, left))
        if not data:
            return
        left -= len(data)


class ChunkedBodyLimit:
    """Buffer chunked bodies (at most `limit` + 1 bytes) and give them a Content-Length the app can check."""

    def __init__(self, app: WSGIApp, limit: Callable[[], int | None]) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        limit = self.limit()
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if limit is not None and chunked and not environ.get("CONTENT_LENGTH"):
            body = read_at_most(environ["wsgi.input"], limit + 1)
            if len(body) > limit:  # answer only once the client stopped sending, or it sees a reset, not the 413
                drain(environ["wsgi.input"], limit * DRAIN_FACTOR)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))  # limit + 1 when the body was longer: a 413
            del environ["HTTP_TRANSFER_ENCODING"]  # no longer chunked (Werkzeug ignores a length beside it)
        return self.app(environ, start_response)


def init_body_limit(app: Flask) -> None:
    """Wrap the app's WSGI callable once (calling this again does nothing); the limit is read per request,
    so a test or config change to MAX_CONTENT_LENGTH applies."""
    if isinstance(app.wsgi_app, ChunkedBodyLimit):
        return
    app.wsgi_app = ChunkedBodyLimit(app.wsgi_app, lambda: app.config.get("MAX_CONTENT_LENGTH"))  # type: ignore[method-assign]
