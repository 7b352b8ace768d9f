"""Who watches a work item, and watching or unwatching it.

Watching is a fact in the audit trail: `watched` / `unwatched` events in work_item_events (one EventKind
each, folding into nothing). Keeping them there, rather than in a table of their own, gives both stores the
history for free (who started or stopped watching, when), needs no new write path beyond `append_event`, and
no projection: the author, the assignee, the commenters and the people mentioned watch implicitly, and all of
that is already in the item's events, so the watcher set is derived from them at read time. An explicit
`unwatched` overrides an implicit reason; the latest explicit event of a person wins.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from app.models import Actor, Event, EventType, WorkItem
from app.services.clock import new_id, utcnow
from app.services.errors import NotFound, Unauthenticated
from app.services.work_items import WorkItemService

Mentions = Callable[[str], set[str]]  # markdown text -> emails of the people it mentions


def texts_of(event: Event) -> list[str]:
    """The markdown an event adds: a comment's body, a created item's or a changed description."""
    payload = event.payload or {}
    if event.event_type == EventType.COMMENTED:
        return [str(payload.get("body") or "")]
    if event.event_type == EventType.CREATED:
        return [str((payload.get("item") or {}).get("description") or "")]
    if event.event_type == EventType.UPDATED:
        change = (payload.get("changes") or {}).get("description") or {}
        return [str(change.get("to") or "")] if isinstance(change, dict) else []
    return []


def explicit_choices(events: Iterable[Event]) -> dict[str, bool]:
    """Each person's latest watched (True) / unwatched (False) choice."""
    chosen: dict[str, bool] = {}
    for event in events:
        if event.event_type in (EventType.WATCHED, EventType.UNWATCHED):
            chosen[str(event.payload.get("watcher") or event.created_by)] = event.event_type == EventType.WATCHED
    return chosen


def assignee_after(item: WorkItem, events: list[Event]) -> str | None:
    """Whom the item was assigned to after `events` (its current assignee when they hold no assignment)."""
    assignee = item.assignee
    for event in events:
        payload = event.payload or {}
        if event.event_type == EventType.CREATED:
            assignee = (payload.get("item") or {}).get("assignee")
        change = (payload.get("changes") or {}).get("assignee") if event.event_type == EventType.UPDATED else None
        if isinstance(change, dict):
            assignee = change.get("to")
    return assignee


def watchers_of(item: WorkItem, events: list[Event], mentions: Mentions) -> set[str]:
    """Everyone watching `item` after `events`: implicit watchers plus explicit choices (which win)."""
    assignee = assignee_after(item, events)
    implicit = {item.created_by} | ({assignee} if assignee else set())
    for event in events:
        if event.event_type == EventType.COMMENTED:
            implicit.add(event.created_by)
        for text in texts_of(event):
            implicit |= mentions(text) if text else set()
    chosen = explicit_choices(events)
    return (implicit | {p for p, on in chosen.items() if on}) - {p for p, on in chosen.items() if not on}


@dataclasses.dataclass(frozen=True, slots=True)
class WatchView:
    watchers: list[str]
    watching: bool
    can_watch: bool

    def to_dict(self) -> dict[str, Any]:
        return {"watchers": self.watchers, "watching": self.watching}


class WatcherService:
    """Reads and changes who watches an item; reading follows the item's read rules."""

    def __init__(self, work_items: WorkItemService, mentions: Mentions, clock: Callable[[], Any] = utcnow) -> None:
        self.work_items = work_items
        self.store = work_items.store
        self.mentions = mentions
        self.clock = clock

    def view(self, actor: Actor | None, item_id: str) -> WatchView:
        item = self.work_items.get(item_id, actor).item
        people = watchers_of(item, self.store.events_for(item.id), self.mentions)
        return WatchView(sorted(people), bool(actor and actor.id in people), actor is not None)

    def set_watching(self, actor: Actor | None, item_id: str, watching: bool) -> WatchView:
        """Watch or unwatch; idempotent (no event when nothing changes). Anyone signed in may."""
        if actor is None:
            raise Unauthenticated("Sign in to watch work items.")
        current = self.view(actor, item_id)
        if current.watching == watching:
            return current
        kind = EventType.WATCHED if watching else EventType.UNWATCHED
        item_id = self.work_items.get(item_id, actor).item.id
        event = Event(new_id(), item_id, 0, kind.value, {"watcher": actor.id}, 0, self.clock(), actor.id)
        try:
            self.store.append_event(event)
        except LookupError:
            raise NotFound(f"No work item with id {item_id[:64]!r}.") from None
        return self.view(actor, item_id)
