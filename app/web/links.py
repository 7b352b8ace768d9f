"""Absolute links back to the app, for fragments shown on other sites (embeds and their error page)."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request, url_for
from markupsafe import Markup, escape

from app.core.context import services


def public_url() -> str:
    """The configured PUBLIC_URL without its trailing slash ("" when unset: links then follow the Host)."""
    return services().config["PUBLIC_URL"].strip().rstrip("/")


def base_url() -> str:
    """Absolute base for links back to the app: PUBLIC_URL, else the request's own host and mount point.
    Built from the Host header only on responses no shared cache may keep (see embed's `_cached`), so a
    forged Host cannot poison a cache for everyone."""
    return public_url() or request.host_url.rstrip("/")


def app_url(endpoint: str, **values: Any) -> str:
    """Absolute URL of an endpoint for pages on other sites: url_for's path (with the mount point) on the
    request's host, or PUBLIC_URL (which names the mounted app itself) followed by the path inside the app."""
    path = url_for(endpoint, **values)
    public = public_url()
    if public:
        return public + path[len(request.script_root):]
    return request.host_url.rstrip("/") + path


def under_mount(html: Markup) -> Markup:
    """Site-absolute links (href="/...") of stored markdown moved under the app's mount point, so docs
    written as "/glossary#severity" keep working when the app is served from a prefix."""
    root = request.script_root if has_request_context() else ""
    if not root:
        return html
    return Markup(str(html).replace(' href="/', f' href="{escape(root)}/'))
