"""Links back to the app that a plain url_for cannot build: absolute ones for embeds (their error card too)
and the site-absolute links of stored markdown, moved under the mount point."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request, url_for
from markupsafe import Markup, escape

from app.core.context import services


def public_url() -> str:
    """The configured PUBLIC_URL without its trailing slash ("" when unset: links then follow the Host)."""
    return services().config["PUBLIC_URL"].strip().rstrip("/")


def base_url() -> str:
    """The origin embeds name in their CSP and ETag: PUBLIC_URL, else the request's own host. Built from
    the Host header only on responses no shared cache may keep (see embed's `_cached`), so a forged Host
    cannot poison a cache for everyone. Links themselves are built by `app_url`."""
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
