"""Conversions between SQL result rows / statement parameters and the model values."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from app.models import ApiToken, Comment, Event, QuarantinedRow, WorkItem
from app.store.event_checks import BadEvent, decode
from app.store.event_registry import EventRow, kind_of
from app.store.sql_statements import EVENT_COLUMNS, ITEM_COLUMNS


def utc(value: Any) -> Any:
    """Timestamps as aware UTC datetimes (the connector may return naive UTC or session-zone values)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return value


def to_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def item_from_row(row: dict[str, Any]) -> WorkItem:
    values = {c: row[c] for c in ITEM_COLUMNS}
    values["created_at"], values["updated_at"] = utc(values["created_at"]), utc(values["updated_at"])
    values["needed_by"] = to_date(values["needed_by"])
    values["version"] = int(values["version"])
    return WorkItem.from_dict(values)


def event_from_row(row: dict[str, Any]) -> Event:
    return Event(row["event_id"], row["item_id"], int(row["seq"]), row["event_type"], json.loads(row["payload"]),
                 int(row["version"]), utc(row["created_at"]), row["created_by"])


def readable_events(rows: list[dict[str, Any]], quarantined: dict[str, QuarantinedRow]) -> list[Event]:
    """The rows as Events, leaving out (and recording in `quarantined`) rows another writer left that cannot
    be shown: a payload that is not a JSON object, text UTF-8 cannot hold, an unknown kind or mistyped column."""
    out: list[Event] = []
    for row in rows:
        try:
            record = EventRow(row["event_id"], row["item_id"], int(row["seq"]), row["event_type"], row["payload"],
                              int(row["version"]), utc(row["created_at"]), row["created_by"])
            kind_of(record)
            out.append(Event(*record[:4], decode(record), *record[5:]))
        except (BadEvent, TypeError, ValueError) as exc:
            created = row.get("created_at") if isinstance(row.get("created_at"), dt.datetime) else None
            quarantined[str(row.get("event_id"))] = QuarantinedRow(
                "work_item_events", str(row.get("event_id")), str(row.get("item_id")), str(row.get("event_type")),
                str(exc), utc(created) if created else None)
    return out


def comment_from_row(row: dict[str, Any]) -> Comment:
    return Comment(row["id"], row["item_id"], row["body"], utc(row["created_at"]), row["created_by"])


def token_from_row(row: dict[str, Any]) -> ApiToken:
    values = dict(row)
    values["created_at"], values["revoked_at"] = utc(values["created_at"]), utc(values["revoked_at"])
    return ApiToken(**values)


def event_params(event: Event) -> dict[str, Any]:
    """Parameters of insert_event (seq taken from the item's seq row first: see sql_claims.py)."""
    values = {c: getattr(event, c) for c in EVENT_COLUMNS if c != "payload"}
    values["payload"] = event.payload_json()
    return values


def outbox_json(event: Event) -> str:
    """The pending_event value: the event's row (payload as its JSON text), so it can be re-inserted as is."""
    values = event_params(event)
    values["created_at"] = event.created_at.isoformat()
    return json.dumps(values, sort_keys=True)


def event_from_outbox(text: str) -> Event:
    values = json.loads(text)
    return Event(values["event_id"], values["item_id"], int(values.get("seq") or 0), values["event_type"],
                 json.loads(values["payload"]), int(values["version"]), utc(values["created_at"]),
                 values["created_by"])


def item_params(item: WorkItem, event: Event) -> dict[str, Any]:
    values = dataclasses.asdict(item)
    values["pending_event"] = outbox_json(event)
    return values


def token_params(token: ApiToken) -> dict[str, Any]:
    return dataclasses.asdict(token)
