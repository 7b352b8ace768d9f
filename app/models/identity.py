"""Who is acting: an identity (usually an email) and the role it holds."""

from __future__ import annotations

import dataclasses

from app.models.work_item import Role


@dataclasses.dataclass(frozen=True, slots=True)
class Actor:
    id: str
    role: Role

    def at_least(self, role: Role) -> bool:
        return self.role >= role
