"""One webhook HTTP POST over the stdlib (http.client): to the address the SSRF guard checked, never
following a redirect, with a 3 s connect and a 10 s total timeout, and at most 1 KB of the answer kept.

http.client is enough here (one POST, no pooling, no redirects wanted) and lets the connection go to the
checked address while TLS still verifies the certificate for the URL's host name.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import http.client
import socket
import ssl
import time

from app.services.ssrf import Target

CONNECT_TIMEOUT = 3.0
TOTAL_TIMEOUT = 10.0
KEEP_BYTES = 1024


@dataclasses.dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt got: the status (None without an answer), an error text, whether to try again."""

    status: int | None
    error: str | None
    retry: bool

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def sign(secret: str, body: bytes) -> str:
    """The X-DeltaDesk-Signature-256 value: sha256=<hex HMAC-SHA256 of the raw body>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a fixed address, verifying the certificate (and sending SNI) for the URL's host."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), timeout=CONNECT_TIMEOUT)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), timeout=CONNECT_TIMEOUT)


def post(target: Target, body: bytes, headers: dict[str, str], total: float = TOTAL_TIMEOUT) -> Outcome:
    """POST `body` to the target; retry on no answer, 5xx and 429. A 3xx is not followed (it counts as failed)."""
    started = time.monotonic()
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    conn = kind(target, timeout=total)
    try:
        conn.request("POST", target.path, body=body, headers={"Content-Type": "application/json", **headers})
        if conn.sock is not None:
            conn.sock.settimeout(max(0.1, total - (time.monotonic() - started)))
        response = conn.getresponse()
        head = response.read(KEEP_BYTES).decode("utf-8", "replace")
    except TimeoutError:
        return Outcome(None, "timed out", True)
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(None, f"connection failed: {type(exc).__name__}: {str(exc)[:200]}", True)
    finally:
        conn.close()
    status = response.status
    if 200 <= status < 300:
        return Outcome(status, None, False)
    if 300 <= status < 400:
        return Outcome(status, f"HTTP {status}: redirect to {response.getheader('Location', '?')[:200]} not followed",
                       False)
    return Outcome(status, f"HTTP {status}: {head}"[:KEEP_BYTES], status >= 500 or status == 429)
