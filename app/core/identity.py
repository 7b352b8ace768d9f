"""Who is calling: proxy headers (only in proxy mode), the dev sign-in session, or nothing."""

from __future__ import annotations

from flask import Flask, g, request, session

from app.core.rbac import RoleMap
from app.models import Actor

PROXY_HEADERS = ("X-Forwarded-Email", "X-Forwarded-Preferred-Username")


def identity_from_request(auth_mode: str) -> str | None:
    """The caller's identity string for this request, per AUTH_MODE; headers count only in proxy mode."""
    if auth_mode == "proxy":
        for header in PROXY_HEADERS:
            value = request.headers.get(header, "").strip()
            if value:
                return value.lower()
        return None
    if auth_mode == "dev":
        user = session.get("user")
        return str(user).lower() if user else None
    return None


def init_identity(app: Flask, role_map: RoleMap) -> None:
    """Resolve the actor once per request into g.actor."""
    auth_mode = app.config["DD"]["AUTH_MODE"]

    @app.before_request
    def _load_actor() -> None:
        if getattr(g, "actor", None) is not None:
            return
        identity = identity_from_request(auth_mode)
        g.actor = Actor(identity, role_map.role_of(identity)) if identity else None
