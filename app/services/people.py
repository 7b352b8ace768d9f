"""The people directory: who can be assigned and @mentioned, and the short handle each one goes by.

Known people are everyone the RBAC file names plus everyone who has acted on the data (authors, editors,
assignees, commenters, voters: `Store.known_actors`, which each store keeps cheap). A person's handle is
the local part of their email (`@alice`) when no one else known shares it, else the full email, so a
handle always names exactly one person. Identities are compared lowercased, as the RBAC file does.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections import Counter
from collections.abc import Iterable

from app.core.rbac import RoleMap
from app.models import Actor
from app.services.errors import Unauthenticated
from app.store.base import Store

HANDLE_RE = re.compile(r"[a-z0-9][a-z0-9._+-]*")  # what `@handle` may hold (mentions.py parses the same)
MAX_QUERY = 100
MAX_RESULTS = 20


@dataclasses.dataclass(frozen=True, slots=True)
class Person:
    """One known person: the identity (usually an email), the handle to @mention them by, a display name."""

    email: str
    handle: str
    name: str | None = None


@dataclasses.dataclass(eq=False, slots=True)
class Snapshot:
    """The directory at one moment: compared and hashed by identity, so it can key caches of rendered
    text (a new snapshot is made only when the known identities change)."""

    identities: frozenset[str]
    people: list[Person]
    names: dict[str, str]  # handle or email -> email

    def resolve(self, handle_or_email: str) -> str | None:
        """The email of the person `@handle`, `handle` or `email` names, or None for someone unknown."""
        key = (handle_or_email or "").strip().lstrip("@").lower()
        return self.names.get(key) if key else None


def build_directory(identities: Iterable[str]) -> list[Person]:
    """People for these identities, sorted by email, each with a handle unique among them."""
    emails = sorted({i.strip().lower() for i in identities if i and i.strip()})
    locals_ = Counter(_local(e) for e in emails)
    return [Person(e, _local(e) if locals_[_local(e)] == 1 and HANDLE_RE.fullmatch(_local(e)) else e)
            for e in emails]


def _local(email: str) -> str:
    return email.split("@", 1)[0]


class PeopleDirectory:
    """Directory, search and handle resolution over the RBAC file and the store's actors."""

    def __init__(self, store: Store, roles: RoleMap) -> None:
        self.store = store
        self.roles = roles
        self._lock = threading.Lock()
        self._actors: frozenset[str] | None = None  # the store's answer the snapshot was built from
        self._snapshot = Snapshot(frozenset(), [], {})

    def directory(self) -> list[Person]:
        """Every known person, sorted by email."""
        return self.snapshot().people

    def resolve(self, handle_or_email: str) -> str | None:
        """The email of the person `@handle`, `handle` or `email` names, or None for someone unknown."""
        return self.snapshot().resolve(handle_or_email)

    def search(self, q: str, limit: int = 8) -> list[Person]:
        """People whose handle, email or name contains `q` (any case): handle/email prefixes first."""
        needle = (q or "").strip().lstrip("@").lower()[:MAX_QUERY]
        limit = max(1, min(int(limit), MAX_RESULTS))
        found = [p for p in self.directory() if needle in p.email or needle in (p.name or "").lower()]
        found.sort(key=lambda p: (not (p.handle.startswith(needle) or p.email.startswith(needle)), p.email))
        return found[:limit]

    def lookup(self, actor: Actor | None, q: str, limit: int = 8) -> list[Person]:
        """`search` for a signed-in caller (the directory lists identities: not for anonymous readers)."""
        if actor is None:
            raise Unauthenticated("Sign in to look people up.")
        return self.search(q, limit)

    def snapshot(self) -> Snapshot:
        """The directory for the identities known now. The stores hand back the same set object while
        nothing changed, so the usual call costs one identity check; a new snapshot only when it changed."""
        actors = self.store.known_actors()
        with self._lock:
            if actors is self._actors:
                return self._snapshot
            known = frozenset(self.roles.members) | actors
            if known != self._snapshot.identities:
                people = build_directory(known)
                names = {p.email: p.email for p in people} | {p.handle: p.email for p in people}
                self._snapshot = Snapshot(known, people, names)
            self._actors = actors
            return self._snapshot
