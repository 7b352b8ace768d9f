"""A real server for a test app and a reader of its server-sent events over http.client."""

from __future__ import annotations

import contextlib
import http.client
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from flask import Flask
from werkzeug.serving import make_server


@contextlib.contextmanager
def served(app: Flask) -> Iterator[tuple[str, int]]:
    """A threaded werkzeug server for `app`: yields (host, port), then shuts it down."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", server.server_port
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Message:
    id: str = ""
    data: str = ""
    comments: list[str] = field(default_factory=list)
    retry: str = ""


class Stream:
    """One open GET /events/stream, read message by message (a blank line ends each)."""

    def __init__(self, address: tuple[str, int], topics: str, headers: dict[str, str] | None = None,
                 query: str = "") -> None:
        self.conn = http.client.HTTPConnection(*address, timeout=10)
        self.conn.request("GET", f"/events/stream?topics={topics}{query}", headers=headers or {})
        self.response = self.conn.getresponse()

    def next(self) -> Message:
        """The next message or comment block; raises TimeoutError when none comes within 10 s."""
        message = Message()
        while True:
            line = self.response.fp.readline().decode()
            if not line:
                raise EOFError("the stream ended")
            line = line.rstrip("\n")
            if not line:
                if message.id or message.data or message.comments or message.retry:
                    return message
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "":
                message.comments.append(value)
            elif name == "data":
                message.data += ("\n" if message.data else "") + value
            elif name in ("id", "retry"):
                setattr(message, name, value)

    def until(self, text: str, seconds: float = 5.0) -> Message:
        """The first message whose data contains `text`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            message = self.next()
            if text in message.data:
                return message
        raise AssertionError(f"no message with {text!r} within {seconds} s")

    def close(self) -> None:
        """Hang up (the response holds the socket too: close both, or the server never sees it go)."""
        self.response.close()
        self.conn.close()
