"""The one registry of audit event kinds: how each folds into the read model and which projected rows it touches.

An event row of `work_item_events` is the single source of truth. Folding it (at load, when catching up on
another process's commit, after our own commit) and projecting it (work_items, comments, votes) both look the
kind up here, so adding an event kind is one `EventKind` entry plus its test. Every fold is idempotent and
checks the row before it changes anything: a row that cannot be applied raises BadEvent, and the read model
quarantines it instead of failing (another writer may append anything to an open Delta table).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from app.models import Comment, Event, EventType, WorkItem
from app.store.delta_tables import to_micros
from app.store.event_checks import BadEvent, checked_item

if TYPE_CHECKING:
    from app.store.read_model import ReadModel

Keys = dict[str, list[Any]]  # projected rows a write touches: {"items": [id], "comments": [[id, item]], ...}
_ITEM_FIELDS = {f.name for f in dataclasses.fields(WorkItem)}
_CHANGEABLE = _ITEM_FIELDS - {"id", "key", "item_type", "created_at", "created_by", "version"}


class EventRow(NamedTuple):
    """One row of work_item_events, in column order; `payload` is the JSON text as stored."""

    event_id: str
    item_id: str
    seq: int
    event_type: str
    payload: str
    version: int
    created_at: dt.datetime
    created_by: str

    @classmethod
    def of(cls, event: Event) -> EventRow:
        return cls(event.event_id, event.item_id, event.seq, event.event_type, event.payload_json(),
                   event.version, event.created_at, event.created_by)


@dataclasses.dataclass(frozen=True, slots=True)
class EventKind:
    """What one event type means to the store."""

    fold: Callable[[ReadModel, EventRow, dict[str, Any], bool], None]  # (model, row, payload, reindex)
    table: str  # the projected table it changes: "items", "comments", "votes", or "" for none
    key: Callable[[ReadModel, EventRow, dict[str, Any]], Any]  # that table's key; read before the fold
    shown: Callable[[ReadModel, EventRow], bool]  # at load: the tables already show it (skip decoding it)


def _existing(model: ReadModel, row: EventRow) -> WorkItem:
    item = model.items.get(row.item_id)
    if item is None:
        raise BadEvent(f"{row.event_type} event for unknown item {row.item_id}")
    return item


def _text(payload: dict[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str):
        raise BadEvent(f"payload.{name} is missing or not text")
    return value


# ---- folds ---------------------------------------------------------------------------------------------
def _fold_created(model: ReadModel, row: EventRow, payload: dict[str, Any], reindex: bool) -> None:
    item = checked_item(payload.get("item"))
    if item.id != row.item_id:
        raise BadEvent("the created item's id differs from the event's item_id")
    if row.item_id not in model.items:  # loaded from work_items already, or folded before
        model.put_item(item, reindex)


def _fold_change(model: ReadModel, row: EventRow, payload: dict[str, Any], reindex: bool) -> None:
    current = _existing(model, row)
    changed = changed_item(current, row, payload)
    if row.version > current.version:  # an older version is already in the table row we loaded
        model.put_item(changed, reindex)


def changed_item(current: WorkItem, row: EventRow, payload: dict[str, Any]) -> WorkItem:
    """The item after an `updated` or `state_changed` event (also how the bulk seed plays its histories)."""
    if payload.get("item"):
        changed = checked_item(payload["item"])
    elif row.event_type == EventType.STATE_CHANGED:
        changed = dataclasses.replace(current, state=_text(payload, "to"))
    else:
        changed = dataclasses.replace(current, **_changed_values(payload))
    return dataclasses.replace(changed, version=row.version, updated_at=row.created_at, updated_by=row.created_by)


def _changed_values(payload: dict[str, Any]) -> dict[str, Any]:
    changes = payload.get("changes")
    if not isinstance(changes, dict) or not all(isinstance(c, dict) and "to" in c for c in changes.values()):
        raise BadEvent("payload.changes is missing or malformed")
    unknown = set(changes) - _CHANGEABLE
    if unknown:
        raise BadEvent(f"payload.changes names unknown fields {sorted(unknown)}")
    values = {name: change["to"] for name, change in changes.items()}
    if isinstance(values.get("needed_by"), str):
        try:
            values["needed_by"] = dt.date.fromisoformat(values["needed_by"])
        except ValueError:
            raise BadEvent("payload.changes.needed_by is not a date") from None
    if any(not isinstance(values[n], str) for n in ("title", "state", "priority") if n in values):
        raise BadEvent("a required text field is changed to a non-text value")
    if any(not isinstance(v, str | None) for n, v in values.items() if n not in ("needed_by", "updated_at")):
        raise BadEvent("a text field is changed to a value that is not text")
    return values


def _fold_commented(model: ReadModel, row: EventRow, payload: dict[str, Any], reindex: bool) -> None:
    _existing(model, row)
    model.add_comment(Comment(row.event_id, row.item_id, _text(payload, "body"), row.created_at, row.created_by))


def _voter(row: EventRow, payload: dict[str, Any]) -> str:
    voter = payload.get("voter", row.created_by)
    if not isinstance(voter, str):
        raise BadEvent("payload.voter is not text")
    return voter


def _fold_voted(model: ReadModel, row: EventRow, payload: dict[str, Any], reindex: bool) -> None:
    _existing(model, row)
    model.put_vote(row.item_id, _voter(row, payload), row.created_at, reindex)


def _fold_unvoted(model: ReadModel, row: EventRow, payload: dict[str, Any], reindex: bool) -> None:
    _existing(model, row)
    model.drop_vote(row.item_id, _voter(row, payload), reindex)


def _vote_key(model: ReadModel, row: EventRow, payload: dict[str, Any]) -> list[Any]:
    """(item, voter, cast time): the vote row's created_at lets Delta prune files when it is synced. For
    an unvote it is the time of the vote being withdrawn, so read before the fold."""
    voter = _voter(row, payload)
    cast = row.created_at if row.event_type == EventType.VOTED else model.vote_time(row.item_id, voter)
    return [row.item_id, voter, to_micros(cast) if cast else to_micros(row.created_at)]


def _fold_watch(model: ReadModel, row: EventRow, payload: dict[str, Any], reindex: bool) -> None:
    """Watching is read from the item's event history (app/services/watchers.py): nothing else to fold."""
    _existing(model, row)
    _text(payload, "watcher")


