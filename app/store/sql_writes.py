"""Writes of the Databricks store, each crash-safe without multi-table transactions and unique under
concurrent writers on tables with row-level concurrency.

* Uniqueness: key numbers and every event's seq are taken by a compare-and-set UPDATE of one row of
  work_item_counters (sql_claims.py; why not MERGE: sql_counters.py). All events of an item go through
  its seq row, so comments, votes and changes of one item are numbered one after the other, and a vote
  is decided on the item's complete event history: one user voting from many requests votes once.
* Item changes (create, update, transition): the work_items row carries its audit event in
  `pending_event` (the outbox), written by the same statement as the change (for update a
  compare-and-set on `version`); the event follows. An update refuses to overwrite an outbox whose
  event is not stored yet: it stores that event first and tries again, so a crash between the two
  statements never loses an event (and the reconciler also finishes it).
* Comments and votes: the audit event is the commit point and goes first; the comment row or the
  vote row is a projection of it, written next. A crash in between leaves an event whose projection
  is missing; the reconciler (sql_reconcile.py) re-derives it from the events table.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import TYPE_CHECKING, Any

from app.models import Comment, Event, ItemType, WorkItem
from app.store.base import StoreConflict
from app.store.errors import StoreUnavailable
from app.store.sql_claims import CLAIM_DEADLINE, Anchor, Claims, pause
from app.store.sql_counters import seq_name
from app.store.sql_rows import event_from_outbox, event_params, item_from_row, item_params

if TYPE_CHECKING:
    from app.store.sql_store import SqlStore

log = logging.getLogger(__name__)
KEY_ATTEMPTS = 200  # lost races for a key number before giving up (each loss means another create won)


class ItemWrites(Claims):
    """Mixed into SqlStore: create_item, update_item, add_comment, set_vote."""

    def create_item(self: SqlStore, item: WorkItem, event: Event) -> WorkItem:
        prefix = ItemType(item.item_type).key_prefix
        try:
            for attempt in range(KEY_ATTEMPTS):
                seen = self.key_counter(item.item_type)
                keyed = dataclasses.replace(item, key=f"{prefix}-{seen + 1}")
                final = dataclasses.replace(event, seq=1, payload={**event.payload, "item": keyed.to_dict()})
                if not self.claim_key(keyed, final, seen):
                    pause(attempt)
                    continue
                _, inserted = self.run(self.sql.insert_item, item_params(keyed, final))
                if inserted == 1 or self._landed(keyed.id, final.event_id):
                    self._store_created(final)
                    return keyed
                self.sync_key(item.item_type, seen + 1)  # the number is used by an item the counter missed
        finally:
            self.cache.clear()
        raise StoreUnavailable("Could not allocate a key for the new item; try again.")

    def _landed(self: SqlStore, item_id: str, event_id: str) -> bool:
        """Whether our own earlier attempt did commit (an ambiguous failure was retried)."""
        rows, _ = self.run(self.sql.get_item, {"id": item_id})
        return bool(rows) and event_id in (rows[0]["pending_event"] or "")

    def _store_created(self: SqlStore, created: Event) -> None:
        """The created event took seq 1 with the key; on failure its outbox (item row and seq row) keeps it."""
        try:
            self.run(self.sql.insert_event, event_params(created))
            self.seq_taken.put(created.item_id, 1)
        except StoreUnavailable:
            log.exception("created event %s is in its item's outbox but not stored yet; it will be reconciled",
                          created.event_id)
            self.unfinished()

    def update_item(self: SqlStore, item: WorkItem, expected_version: int, event: Event) -> WorkItem:
        params = {**item_params(item, event), "expected_version": expected_version}
        try:
            for _ in range(3):
                _, updated = self.run(self.sql.update_item, params)
                if updated == 1:
                    self.record_event(event, fresh=True)
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
            self.record_event(event, required=True, fresh=True)
            self._project(self.sql.insert_comment, {"id": comment.id, "item_id": comment.item_id,
                                                    "body": comment.body, "created_at": comment.created_at,
                                                    "created_by": comment.created_by})
        finally:
            self.cache.clear()
        return comment

    def set_vote(self: SqlStore, item_id: str, voter: str, voted: bool, event: Event) -> tuple[bool, int]:
        """Decided on the events and taken with the item's next seq: a concurrent vote of the same user
        either took that number first (we re-read and see it) or loses it to us."""
        params = {"item_id": item_id, "voter": voter, "name": seq_name(item_id)}
        since, waits = time.monotonic(), dict[str, float]()
        for attempt in range(10_000):
            row = self.run(self.sql.vote_state, params)[0][0]
            if row["item_version"] is None:
                raise LookupError(item_id)
            anchor, count = Anchor.from_row(row), int(row["n"])
            if anchor is None or anchor.blocked:
                self.unblock(event, anchor, waits)
                continue
            if (row["last_vote"] == "voted") == voted:
                return False, count
            try:
                final = self.claim(dataclasses.replace(event, version=int(row["item_version"])), anchor)
                if final:
                    self._project_vote(item_id, voter, voted, final)
                    return True, count + (1 if voted else -1)
            finally:
                self.cache.clear()
            if time.monotonic() - since > CLAIM_DEADLINE:
                break
            pause(attempt)
        raise StoreUnavailable("The ticket database is busy; try again.")

    # ---- helpers -----------------------------------------------------------------------
    def record_event(self: SqlStore, event: Event, required: bool = False, fresh: bool = False) -> None:
        """Store the audit event with the item's next seq, unless it is stored (`fresh`: it cannot be, see
        Claims.sequence). When the change is already committed with its outbox (required=False), a failure
        here is logged, not raised: the next writer of the item or the reconciler stores it."""
        try:
            self.sequence(event, fresh)
        except StoreUnavailable:
            if required:
                raise
            log.exception("event %s is in its item's outbox but not stored yet; it will be reconciled",
                          event.event_id)
            self.unfinished()

    def _project_vote(self: SqlStore, item_id: str, voter: str, voted: bool, event: Event) -> None:
        if voted:
            self._project(self.sql.insert_vote, {"item_id": item_id, "voter": voter,
                                                 "created_at": event.created_at, "created_by": voter})
        else:
            self._project(self.sql.delete_vote, {"item_id": item_id, "voter": voter})

    def _project(self: SqlStore, sql: str, params: dict[str, Any]) -> None:
        """Write a comment/vote row after its event; the reconciler finishes it if this fails."""
        try:
            self.run(sql, params)
        except StoreUnavailable:
            log.exception("projection of a stored event failed; the reconciler will finish it")
            self.unfinished()
