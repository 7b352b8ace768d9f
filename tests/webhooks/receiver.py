"""A real webhook receiver for the tests: http.server on 127.0.0.1 in a thread, checking every signature.

`fail_first` answers 500 to the first N attempts of each delivery id, `fail_items` to every delivery about those
item ids; `delay` holds each answer (so a test can
kill a sender mid-delivery). Everything received is kept in `received` (delivery id, event, body, signature ok).
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclasses.dataclass
class Received:
    delivery_id: str
    event: str
    body: dict[str, Any]
    signature_ok: bool
    status: int


class Receiver:
    def __init__(self, secret: str = "", fail_first: int = 0, delay: float = 0.0, status: int = 200,
                 headers: dict[str, str] | None = None) -> None:
        self.secret, self.fail_first, self.delay, self.status = secret, fail_first, delay, status
        self.extra_headers = headers or {}
        self.fail_items: set[str] = set()
        self.received: list[Received] = []
        self.attempts: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, name="test-receiver", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def delivered_ids(self) -> set[str]:
        with self.lock:
            return {r.delivery_id for r in self.received if r.status == 200}

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.delivered_ids()) >= count:
                return True
            time.sleep(0.05)
        return False

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                expected = "sha256=" + hmac.new(receiver.secret.encode(), raw, hashlib.sha256).hexdigest()
                sig_ok = hmac.compare_digest(expected, self.headers.get("X-DeltaDesk-Signature-256", ""))
                delivery = self.headers.get("X-DeltaDesk-Delivery", "")
                time.sleep(receiver.delay)
                with receiver.lock:
                    receiver.attempts[delivery] += 1
                    body = json.loads(raw)
                    failing = (receiver.attempts[delivery] <= receiver.fail_first
                               or (body.get("item") or {}).get("id") in receiver.fail_items)
                    status = 500 if failing else receiver.status
                    receiver.received.append(Received(delivery, self.headers.get("X-DeltaDesk-Event", ""),
                                                      body, sig_ok, status))
                try:
                    self.send_response(status)
                    for name, value in receiver.extra_headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting (a timeout test) or was killed

            def log_message(self, *args: object) -> None:
                pass

        return Handler
