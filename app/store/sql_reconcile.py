"""Finishes writes a crash interrupted, idempotently (run at start-up and by `flask db-reconcile`).

Four cases, each found by one query: a seq row whose pending event (it took that number) is still not
in the events table after FLUSH_GRACE seconds (its writer died between the two statements); an item
whose outbox event is not in the events table; a commented event without its comment row; a (item,
voter) whose latest voted/unvoted event disagrees with the votes table. Every fix is a MERGE or a DELETE
guarded so that it applies only while its event is still that voter's latest, so running it twice, or
beside live writers, changes nothing more.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from typing import TYPE_CHECKING

from app.store.errors import StoreUnavailable
from app.store.sql_claims import FLUSH_GRACE, Anchor
from app.store.sql_rows import event_from_outbox

if TYPE_CHECKING:
    from app.store.sql_store import SqlStore

log = logging.getLogger(__name__)


def reconcile(store: SqlStore) -> dict[str, int]:
    """Store missing events, comments and vote rows; returns how many of each were fixed."""
    fixed = {"events": 0, "comments": 0, "votes": 0}
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=FLUSH_GRACE)
    for row in store.run(store.sql.unstored_pending, {"before": before})[0]:
        store.store_pending(Anchor(int(row["value"]), None, row["pending_event"], False))
        fixed["events"] += 1
    for row in store.run(store.sql.unflushed_outboxes)[0]:
        store.record_event(event_from_outbox(row["pending_event"]), required=True)
        fixed["events"] += 1
    for row in store.run(store.sql.missing_comments)[0]:
        body = json.loads(row["payload"])["body"]
        store.run(store.sql.insert_comment, {"id": row["event_id"], "item_id": row["item_id"], "body": body,
                                             "created_at": row["created_at"], "created_by": row["created_by"]})
        fixed["comments"] += 1
    for row in store.run(store.sql.vote_drift)[0]:
        if row["event_type"] == "voted":
            store.run(store.sql.insert_vote_if_latest, {"event_id": row["event_id"]})
        else:
            store.run(store.sql.delete_vote_if_latest, {"item_id": row["item_id"], "voter": row["voter"],
                                                        "seq": row["seq"]})
        fixed["votes"] += 1
    if any(fixed.values()):
        log.warning("reconciled interrupted writes: %s", fixed)
        store.cache.clear()
    return fixed


class BackgroundReconciler:
    """Runs reconcile() on a daemon thread (with its own warehouse connection): at once, then every
    `every` seconds, and within `poll` seconds after a write reported an unfinished step."""

    def __init__(self, store: SqlStore, every: float, poll: float = 15.0) -> None:
        self.store = store
        self.every = every
        self.poll = min(poll, every)
        self.dirty = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="deltadesk-reconciler", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        last = float("-inf")  # the first pass runs at once: a worker finishes what a crash left behind
        while True:
            if self.dirty.is_set() or time.monotonic() - last >= self.every:
                self.dirty.clear()
                last = time.monotonic()
                try:
                    reconcile(self.store)
                except StoreUnavailable:
                    self.dirty.set()
                    log.warning("background reconcile failed (warehouse down, or tables missing: run "
                                "`flask --app wsgi db-init`); retrying later")
            if self._stop.wait(self.poll):
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
