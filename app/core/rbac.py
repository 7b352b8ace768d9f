"""Roles from the RBAC TOML file: explicit entries per role, a default for everyone else."""

from __future__ import annotations

import tomllib
from pathlib import Path

from app.models import Role


class RoleMap:
    """Maps an identity to its role. Identities compare case-insensitively."""

    def __init__(self, default_role: Role, members: dict[str, Role]) -> None:
        self.default_role = default_role
        self.members = {k.lower(): v for k, v in members.items()}

    @classmethod
    def from_file(cls, path: str, fallback_default: str = "reporter") -> RoleMap:
        """Read `default_role` and `[roles]` (role -> list of identities); a missing path gives defaults."""
        if not path:
            return cls(Role.parse(fallback_default), {})
        data = tomllib.loads(Path(path).read_text())
        members: dict[str, Role] = {}
        for role_name, identities in data.get("roles", {}).items():
            role = Role.parse(role_name)
            for identity in identities:
                key = str(identity).lower()
                members[key] = max(role, members.get(key, Role.VIEWER))
        return cls(Role.parse(data.get("default_role", fallback_default)), members)

    def role_of(self, identity: str) -> Role:
        return self.members.get(identity.lower(), self.default_role)
