"""The embedded store: real Delta tables under DATA_DIR via deltalake, served from memory.

Reads come from the ReadModel, refreshed whenever the events table gains a commit (a stat per
request). A write holds the writer lock, checks versions against fresh state, records an intent and
appends the audit event: that append is the commit point. The projector then brings work_items,
comments and votes in line, off the request path (see projection.py and intents.py).
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import gc
import logging
import threading
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from deltalake.exceptions import DeltaError

from app.models import ApiToken, Comment, Event, Page, WorkItem, WorkItemDetail
from app.store.base import ItemQuery, StoreConflict
from app.store.ddl import table_defs
from app.store.delta_tables import DeltaTableHandle, column_lists, list_runs, to_micros
from app.store.delta_tokens import DeltaTokens
from app.store.errors import StoreUnavailable
from app.store.faults import fault_point
from app.store.group_commit import BatchContext, CommitQueue, WriteRequest
from app.store.intents import FileLock, IntentLog
from app.store.projection import Keys, Projector, merge_keys
from app.store.read_model import ReadModel, event_to_row

log = logging.getLogger(__name__)

ITEMS, EVENTS, COMMENTS, VOTES = "work_items", "work_item_events", "work_item_comments", "work_item_votes"
TOKENS = "api_tokens"
KEY_PREFIX = {"incident": "INC", "improvement": "IMP", "platform_request": "REQ"}
FOLLOW_SECONDS = 1.0
_OPEN: weakref.WeakSet[DeltaStore] = weakref.WeakSet()


@atexit.register
def _stop_following() -> None:
    """No follower may be inside delta-rs while the interpreter shuts down."""
    for store in list(_OPEN):
        store._closed.set()
        store._follower.join(timeout=30)


def event_row(event: Event) -> dict[str, Any]:
    row = dataclasses.asdict(event)
    row["payload"] = event.payload_json()
    return row


class DeltaStore:
    """Store over local Delta tables; safe for many threads and many processes on one machine."""

    def __init__(self, data_dir: str | Path) -> None:
        self.root = Path(data_dir)
        self.root.mkdir(parents=True, exist_ok=True)
        self.tables = {name: DeltaTableHandle(self.root, d) for name, d in table_defs().items()}
        self.model = ReadModel()
        self._lock = FileLock(self.root / ".writer.lock")
        self._intents = IntentLog(self.root / "_intents")
        own_handles = {name: DeltaTableHandle(self.root, d) for name, d in table_defs().items()}
        self._projector = Projector(own_handles, self.model, self._intents, self.root / ".projector.lock")
        self._catchup = threading.Lock()
        self._commits = CommitQueue(self._lead)
        self._tokens = DeltaTokens(self.tables[TOKENS], self._lock)
        self._events_version = -1
        with self._lock.held():
            for handle in self.tables.values():
                handle.ensure()
            self._load()
        self._projector.drain()
        self._closed = threading.Event()
        self._follower = threading.Thread(target=self._follow, name="delta-follower", daemon=True)
        self._follower.start()
        _OPEN.add(self)

    # ---- loading and freshness ----------------------------------------------------------
    def _load(self) -> None:
        """Read every table into the read model (events newer than the projected rows are folded on
        top of them), with the cyclic GC paused (millions of new objects would trigger it again and
        again) and the result frozen out of later GC passes, which would otherwise walk the whole
        model and stall requests."""
        gc.disable()
        try:
            self._read_tables()
        finally:
            gc.enable()
            gc.freeze()
            pa.default_memory_pool().release_unused()

    def _read_tables(self) -> None:
        """Columnar conversion of every table, grouped per item after sorting in Arrow; ids are shared
        between tables (see column_lists)."""
        strings: dict[str, str] = {}
        items_handle = self.tables[ITEMS]
        items_table = items_handle.read_all([n for n in items_handle.schema.names if n != "pending_event"])
        cols = column_lists(items_table, strings, interned=("id", "created_by", "updated_by", "assignee", "platform"))
        items = [dict(zip(cols, values, strict=True)) for values in zip(*cols.values(), strict=True)]
        del items_table, cols
        self._events_version = self.tables[EVENTS].version()
        events = self._grouped(EVENTS, [("item_id", "ascending"), ("seq", "ascending")], strings,
                               ("item_id", "event_type", "created_by"))
        comments = {
            item_id: [Comment(*row) for row in rows]
            for item_id, rows in self._grouped(
                COMMENTS, [("item_id", "ascending"), ("created_at", "ascending"), ("id", "ascending")], strings,
                ("item_id", "created_by")).items()
        }
        table = self.tables[VOTES].read_all(["item_id", "voter", "created_at"])
        cols = column_lists(table, strings, interned=("item_id", "voter"), micros=("created_at",),
                            order=pc.sort_indices(table, sort_keys=[("item_id", "ascending")]))
        del table
        voters, times = cols["voter"], cols["created_at"]
        votes = {key: dict(zip(voters[a:b], times[a:b], strict=True)) for key, a, b in list_runs(cols["item_id"])}
        del cols, voters, times
        pa.default_memory_pool().release_unused()  # before the indexes are built: that is the load's peak
        self.model.load(items, events, comments, votes)

    def _grouped(self, name: str, order: list[tuple[str, str]], strings: dict[str, str],
                 interned: tuple[str, ...]) -> dict[str, list[tuple[Any, ...]]]:
        """A table's rows as tuples in schema order, grouped by item_id, in `order`."""
        table = self.tables[name].read_all()
        cols = column_lists(table, strings, interned=interned, order=pc.sort_indices(table, sort_keys=order))
        del table
        pa.default_memory_pool().release_unused()  # hand Arrow's buffers back before the next table
        runs = list_runs(cols["item_id"])
        rows = list(zip(*(cols[n] for n in self.tables[name].schema.names), strict=True))
        del cols
        return {key: rows[a:b] for key, a, b in runs}

    def _fresh(self) -> None:
        """Fold in events other processes committed since we last looked (two stats when nothing moved)."""
        events, seen = self.tables[EVENTS], self._events_version
        if (events.has_commit(seen + 1) or not events.has_commit(seen)) and not self._catch_up():
            with self._lock.held():
                self._reload()

    def _follow(self) -> None:
        """Catch up on other processes' commits every FOLLOW_SECONDS, even with no requests: a process
        that fell behind the trimmed log would have to reload everything on its next request."""
        while not self._closed.wait(FOLLOW_SECONDS):
            if not self.root.exists():
                return
            try:
                self._fresh()
            except Exception:
                log.exception("catching up with other processes' writes failed; retrying")

    def _catch_up(self) -> bool:
        """Apply new events from the change data feed; False when the feed cannot be read any more
        (its files were vacuumed while this process was idle) and a full reload is needed."""
        with self._catchup:
            handle = self.tables[EVENTS]
            if not handle.has_commit(self._events_version + 1):
                # our own version's log file is kept until we fall behind a log clean-up: then reload
                return self._events_version < 0 or handle.has_commit(self._events_version)
            try:
                found = handle.appended_since(self._events_version)
                changes, end = found if found is not None else handle.changes_since(self._events_version)
            except Exception:  # missing data files (vacuumed): deltalake raises plain Exception
                log.warning("change feed unreadable after version %s; reloading", self._events_version)
                return False
            for row in changes:
                self.model.apply(row)
            self._events_version = end
            return True

    def _reload(self) -> None:
        """Rebuild the read model from the tables; callers hold the writer lock (no write in flight)."""
        with self._catchup:
            self._load()

    # ---- reads --------------------------------------------------------------------------
    def list_items(self, query: ItemQuery) -> Page:
        self._fresh()
        return self.model.query(query)

    def get_item(self, item_id: str) -> WorkItem | None:
        self._fresh()
        return self.model.items.get(item_id)

    def get_detail(self, item_id: str, viewer: str | None) -> WorkItemDetail | None:
        self._fresh()
        return self.model.detail(item_id, viewer)

    def events_for(self, item_id: str, after_version: int = 0) -> list[Event]:
        self._fresh()
        return self.model.events_for(item_id, after_version)

    def data_version(self) -> str:
        self._fresh()
        return f"d{self._events_version}"

    def data_version_number(self) -> int:
        """The events-table version this process has folded in (after catching up)."""
        self._fresh()
        return self._events_version

    # ---- writes -------------------------------------------------------------------------
    def create_item(self, item: WorkItem, event: Event) -> WorkItem:
        def build(ctx: BatchContext) -> tuple[Event, Keys, Callable[[], WorkItem]]:
            keyed = dataclasses.replace(item, key=f"{KEY_PREFIX[item.item_type]}-{ctx.next_number(item.item_type)}")
            created = dataclasses.replace(event, seq=1, payload={**event.payload, "item": keyed.to_dict()})
            return created, {"items": [item.id]}, lambda: keyed

        return self._commits.run(item.id, build)

    def update_item(self, item: WorkItem, expected_version: int, event: Event) -> WorkItem:
        def build(ctx: BatchContext) -> tuple[Event, Keys, Callable[[], WorkItem]]:
            current = self.model.items.get(item.id)
            if current is None:
                raise LookupError(item.id)
            if current.version != expected_version:
                raise StoreConflict(current)
            numbered = dataclasses.replace(event, seq=self.model.next_seq(item.id))
            return numbered, {"items": [item.id]}, lambda: self.model.items[item.id]

        return self._commits.run(item.id, build)

    def add_comment(self, comment: Comment, event: Event) -> Comment:
        def build(ctx: BatchContext) -> tuple[Event, Keys, Callable[[], Comment]]:
            numbered = dataclasses.replace(event, seq=self.model.next_seq(comment.item_id))
            return numbered, {"comments": [[comment.id, comment.item_id]]}, lambda: comment

        return self._commits.run(comment.item_id, build)

    def set_vote(self, item_id: str, voter: str, voted: bool, event: Event) -> tuple[bool, int]:
        def build(ctx: BatchContext) -> tuple[Event | None, Keys, Callable[[], tuple[bool, int]]]:
            item = self.model.items.get(item_id)
            if item is None:
                raise LookupError(item_id)
            if self.model.has_vote(item_id, voter) == voted:
                return None, {}, lambda: (False, self.model.vote_count(item_id))
            numbered = dataclasses.replace(event, seq=self.model.next_seq(item_id), version=item.version)
            cast_at = event.created_at if voted else self.model.vote_time(item_id, voter)
            keys = {"votes": [[item_id, voter, to_micros(cast_at)]]}  # the row's created_at lets Delta prune files
            return numbered, keys, lambda: (True, self.model.vote_count(item_id))

        return self._commits.run(item_id, build)

    # ---- the write protocol -------------------------------------------------------------
    def _lead(self, take: Callable[[], list[WriteRequest]]) -> None:
        """Under the writer lock, take the queued writes, build them on fresh state and commit their
        events at once; fold them into the read model after the lock is released, so that the other
        processes' writers need not wait for it."""
        with self._lock.held():
            batch = take()
            if not self._catch_up():
                self._reload()
            ctx = BatchContext(self.model.max_number)
            built = [request for request in batch if self._build(request, ctx)]
            committed = self._commit(built) if built else None
        if committed is not None:
            self._publish(built, *committed)
        for request in batch:
            request.done.set()

    @staticmethod
    def _build(request: WriteRequest, ctx: BatchContext) -> bool:
        try:
            request.event, request.keys, request.finish = request.build(ctx)
        except Exception as exc:
            request.error = exc
            return False
        if request.event is None:
            request.result = request.finish()
            return False
        return True

    def _commit(self, built: list[WriteRequest]) -> tuple[Path, Keys, int] | None:
        """Record the intent and append the events (the commit point); None when nothing was written."""
        keys = merge_keys([request.keys or {} for request in built])
        intent = self._intents.record(built[0].event.event_id, keys)
        fault_point("before_event")
        try:
            with self._catchup:
                rows = [event_row(r.event) for r in built]
                version = self.tables[EVENTS].append_after(rows, self._events_version)
        except (DeltaError, OSError, ValueError) as exc:
            self._intents.done(intent)
            error = StoreUnavailable("The change could not be saved; nothing was written. Try again.")
            error.__cause__ = exc
            for request in built:
                request.error = error
            return None
        return intent, keys, version

    def _publish(self, built: list[WriteRequest], intent: Path, keys: Keys, version: int) -> None:
        """Fold committed events into the read model, queue their projection, hand back the results.
        Folding is idempotent per event, so a reader thread that already caught up on this commit from
        the log (and maybe on later ones from other processes) loses nothing."""
        with self._catchup:
            for request in built:
                self.model.apply(event_to_row(request.event))
            self._events_version = max(self._events_version, version)
        fault_point("after_event")
        self._projector.submit(intent, keys)
        for request in built:
            request.result = request.finish()

    def flush(self) -> int:
        """Project every pending write into its table now; returns the rows synced."""
        self._fresh()
        return self._projector.drain()

    # ---- API tokens (TokenStore) -----------------------------------------------------------
    def add_token(self, token: ApiToken) -> None:
        self._tokens.add_token(token)

    def find_token(self, token_hash: str) -> ApiToken | None:
        return self._tokens.find_token(token_hash)

    def list_tokens(self) -> list[ApiToken]:
        return self._tokens.list_tokens()

    def revoke_token(self, token_id: str, revoked_by: str, at: Any) -> bool:
        return self._tokens.revoke_token(token_id, revoked_by, at)

    # ---- bulk loading -------------------------------------------------------------------
    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the writer lock (for bulk loads in app/store/bulk.py)."""
        with self._lock.held():
            yield

    def reload_unlocked(self) -> None:
        """Re-read every table into the read model; the caller holds `exclusive()`."""
        self._load()

    # ---- maintenance --------------------------------------------------------------------
    def maintain(self, retention_hours: int = 168) -> dict[str, dict[str, Any]]:
        """Compact small files, write a checkpoint and vacuum files older than the retention."""
        self.flush()
        report: dict[str, dict[str, Any]] = {}
        with self._lock.held():
            for name, handle in self.tables.items():
                compacted = handle.compact()  # to per-table target sizes, never one huge file
                table = handle.refresh()
                table.create_checkpoint()
                removed = table.vacuum(retention_hours=retention_hours, dry_run=False,
                                       enforce_retention_duration=False)
                report[name] = {"files_added": compacted.get("numFilesAdded", 0),
                                "files_removed": compacted.get("numFilesRemoved", 0),
                                "vacuumed": len(removed), "version": table.version()}
        return report

    def close(self) -> None:
        """Stop following, finish pending projections and release file handles."""
        self._closed.set()
        if self._follower is not threading.current_thread():
            self._follower.join(timeout=30)
        _OPEN.discard(self)
        self._projector.close()
        self._lock.close()
