"""What a caller may do, decided here once so templates and adapters never compare roles themselves."""

from __future__ import annotations

import dataclasses

from app.models import Actor, Role, WorkItem
from app.models.work_item import ALL_TYPE_FIELDS, COMMON_FIELDS, TYPE_FIELDS
from app.services import state_machines as sm

WRITE_ROLE = Role.REPORTER  # the least role that may create, comment and vote (the services enforce the same)
REPORTER_EDITABLE = ("title", "description")
TRIAGER_EDITABLE = COMMON_FIELDS + ALL_TYPE_FIELDS


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


def may_assign_self(actor: Actor | None) -> bool:
    """Triagers (and admins) may take an item with "Assign to me"; reporters wait to be assigned."""
    return actor is not None and actor.role >= Role.TRIAGER


def allowed_transitions(item: WorkItem, actor: Actor | None) -> list[sm.Transition]:
    """The workflow steps from the item's state this caller may take (none for anonymous callers)."""
    if actor is None:
        return []
    is_author = actor.id == item.created_by
    return [t for t in sm.transitions_from(item.item_type, item.state) if sm.may_take(t, actor.role, is_author)]


def editable_fields(item: WorkItem, actor: Actor | None) -> tuple[str, ...]:
    """Fields this caller may change now: triagers any; authors title/description while open."""
    if actor is None:
        return ()
    if actor.role >= Role.TRIAGER:
        return tuple(f for f in TRIAGER_EDITABLE if f in COMMON_FIELDS or f in TYPE_FIELDS[item.item_type])
    if actor.role >= WRITE_ROLE and actor.id == item.created_by and not sm.is_closed(item.item_type, item.state):
        return REPORTER_EDITABLE
    return ()
