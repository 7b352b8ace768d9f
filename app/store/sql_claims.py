"""Taking key numbers and event seq from work_item_counters by compare-and-set (why: sql_counters.py).

An item's events are numbered through its seq row: read it, then `UPDATE ... SET value = :seen + 1,
pending_* = the event WHERE value = :seen`; 0 rows (or a concurrent-modification error, which is the
same thing: another writer took the number) means re-read and try again; 1 row means the number is ours
and the event is inserted with it. A writer takes a number only once the previous pending event is
stored, so no number is handed out twice, numbers stay contiguous, and everything before the pending
event is in the events table (the vote decision relies on that). If the previous writer seems gone
(its event is still not stored after FLUSH_GRACE seconds), the next writer stores that event itself.
If our insert fails after the claim, the claim is handed back (unless the event did land).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import random
import time
from typing import TYPE_CHECKING, Any

from app.models import Event, WorkItem
from app.store.errors import StoreUnavailable
from app.store.sql_counters import key_name, seq_name
from app.store.sql_rows import event_from_outbox, event_params, outbox_json

if TYPE_CHECKING:
    from app.store.sql_store import SqlStore

log = logging.getLogger(__name__)
FLUSH_GRACE = 5.0  # seconds to wait for another writer's pending event before storing it ourselves
CLAIM_DEADLINE = 30.0  # seconds a write keeps trying to take a number before giving up


@dataclasses.dataclass(frozen=True)
class Anchor:
    """An item's seq row as read: the last seq taken and the event that took it."""

    value: int
    pending_id: str | None
    pending_event: str | None
    pending_stored: bool

    @classmethod
    def from_row(cls, row: dict[str, Any] | None) -> Anchor | None:
        if not row or row.get("value") is None:
            return None
        return cls(int(row["value"]), row["pending_id"], row["pending_event"], bool(row["pending_stored"]))

    @property
    def blocked(self) -> bool:
        """The last number's event is not stored yet: nobody may take the next one."""
        return self.pending_id is not None and not self.pending_stored


def pause(attempt: int) -> None:
    """Back off after losing a race (jittered, growing to 0.1 s)."""
    time.sleep(random.uniform(0.001, min(0.1, 0.004 * 2 ** min(attempt, 5))))


