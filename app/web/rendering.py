"""Full page or fragment: one route serves both, chosen by htmx's request headers (with Vary set)."""

from __future__ import annotations

from typing import Any

from flask import Response, make_response, render_template, request

VARY = ("HX-Request", "HX-Request-Type")


def wants_fragment() -> bool:
    """True for an htmx request that expects a fragment (not boosted/full navigation or a history restore)."""
    if request.headers.get("HX-Request") != "true":
        return False
    if request.headers.get("HX-History-Restore-Request") == "true":
        return False
    return request.headers.get("HX-Request-Type", "partial") != "full"


def add_vary(response: Response) -> Response:
    """Caches must key on the htmx headers because the same URL answers a page or a fragment."""
    current = response.headers.get("Vary")
    if current:  # keep what is there (a plain header write: werkzeug's HeaderSet re-parses on every add)
        names = [name.strip() for name in current.split(",") if name.strip()]
        response.headers["Vary"] = ", ".join(dict.fromkeys([*names, *VARY]))
    else:
        response.headers["Vary"] = ", ".join(VARY)
    return response


def render(page: str, fragment: str, /, status: int = 200, headers: dict[str, str] | None = None,
           **context: Any) -> Response:
    """Render `fragment` for htmx partial requests, else the full `page`; always with Vary."""
    template = fragment if wants_fragment() else page
    response = make_response(render_template(template, **context), status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return add_vary(response)


def render_fragment(template: str, /, status: int = 200, headers: dict[str, str] | None = None,
                    **context: Any) -> Response:
    """Render a fragment regardless of headers (answers to htmx writes)."""
    response = make_response(render_template(template, **context), status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return add_vary(response)
