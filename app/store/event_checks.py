"""Checks an event row passes before it may change the read model: the payload is a JSON object, every
text can be stored as UTF-8, columns and items have the types the indexes and tables rely on.

A row that fails raises BadEvent; the read model quarantines it (another writer may append anything)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from app.models import WorkItem

if TYPE_CHECKING:
    from app.store.event_registry import EventRow


class BadEvent(Exception):
    """The row cannot be applied; the message says why (shown to admins in the quarantine list)."""


def decode(row: EventRow) -> dict[str, Any]:
    """The payload as a dict, every string in the row encodable as UTF-8; BadEvent otherwise."""
    try:
        payload = json.loads(row.payload)
    except (TypeError, ValueError) as exc:
        raise BadEvent(f"payload is not JSON ({exc})") from None
    if not isinstance(payload, dict):
        raise BadEvent("payload is not a JSON object")
    _check_text((row.event_id, row.item_id, row.event_type, row.created_by, payload))
    if not isinstance(row.seq, int) or not isinstance(row.version, int) or not isinstance(row.created_at, dt.datetime):
        raise BadEvent("seq, version or created_at has the wrong type")
    return payload


def _check_text(value: Any) -> None:
    """Lone surrogates (and anything else UTF-8 cannot hold) would make the tables unwritable."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise BadEvent("text that cannot be stored as UTF-8") from None
    elif isinstance(value, dict):
        for key, inner in value.items():
            _check_text(key)
            _check_text(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            _check_text(inner)


def checked_item(data: Any) -> WorkItem:
    """A WorkItem from a payload or table row, with the types every index and table relies on."""
    if not isinstance(data, dict):
        raise BadEvent("the item is not a JSON object")
    try:
        item = WorkItem.from_dict(data)
    except (TypeError, ValueError, KeyError) as exc:
        raise BadEvent(f"the item cannot be read ({exc})") from None
    texts = (item.id, item.key, item.item_type, item.title, item.description, item.state, item.priority,
             item.created_by, item.updated_by)
    optional = (item.platform, item.assignee, item.severity, item.impact, item.problem, item.proposed_benefit,
                item.justification)
    if not all(isinstance(t, str) for t in texts) or not isinstance(item.version, int):
        raise BadEvent("the item has a missing or mistyped field")
    if not all(isinstance(t, str | None) for t in optional) or not isinstance(item.needed_by, dt.date | None):
        raise BadEvent("the item has a mistyped optional field")
    if not all(isinstance(t, dt.datetime) and t.tzinfo for t in (item.created_at, item.updated_at)):
        raise BadEvent("the item's timestamps are not UTC times")
    prefix, _, number = item.key.rpartition("-")
    if not prefix or not number.isascii() or not number.isdigit():
        raise BadEvent(f"the item key {item.key!r} is not PREFIX-number")
    _check_text(dataclasses.astuple(item))
    return item
