"""API tokens: random bearer secrets for scripts, each bound to one identity; only hashes are stored.

Admins create, list and revoke them (CLI); every request with `Authorization: Bearer ...` is
resolved here. The plain token is returned once, at creation, and never again.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from typing import Any

from app.models import Actor, ApiToken, Role
from app.services.clock import new_id, utcnow
from app.services.errors import Forbidden, NotFound, Unauthenticated, ValidationError
from app.services.validation import EMAIL_RE, FieldErrors
from app.store.base import TokenStore

PREFIX = "dd_"


def hash_token(plain: str) -> str:
    """Hex SHA-256 of the token: tokens are long random strings, so a fast hash is enough."""
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


class TokenService:
    """Create, list, revoke and resolve API tokens over a TokenStore."""

    def __init__(self, store: TokenStore, clock: Callable[[], Any] = utcnow) -> None:
        self.store = store
        self.clock = clock

    @staticmethod
    def _require_admin(actor: Actor | None) -> Actor:
        if actor is None:
            raise Unauthenticated("Managing API tokens needs an admin identity.")
        if actor.role < Role.ADMIN:
            raise Forbidden(f"Your role ({actor.role.label}) may not manage API tokens; it needs admin.")
        return actor

    def create(self, actor: Actor | None, user_id: Any, name: Any) -> tuple[ApiToken, str]:
        """A new token acting as `user_id`; returns the record and the plain token (shown once)."""
        admin = self._require_admin(actor)
        errors = FieldErrors()
        user = _identity(user_id, errors)
        label = errors.text({"name": name}, "name", required=True)
        if errors:
            raise ValidationError(dict(errors))
        plain = PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(id=new_id(), name=str(label), token_hash=hash_token(plain), user_id=str(user),
                         created_at=self.clock(), created_by=admin.id)
        self.store.add_token(token)
        return token, plain

    def list(self, actor: Actor | None) -> list[ApiToken]:
        """Every token, active and revoked, oldest first (hashes only, never secrets)."""
        self._require_admin(actor)
        return self.store.list_tokens()

    def revoke(self, actor: Actor | None, token_id: str) -> None:
        """Revoke an active token; from then on requests using it get 401."""
        admin = self._require_admin(actor)
        if not self.store.revoke_token(str(token_id), admin.id, self.clock()):
            raise NotFound(f"No active API token with id {str(token_id)[:64]!r}.")

    def resolve(self, plain: str) -> ApiToken | None:
        """The active token matching this secret, else None (unknown and revoked alike)."""
        if not plain or len(plain) > 200:
            return None
        token = self.store.find_token(hash_token(plain))
        return token if token is not None and token.active else None


def _identity(value: Any, errors: FieldErrors) -> str | None:
    """An email, or a service account name (letters, digits and . - _); lower-cased like every identity."""
    text = value.strip() if isinstance(value, str) else ""
    if text and (EMAIL_RE.match(text) or all(c.isalnum() or c in ".-_" for c in text)) and len(text) <= 320:
        return text.lower()
    errors["user"] = "Required: the identity the token acts as (an email or service account name)."
    return None
