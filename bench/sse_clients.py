"""Many open GET /events/stream connections read by one thread (bench/streams.py): each connection counts the
messages it receives and when each arrived, so a write's reach is the time until the last stream has it;
and the two plain HTTP calls the bench makes beside them."""

from __future__ import annotations

import json
import selectors
import socket
import threading
import time
import urllib.request
from typing import Any

MESSAGE = b"\nid: "  # each live message starts with its id line (heartbeats are comment lines, not counted)


class SseConnection:
    """One stream: its HTTP status and the arrival time of each message."""

    def __init__(self, sock: socket.socket, status: int) -> None:
        self.sock = sock
        self.status = status
        self.arrivals: list[float] = []
        self._tail = b""

    def feed(self, data: bytes, now: float) -> None:
        seen = (self._tail + data).count(MESSAGE)
        self.arrivals.extend([now] * seen)
        self._tail = (self._tail + data)[-(len(MESSAGE) - 1):]


def open_stream(host: str, port: int, path: str, user: str) -> SseConnection:
    """Send the request and read the response head (blocking); the caller keeps reading it in the loop."""
    sock = socket.create_connection((host, port), timeout=30)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nX-Forwarded-Email: {user}\r\n"
                 "Accept: text/event-stream\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            break
        head += chunk
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    connection = SseConnection(sock, status)
    connection.feed(head.split(b"\r\n\r\n", 1)[-1], time.perf_counter())
    return connection


class SseClients:
    """Open streams, read in one background thread; open them all first, then start()."""

    def __init__(self) -> None:
        self.connections: list[SseConnection] = []
        self.retried = 0  # streams a full worker refused (503) and that were opened again, as a browser would
        self._selector = selectors.DefaultSelector()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="sse-clients", daemon=True)

    def open(self, host: str, port: int, path: str, user: str, attempts: int = 20) -> SseConnection:
        for _ in range(attempts):
            connection = open_stream(host, port, path, user)
            if connection.status == 200:
                connection.sock.setblocking(False)
                self._selector.register(connection.sock, selectors.EVENT_READ, connection)
                self.connections.append(connection)
                return connection
            connection.sock.close()
            self.retried += 1
            time.sleep(0.2)
        raise RuntimeError(f"{path} was refused {attempts} times")

    def start(self) -> None:
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            for key, _ in self._selector.select(0.2):
                try:
                    data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                except BlockingIOError:
                    continue
                if not data:  # the server ended this stream: stop watching it
                    self._selector.unregister(key.fileobj)
                    continue
                key.data.feed(data, time.perf_counter())

    def counts(self) -> list[int]:
        """How many messages each stream has received so far."""
        return [len(c.arrivals) for c in self.connections]

    def wait_for(self, before: list[int], timeout: float = 10.0) -> float | None:
        """When the last stream received its next message after `before` (counts()); None if one did not within
        `timeout`."""
        deadline = time.perf_counter() + timeout
        pairs = list(zip(self.connections, before, strict=True))
        while time.perf_counter() < deadline:
            if all(len(c.arrivals) > n for c, n in pairs):
                return max(c.arrivals[n] for c, n in pairs)
            time.sleep(0.01)
        return None

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        for connection in self.connections:
            connection.sock.close()


def post(url: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST JSON as the bench's writer; the answer's JSON."""
    request = urllib.request.Request(url + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"X-Forwarded-Email": "bench.writer@example.com",
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def timed_get(url: str) -> dict[str, float]:
    """One page view: its size and time (the status board a status stream would carry on an incident change)."""
    started = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers={"X-Forwarded-Email": "bench@example.com"}),
                                timeout=60) as response:
        size = len(response.read())
    return {"kib": size / 1024, "ms": (time.perf_counter() - started) * 1000}