def _item_shown(model: ReadModel, row: EventRow) -> bool:
    item = model.items.get(row.item_id)
    return item is not None and (row.event_type == EventType.CREATED or item.version >= row.version)


def _comment_shown(model: ReadModel, row: EventRow) -> bool:
    return any(c.id == row.event_id for c in model.comments.get(row.item_id, ()))


def _never_shown(model: ReadModel, row: EventRow) -> bool:
    """Votes: the last vote event per voter decides, so every one is folded in order."""
    return False


def _item_key(model: ReadModel, row: EventRow, payload: dict[str, Any]) -> str:
    return row.item_id


REGISTRY: dict[str, EventKind] = {
    EventType.CREATED: EventKind(_fold_created, "items", _item_key, _item_shown),
    EventType.UPDATED: EventKind(_fold_change, "items", _item_key, _item_shown),
    EventType.STATE_CHANGED: EventKind(_fold_change, "items", _item_key, _item_shown),
    EventType.COMMENTED: EventKind(_fold_commented, "comments", lambda m, r, p: [r.event_id, r.item_id],
                                   _comment_shown),
    EventType.VOTED: EventKind(_fold_voted, "votes", _vote_key, _never_shown),
    EventType.UNVOTED: EventKind(_fold_unvoted, "votes", _vote_key, _never_shown),
    EventType.WATCHED: EventKind(_fold_watch, "", _item_key, _never_shown),
    EventType.UNWATCHED: EventKind(_fold_watch, "", _item_key, _never_shown),
}


def kind_of(row: EventRow) -> EventKind:
    kind = REGISTRY.get(row.event_type)
    if kind is None:
        raise BadEvent(f"unknown event type {row.event_type!r}")
    return kind


def keys_of(model: ReadModel, events: list[Event]) -> Keys:
    """The projected rows these (not yet folded) events will change, for the projector's intent."""
    out: dict[str, list[Any]] = {"items": [], "comments": [], "votes": []}
    for event in events:
        row = EventRow.of(event)
        kind = kind_of(row)
        if kind.table:
            out[kind.table].append(kind.key(model, row, event.payload))
    return out


def merge_keys(batches: list[Keys]) -> Keys:
    """Union of the keys several intents name."""
    out: dict[str, dict[Any, None]] = {"items": {}, "comments": {}, "votes": {}}
    for keys in batches:
        for kind in out:
            out[kind].update(dict.fromkeys(tuple(k) if isinstance(k, list) else k for k in keys.get(kind, ())))
    return {kind: list(values) for kind, values in out.items()}
