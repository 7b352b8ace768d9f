"""Embeddable read-only fragments (/embed/...) for other portals: htmx hx-get (CORS) or an iframe.

Cross-origin rules come from EMBED_ALLOWED_ORIGINS: the Origin is echoed only when listed, preflights allow
the htmx request headers, and `frame-ancestors` lists the same origins. Responses carry an ETag derived from
the data version so pollers get 304 Not Modified while nothing changed; no session cookie is ever needed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template, request
from werkzeug.wrappers import Response

from app.core.context import current_actor, services
from app.web.links import base_url, public_url
from app.web.rendering import wants_fragment

bp = Blueprint("embed", __name__, url_prefix="/embed")

HTMX_HEADERS = ("HX-Request", "HX-Request-Type", "HX-Source", "HX-Target", "HX-Current-URL", "HX-Boosted",
                "HX-History-Restore-Request", "HX-Trigger", "If-None-Match")
MAX_AGE_PREFLIGHT = "600"
LIST_PARAMS = ("type", "platform", "assignee", "author", "q", "sort", "page", "page_size", "updated_since")


def _allowed_origins() -> list[str]:
    return services().config.embed_origins


@bp.before_request
def _preflight() -> Response | None:
    """Answer CORS preflights ourselves: listed origins get the allowed methods and headers, others 403."""
    if request.method != "OPTIONS":
        return None
    origin = request.headers.get("Origin", "").rstrip("/")
    if origin not in _allowed_origins():
        return Response("Origin not allowed to embed.", status=403, mimetype="text/plain")
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = ", ".join(HTMX_HEADERS)
    response.headers["Access-Control-Max-Age"] = MAX_AGE_PREFLIGHT
    return response


@bp.after_request
def _embed_headers(response: Response) -> Response:
    """CORS echo for listed origins, framing allowed only for them, caching keyed on the variants."""
    origins = _allowed_origins()
    origin = request.headers.get("Origin", "").rstrip("/")
    if origin and origin in origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "ETag"
    response.vary.update(("Origin", "HX-Request", "HX-Request-Type"))
    ancestors = " ".join(origins) or "'none'"
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'self' {base_url()}; img-src 'self' data:; base-uri 'none'; "
        f"form-action 'none'; frame-ancestors {ancestors}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _etag(extra: str = "") -> str:
    """Data version + the exact request variant (path, query, fragment or document, viewer)."""
    version = services().portal.data_version(current_actor())
    variant = f"{request.full_path}|{wants_fragment()}|{base_url()}|{extra}"
    return f"{version}-{hashlib.sha256(variant.encode()).hexdigest()[:16]}"


def _cached(template: str, load: Callable[[], dict[str, Any]], extra: str = "") -> Response:
    """304 when the client's ETag still matches; otherwise load the data and render the fragment."""
    etag = _etag(extra)
    private = (current_actor() is not None or not public_url()
               or not services().work_items.allow_anonymous_read)
    headers = {"ETag": f'"{etag}"', "Cache-Control": f"{'private' if private else 'public'}, no-cache, max-age=0"}
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    body = render_template(template, fragment=wants_fragment(), **load())
    return Response(body, status=200, headers=headers, mimetype="text/html")


@bp.get("/work-items")
def work_items() -> Response:
    """A page of the filtered list (known parameters only, the first of a repeated one; state may repeat)."""
    params: dict[str, Any] = {name: request.args.get(name) for name in LIST_PARAMS if name in request.args}
    if "state" in request.args:
        params["state"] = request.args.getlist("state")
    return _cached("embed/work_items.html", lambda: {"page": services().work_items.list(current_actor(), params),
                                                     "params": params})


@bp.get("/work-items/<item_id>")
def work_item(item_id: str) -> Response:
    return _cached("embed/work_item.html", lambda: {"view": services().work_items.get(item_id[:64], current_actor())})


@bp.get("/status")
def status() -> Response:
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")  # the 14-day window moves daily without new data
    return _cached("embed/status.html", lambda: {"board": services().portal.status(current_actor())}, today)


@bp.get("/roadmap")
def roadmap() -> Response:
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    return _cached("embed/roadmap.html", lambda: {"columns": services().portal.roadmap(current_actor())}, today)
