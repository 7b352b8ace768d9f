"""Who is calling: a bearer API token (every mode), proxy headers (only in proxy mode), the dev
sign-in session (only in dev mode), or nobody.

A bearer token that is unknown or revoked is refused with 401 rather than treated as anonymous:
a script with a broken token should fail loudly, not silently lose its rights.
"""

from __future__ import annotations

from flask import Flask, g, request, session
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from app.core.rbac import RoleMap
from app.core.sessions import SessionGenerations
from app.models import Actor
from app.services.tokens import TokenService

PROXY_HEADERS = ("X-Forwarded-Email", "X-Forwarded-Preferred-Username")
AUTH_MODES = ("dev", "proxy", "token")
SESSIONS_FILE = ".sessions.sqlite3"


def dev_session_user(generations: SessionGenerations) -> str | None:
    """The dev sign-in's user, unless they signed out since this session was issued (then it is forgotten)."""
    user = session.get("user")
    if not user:
        return None
    if int(session.get("generation", 0)) != generations.current(str(user).lower()):
        session.pop("user", None)
        session.pop("generation", None)
        return None
    return str(user).lower()


def identity_from_request(auth_mode: str, generations: SessionGenerations | None = None) -> str | None:
    """The caller's identity string for this request, per AUTH_MODE; headers count only in proxy mode."""
    if auth_mode == "proxy":
        for header in PROXY_HEADERS:
            value = request.headers.get(header, "").strip()
            if value:
                return value.lower()
        return None
    if auth_mode == "dev" and generations is not None:
        return dev_session_user(generations)
    return None


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer <token>` header, else None."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip()


def check_auth_mode(auth_mode: str, production: bool) -> str:
    """Refuse to start with an unknown mode, or with dev sign-in (anyone can be anyone) in production."""
    mode = auth_mode.strip().lower()
    if mode not in AUTH_MODES:
        raise RuntimeError(f"AUTH_MODE={auth_mode!r} is not known: use one of {', '.join(AUTH_MODES)}.")
    if mode == "dev" and production:
        raise RuntimeError(
            "AUTH_MODE=dev lets anyone sign in as anyone and is refused when ENV=production: "
            "set AUTH_MODE=proxy (behind an authenticating proxy) or AUTH_MODE=token.")
    return mode


def init_identity(app: Flask, tokens: TokenService, role_map: RoleMap, auth_mode: str,
                  generations: SessionGenerations | None) -> None:
    """Resolve the actor once per request into g.actor, from the services create_app built."""

    @app.before_request
    def _load_actor() -> None:
        if getattr(g, "actor", None) is not None:
            return
        g.auth_via = None
        plain = bearer_token()
        if plain is not None:
            token = tokens.resolve(plain)
            if token is None:
                raise Unauthorized("The API token is not valid or has been revoked.",
                                   www_authenticate=WWWAuthenticate("bearer"))
            g.auth_via = "token"
            g.actor = Actor(token.user_id, role_map.role_of(token.user_id))
            return
        identity = identity_from_request(auth_mode, generations)
        g.actor = Actor(identity, role_map.role_of(identity)) if identity else None
        g.auth_via = auth_mode if identity else None
