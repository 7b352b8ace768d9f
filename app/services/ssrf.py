"""Where a webhook may send requests: the SSRF guard, applied at creation and again at every delivery.

Only http and https URLs; the host is resolved and every address it resolves to must be public: loopback,
link-local (169.254.0.0/16, where cloud metadata services live, and fe80::/10), private (10/8, 172.16/12,
192.168/16, fc00::/7, 100.64/10), unspecified, multicast and reserved addresses are refused, IPv4-mapped IPv6
addresses as their IPv4 address. A host named in WEBHOOK_ALLOWED_HOSTS (exact, case-insensitive) skips the
address check (tests and in-house receivers). Delivery connects to the address checked here, never to a fresh
lookup, so a DNS answer that changes between check and connect (rebinding) cannot redirect it.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

Resolver = Callable[[str, int], list[str]]
MAX_URL = 2000


class UnsafeUrl(ValueError):
    """The URL may not be called: the message says why, for the admin who entered it."""


@dataclasses.dataclass(frozen=True, slots=True)
class Target:
    """A checked URL: connect to `address`:`port`, send Host `host` and request `path`."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to (IPv4 and IPv6)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeUrl(f"The host {host!r} could not be resolved.") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def refused_reason(address: str) -> str | None:
    """Why an address is not public (None when it is)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    checks = (("loopback", ip.is_loopback), ("link-local", ip.is_link_local), ("unspecified", ip.is_unspecified),
              ("multicast", ip.is_multicast), ("reserved", ip.is_reserved),
              ("shared (carrier-grade NAT)", ip in ipaddress.ip_network("100.64.0.0/10")),
              ("private", ip.is_private), ("not globally routable", not ip.is_global))
    return next((f"{name} address {ip}" for name, hit in checks if hit), None)


def allowed_hosts(setting: str) -> frozenset[str]:
    return frozenset(h.strip().lower() for h in setting.split(",") if h.strip())


def check_url(url: str, allowed: Iterable[str] = (), resolver: Resolver = resolve) -> Target:
    """The URL as a Target to connect to, or UnsafeUrl saying why it may not be called."""
    if not isinstance(url, str) or not url.strip() or len(url) > MAX_URL:
        raise UnsafeUrl(f"Give an http or https URL of at most {MAX_URL} characters.")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise UnsafeUrl("Only http and https URLs can receive webhooks.")
    if parts.username or parts.password:
        raise UnsafeUrl("Put no user name or password in the URL; the body is signed instead.")
    try:
        host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeUrl("The URL's port is not a number from 1 to 65535.") from exc
    if not host:
        raise UnsafeUrl("The URL has no host.")
    addresses = resolver(host, port)
    if not addresses:
        raise UnsafeUrl(f"The host {host!r} could not be resolved.")
    if host.lower() not in {h.lower() for h in allowed}:
        for address in addresses:
            reason = refused_reason(address)
            if reason:
                raise UnsafeUrl(f"The host {host!r} resolves to a {reason}; webhooks only call public addresses.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, addresses[0])
