"""What a caller may do, decided here once so templates and adapters never compare roles themselves."""

from __future__ import annotations

import dataclasses

from app.models import Actor, Role

WRITE_ROLE = Role.REPORTER  # the least role that may create, comment and vote (the services enforce the same)


@dataclasses.dataclass(frozen=True, slots=True)
class Permissions:
    """The caller's rights that do not depend on a particular item (the create page has no item yet)."""

    signed_in: bool
    can_create: bool
    can_vote: bool
    can_comment: bool


def permissions(actor: Actor | None) -> Permissions:
    """Rights of `actor` (None when anonymous): reporters and above write, viewers and anonymous callers read."""
    may_write = actor is not None and actor.role >= WRITE_ROLE
    return Permissions(signed_in=actor is not None, can_create=may_write, can_vote=may_write, can_comment=may_write)
