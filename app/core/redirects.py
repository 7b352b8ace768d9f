"""Same-origin redirect targets: `next=` after sign-in must never send a browser to another site.

Browsers are generous with what they call a URL: they drop tabs and newlines (`/<TAB>/evil` becomes
`//evil`), treat `\\` as `/`, and some proxies decode `%2F` before routing. So the target is normalized
first (every layer of percent-decoding, Unicode NFKC so that a fullwidth `／` becomes `/`) and only then
checked; what passes is sent back percent-encoded, pure printable ASCII.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote, unquote, urlsplit

MAX_TARGET = 2048
DECODE_ROUNDS = 4
# Kept as they are in the Location header; everything else is percent-encoded.
SAFE_CHARS = "/?&=#%+:@!$'()*,;~-._"


def _path_part(target: str) -> str:
    return target.split("?", 1)[0].split("#", 1)[0]


def _decoded_layers(target: str) -> list[str] | None:
    """The target after 0, 1, 2, ... rounds of percent-decoding, each NFKC-normalized; None if it never settles."""
    layers, current = [], target
    for _ in range(DECODE_ROUNDS):
        layers.append(unicodedata.normalize("NFKC", current))
        decoded = unquote(current)
        if decoded == current:
            return layers
        current = decoded
    return None


def _has_invisible(text: str) -> bool:
    """Control or format characters, or any blank other than a plain space: browsers may drop or reinterpret them."""
    return any(unicodedata.category(c)[0] in "CZ" and c != " " for c in text)


def _path_is_local(path: str) -> bool:
    """A decoded path is local when it is printable ASCII starting with exactly one `/` and has no backslash."""
    return (path.startswith("/") and not path.startswith("//") and "\\" not in path
            and path.isascii() and path.isprintable())


def safe_redirect_target(target: str | None) -> str | None:
    """`target` as a percent-encoded same-origin path (with its query and fragment), or None if it is not one."""
    if not target or len(target) > MAX_TARGET or _has_invisible(target):
        return None
    try:
        parts = urlsplit(target)
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        return None
    layers = _decoded_layers(target)
    if layers is None or any(_has_invisible(layer) for layer in layers):
        return None
    if not all(_path_is_local(_path_part(layer)) for layer in layers):
        return None
    return quote(target, safe=SAFE_CHARS)


def safe_next(target: str | None, default: str) -> str:
    """The target when it is a same-origin path, else the default (never an absolute or protocol-relative URL)."""
    return safe_redirect_target(target) or default
