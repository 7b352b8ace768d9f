"""Writes of the Databricks store, each crash-safe without multi-table transactions.

* Item changes (create, update, transition): the work_items row carries its audit event in
  `pending_event` (the outbox), written by the same statement as the change; the event INSERT
  follows (a MERGE on event_id, so re-running it is harmless). An update refuses to overwrite an
  outbox whose event is not in the events table yet: it inserts that event first and tries again,
  so a crash between the two statements never loses an event (and the reconciler also finishes it).
* Comments and votes: the audit event is the commit point and goes first; the comment row or the
  vote row is a projection of it, written next. A crash in between leaves an event whose projection
  is missing; the reconciler (sql_reconcile.py) re-derives it from the events table.
* Keys: the next number per type comes from max(key) and the item is inserted by a MERGE that only
  inserts when no item of that type has the key (nor the id). Two racing creators either see each
  other's row (0 rows inserted: take the next number) or Delta rejects one commit as a concurrent
  modification (retried), so keys stay unique.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Any

from app.models import Comment, Event, ItemType, WorkItem
from app.store.base import StoreConflict
from app.store.errors import StoreUnavailable
from app.store.sql_rows import event_from_outbox, event_params, item_from_row, item_params

if TYPE_CHECKING:
    from app.store.sql_store import SqlStore

log = logging.getLogger(__name__)
KEY_ATTEMPTS = 20


class ItemWrites:
    """Mixed into SqlStore: create_item, update_item, add_comment, set_vote."""

    def create_item(self: SqlStore, item: WorkItem, event: Event) -> WorkItem:
        prefix = ItemType(item.item_type).key_prefix
        try:
            for _ in range(KEY_ATTEMPTS):
                rows, _ = self.run(self.sql.max_number, {"item_type": item.item_type})
                keyed = dataclasses.replace(item, key=f"{prefix}-{int(rows[0]['n'] or 0) + 1}")
                final = dataclasses.replace(event, seq=1, payload={**event.payload, "item": keyed.to_dict()})
                _, inserted = self.run(self.sql.insert_item, item_params(keyed, final))
                if inserted == 1 or self._landed(keyed.id, final.event_id):
                    self.record_event(final)
                    return keyed
        finally:
            self.cache.clear()
        raise StoreUnavailable("Could not allocate a key for the new item; try again.")

    def _landed(self: SqlStore, item_id: str, event_id: str) -> bool:
        """Whether our own earlier attempt did commit (an ambiguous failure was retried)."""
        rows, _ = self.run(self.sql.get_item, {"id": item_id})
        return bool(rows) and event_id in (rows[0]["pending_event"] or "")

    def update_item(self: SqlStore, item: WorkItem, expected_version: int, event: Event) -> WorkItem:
        params = {**item_params(item, event), "expected_version": expected_version}
        try:
            for _ in range(3):
                _, updated = self.run(self.sql.update_item, params)
                if updated == 1:
                    self.record_event(event)
                    return item
                rows, _ = self.run(self.sql.get_item, {"id": item.id})
                if not rows:
                    raise LookupError(item.id)
                current = item_from_row(rows[0])
                if event.event_id in (rows[0]["pending_event"] or ""):
                    self.record_event(event)
                    return current
                if current.version != expected_version:
                    raise StoreConflict(current)
                # Same version but the previous change's event is not stored yet: store it, then retry.
                if rows[0]["pending_event"]:
                    self.record_event(event_from_outbox(rows[0]["pending_event"]), required=True)
        finally:
            self.cache.clear()
        raise StoreUnavailable("The change could not be saved; try again.")

    def add_comment(self: SqlStore, comment: Comment, event: Event) -> Comment:
        try:
            self.record_event(event, required=True)
            self._project(self.sql.insert_comment, {"id": comment.id, "item_id": comment.item_id,
                                                    "body": comment.body, "created_at": comment.created_at,
                                                    "created_by": comment.created_by})
        finally:
            self.cache.clear()
        return comment

    def set_vote(self: SqlStore, item_id: str, voter: str, voted: bool, event: Event) -> tuple[bool, int]:
        rows, _ = self.run(self.sql.vote_state, {"item_id": item_id, "voter": voter})
        if rows[0]["item_version"] is None:
            raise LookupError(item_id)
        count, mine = int(rows[0]["n"]), bool(rows[0]["mine"])
        if mine == voted:
            return False, count
        event = dataclasses.replace(event, version=int(rows[0]["item_version"]))
        try:
            self.record_event(event, required=True)
            if voted:
                self._project(self.sql.insert_vote, {"item_id": item_id, "voter": voter,
                                                     "created_at": event.created_at, "created_by": voter})
            else:
                self._project(self.sql.delete_vote, {"item_id": item_id, "voter": voter})
        finally:
            self.cache.clear()
        return True, count + (1 if voted else -1)

    # ---- helpers -----------------------------------------------------------------------
    def record_event(self: SqlStore, event: Event, required: bool = False) -> None:
        """Insert the audit event unless it is there (the store assigns seq). When the change is
        already committed with its outbox (required=False), a failure here is logged, not raised:
        the next writer of the item or the reconciler stores it."""
        try:
            self.run(self.sql.insert_event, event_params(event))
        except StoreUnavailable:
            if required:
                raise
            log.exception("event %s is in its item's outbox but not stored yet; it will be reconciled",
                          event.event_id)
            self.unfinished()

    def _project(self: SqlStore, sql: str, params: dict[str, Any]) -> None:
        """Write a comment/vote row after its event; the reconciler finishes it if this fails."""
        try:
            self.run(sql, params)
        except StoreUnavailable:
            log.exception("projection of a stored event failed; the reconciler will finish it")
            self.unfinished()
