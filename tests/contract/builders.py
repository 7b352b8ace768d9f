"""Build items and events the way WorkItemService does, to drive a store directly."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from app.models import Comment, Event, EventType, WorkItem
from app.services.clock import new_id

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
INITIAL = {"incident": "new", "improvement": "proposed", "platform_request": "submitted"}


def new_item(item_type: str = "incident", at: dt.datetime = T0, by: str = "ann@example.com",
             **fields: Any) -> WorkItem:
    values: dict[str, Any] = {"description": "", "priority": "p3", "platform": "kafka", "assignee": None,
                              "title": "Something is wrong", "state": INITIAL[item_type]}
    values.update(fields)
    return WorkItem(id=new_id(), key="", item_type=item_type, created_at=at, created_by=by, updated_at=at,
                    updated_by=by, version=1, **values)


def event(item: WorkItem, kind: EventType, by: str, payload: dict[str, Any], version: int,
          at: dt.datetime) -> Event:
    return Event(event_id=new_id(), item_id=item.id, seq=0, event_type=kind.value, payload=payload,
                 version=version, created_at=at, created_by=by)


def create(store: Any, item_type: str = "incident", **fields: Any) -> WorkItem:
    item = new_item(item_type, **fields)
    return store.create_item(item, event(item, EventType.CREATED, item.created_by, {}, 1, item.created_at))


def update(store: Any, item: WorkItem, expected: int, by: str = "tri@example.com",
           at: dt.datetime | None = None, **changes: Any) -> WorkItem:
    at = at or item.updated_at + dt.timedelta(minutes=1)
    changed = dataclasses.replace(item, updated_at=at, updated_by=by, version=expected + 1, **changes)
    diff = {k: {"from": getattr(item, k), "to": v} for k, v in changes.items()}
    kind = EventType.STATE_CHANGED if "state" in changes else EventType.UPDATED
    payload = ({"from": item.state, "to": changes["state"], "note": None} if "state" in changes
               else {"changes": diff})
    return store.update_item(changed, expected, event(changed, kind, by, payload, expected + 1, at))


def comment(store: Any, item: WorkItem, body: str, by: str = "bob@example.com",
            at: dt.datetime | None = None) -> Comment:
    at = at or item.updated_at + dt.timedelta(seconds=30)
    ev = event(item, EventType.COMMENTED, by, {"body": body}, item.version, at)
    return store.add_comment(Comment(ev.event_id, item.id, body, at, by), ev)


def vote(store: Any, item: WorkItem, voter: str, voted: bool = True,
         at: dt.datetime | None = None) -> tuple[bool, int]:
    at = at or item.updated_at + dt.timedelta(seconds=45)
    kind = EventType.VOTED if voted else EventType.UNVOTED
    return store.set_vote(item.id, voter, voted, event(item, kind, voter, {"voter": voter}, item.version, at))
