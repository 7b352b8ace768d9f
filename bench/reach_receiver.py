"""A real webhook receiver for the reach bench: an HTTP server on 127.0.0.1 that answers 204 to every POST
and counts the distinct deliveries (X-DeltaDesk-Delivery) each path got, so the bench can tell that every
delivery arrived instead of trusting the dispatcher's own bookkeeping."""

from __future__ import annotations

import threading
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """Start with `start()`, read `count(path)` or `total()`, end with `stop()`."""

    def __init__(self) -> None:
        self.seen: dict[str, set[str]] = defaultdict(set)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.seen[self.path].add(self.headers.get("X-DeltaDesk-Delivery", ""))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                """Quiet: the bench prints its own figures."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="reach-receiver", daemon=True)

    def start(self) -> Receiver:
        self.thread.start()
        return self

    def count(self, path: str) -> int:
        with self.lock:
            return len(self.seen.get(path, ()))

    def total(self) -> int:
        with self.lock:
            return sum(len(ids) for ids in self.seen.values())

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
