"""`url_for` for templates, remembered: a page builds a dozen links and each build walks werkzeug's
routing map (about 11 µs), while the same links come up again on every view of the same pages.

A link depends only on the endpoint, its arguments and where the app is mounted (`script_root`), so
those are the key. Relative endpoints (".x", resolved against the current blueprint), external links
(host and scheme) and unhashable arguments are built directly every time.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, request, url_for

from app.bounded_cache import BoundedCache

MAX_ENTRIES = 20_000  # short strings: a couple of MiB at most


class UrlMemo:
    """The Jinja global `url_for`: same arguments and result as flask.url_for."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._urls: BoundedCache[str] = BoundedCache(max_entries)

    def __call__(self, endpoint: str, **values: Any) -> str:
        if endpoint.startswith(".") or "_external" in values or "_scheme" in values or not has_request_context():
            return url_for(endpoint, **values)
        key = (request.script_root, endpoint, *sorted(values.items()))
        try:
            found = self._urls.get(key)
        except TypeError:  # a list or dict argument
            return url_for(endpoint, **values)
        return found if found is not None else self._urls.put(key, url_for(endpoint, **values))


def cached_url_for(endpoint: str, **values: Any) -> str:
    """The current app's remembering url_for, for Python code that builds many links."""
    memo: UrlMemo = current_app.jinja_env.globals["url_for"]  # type: ignore[assignment]
    return memo(endpoint, **values)


def init_url_memo(app: Flask) -> None:
    """Templates' `url_for` becomes the app's remembering one (one per app: apps may mount differently)."""
    app.jinja_env.globals["url_for"] = UrlMemo()