class Claims:
    """Mixed into SqlStore: claim_key, sequence, unblock."""

    def key_counter(self: SqlStore, item_type: str) -> int:
        rows, _ = self.run(self.sql.read_key, {"name": key_name(item_type)})
        if not rows:
            raise StoreUnavailable("The key counters are missing; run `flask --app wsgi db-init`.")
        return max(int(r["value"]) for r in rows)

    def claim_key(self: SqlStore, keyed: WorkItem, created: Event, seen: int) -> bool:
        """Take key number seen + 1 for `keyed` and create its seq row holding the created event (seq 1)."""
        params = {"key_name": key_name(keyed.item_type), "number": seen + 1, "seen": seen,
                  "seq_name": seq_name(keyed.id), "pending_event": outbox_json(created),
                  "pending_id": created.event_id, "updated_at": created.created_at, "updated_by": created.created_by}
        _, taken = self.run(self.sql.claim_key, params, conflict_is_zero=True)
        if taken:
            return True
        anchor = self.anchor(keyed.id, created.event_id)  # a reply lost after the commit: was it ours?
        return bool(anchor and anchor.pending_id == created.event_id and anchor.pending_event
                    and json.loads(json.loads(anchor.pending_event)["payload"])["item"]["key"] == keyed.key)

    def sync_key(self: SqlStore, item_type: str, seen: int) -> None:
        """Move the key row up to the highest key stored (items imported or written without the counter)."""
        rows, _ = self.run(self.sql.max_number, {"item_type": item_type})
        self.run(self.sql.sync_key, {"name": key_name(item_type), "seen": seen, "number": int(rows[0]["n"] or 0),
                                     "updated_at": dt.datetime.now(dt.UTC), "updated_by": "deltadesk"})

    def anchor(self: SqlStore, item_id: str, event_id: str) -> Anchor | None:
        rows, _ = self.run(self.sql.read_seq, {"name": seq_name(item_id), "item_id": item_id, "event_id": event_id})
        return Anchor.from_row(rows[0] if rows else None)

    def sequence(self: SqlStore, event: Event, fresh: bool = False) -> Event:
        """Store `event` with the next seq of its item (or find it stored); returns it with its seq.

        A fresh event (new, so certainly not stored yet) first tries the number after the last one this
        instance took and stored for the item, without reading the row: if the row still holds that
        number, its pending event is ours and stored, so the claim is as safe as after a read."""
        guess = self.seq_taken.get(event.item_id) if fresh else None
        if guess is not None:
            final = self.claim(event, Anchor(guess, None, None, True))
            if final:
                return final
        since, waits = time.monotonic(), dict[str, float]()
        for attempt in range(10_000):
            if time.monotonic() - since > CLAIM_DEADLINE:
                break
            rows, _ = self.run(self.sql.read_seq, {"name": seq_name(event.item_id), "item_id": event.item_id,
                                                   "event_id": event.event_id})
            if rows and rows[0]["mine_seq"] is not None:
                return dataclasses.replace(event, seq=int(rows[0]["mine_seq"]))
            anchor = Anchor.from_row(rows[0] if rows else None)
            if anchor is None or anchor.blocked:
                self.unblock(event, anchor, waits)
                continue
            final = self.claim(event, anchor)
            if final:
                return final
            pause(attempt)
        raise StoreUnavailable("The ticket database is busy; try again.")

    def claim(self: SqlStore, event: Event, anchor: Anchor) -> Event | None:
        """Take seq anchor.value + 1 for `event` and insert it; None when another writer took it first."""
        final = dataclasses.replace(event, seq=anchor.value + 1)
        params = {"name": seq_name(event.item_id), "seen": anchor.value, "next": final.seq,
                  "pending_event": outbox_json(final), "pending_id": final.event_id,
                  "updated_at": final.created_at, "updated_by": final.created_by}
        if not self.run(self.sql.claim_seq, params, conflict_is_zero=True)[1]:
            return None
        try:
            self.run(self.sql.insert_event, event_params(final))
        except StoreUnavailable:
            try:  # hand the number back, unless the event landed after all (a lost reply)
                self.run(self.sql.release_seq, params)
            except StoreUnavailable:
                log.warning("could not hand back seq %s of %s; the next writer stores its event", final.seq,
                            event.item_id)
            self.seq_taken.put(event.item_id, None)
            raise
        self.seq_taken.put(event.item_id, final.seq)
        return final

    def unblock(self: SqlStore, event: Event, anchor: Anchor | None, waits: dict[str, float]) -> None:
        """The item has no seq row yet (create it), or its last event is not stored: wait for its writer,
        and once we have seen that same event pending for FLUSH_GRACE seconds (`waits`: when we first saw
        each), store it ourselves. Even when that event is ours (a claim whose reply was lost, or an outbox
        event another writer is storing for us) we wait: only one writer should insert it."""
        if anchor is None:
            _, seeded = self.run(self.sql.seed_seq, {"name": seq_name(event.item_id), "item_id": event.item_id,
                                                     "updated_at": event.created_at, "updated_by": event.created_by})
            if not seeded:  # the gate failed: no key row for the item's type (or no such item)
                raise StoreUnavailable("The counters are missing; run `flask --app wsgi db-init`.")
            return
        first_seen = waits.setdefault(anchor.pending_id or "", time.monotonic())
        if time.monotonic() - first_seen < FLUSH_GRACE:
            time.sleep(random.uniform(0.002, 0.01))
            return
        self.store_pending(anchor)

    def store_pending(self: SqlStore, anchor: Anchor) -> None:
        """Insert a seq row's pending event with its number (a MERGE on event_id: harmless if it is there)."""
        pending = dataclasses.replace(event_from_outbox(anchor.pending_event or ""), seq=anchor.value)
        self.run(self.sql.insert_event, event_params(pending))
