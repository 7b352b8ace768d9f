"""Assignment use cases beside WorkItemService: "Assign to me" for triagers (issue #12).

It goes through the normal update path, so it checks the version the caller saw (409 when someone changed
the item meanwhile), validates the identity as an assignee and is audited as an `updated` event.
"""

from __future__ import annotations

from typing import Any

from app.models import Actor
from app.services.errors import Forbidden, Unauthenticated
from app.services.permissions import may_assign_self
from app.services.work_items import ItemView, WorkItemService


def assign_to_me(work_items: WorkItemService, actor: Actor | None, item_id: str, expected_version: Any) -> ItemView:
    """Make the caller the item's assignee (a triager's action) and return the item as they now see it."""
    if actor is None:
        raise Unauthenticated("Sign in to assign work items.")
    if not may_assign_self(actor):
        raise Forbidden(f"Your role ({actor.role.label}) may not assign work items; it needs triager.")
    work_items.update(actor, item_id, expected_version, {"assignee": actor.id})
    return work_items.get(item_id, actor)


def triage_assigner(actor: Actor | None, params: dict[str, str]) -> str | None:
    """The identity the list offers "Assign to me" as: a triager's own, on the triage queue only."""
    return actor.id if params.get("view") == "triage" and may_assign_self(actor) and actor else None
