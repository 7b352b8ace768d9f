"""Who is acting: an identity (usually an email) and the role it holds."""

from __future__ import annotations

import dataclasses
from typing import Any

from app.models.work_item import Role


@dataclasses.dataclass(frozen=True, slots=True)
class Actor:
    id: str
    role: Role

    def at_least(self, role: Role) -> bool:
        return self.role >= role


@dataclasses.dataclass(frozen=True, slots=True)
class ApiToken:
    """A row of api_tokens: the hash of a bearer token bound to one identity."""

    id: str
    name: str
    token_hash: str
    user_id: str
    created_at: Any
    created_by: str
    revoked_at: Any = None
    revoked_by: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None
