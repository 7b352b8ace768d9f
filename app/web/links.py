"""Absolute links back to the app, for fragments shown on other sites (embeds and their error page)."""

from __future__ import annotations

from flask import current_app, request


def public_url() -> str:
    """The configured PUBLIC_URL without its trailing slash ("" when unset: links then follow the Host)."""
    return current_app.config["DD"]["PUBLIC_URL"].strip().rstrip("/")


def base_url() -> str:
    """Absolute base for links back to the app: PUBLIC_URL, else the request's own host and mount point.
    Built from the Host header only on responses no shared cache may keep (see embed's `_cached`), so a
    forged Host cannot poison a cache for everyone."""
    return public_url() or request.host_url.rstrip("/")
