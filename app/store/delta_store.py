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
import logging
import threading
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from deltalake.exceptions import DeltaError

from app.models import ApiToken, Comment, Event, ItemType, Page, QuarantinedRow, WorkItem, WorkItemDetail
from app.store import delta_feed
from app.store.base import ItemQuery, StoreConflict
from app.store.ddl import table_defs
from app.store.delta_cursor import EventsCursor
from app.store.delta_tables import DeltaTableHandle
from app.store.delta_tokens import DeltaTokens
from app.store.delta_writes import WritePath
from app.store.followers import Followers
from app.store.group_commit import BatchContext
from app.store.intents import FileLock, IntentLog
from app.store.mail_delta import DeltaMail
from app.store.maintenance import Maintainer
from app.store.notification_delta import DeltaInbox
from app.store.projection import Projector
from app.store.read_model import ReadModel
from app.store.webhook_delta import TABLES as WEBHOOK_TABLES
from app.store.webhook_delta import DeltaWebhooks

log = logging.getLogger(__name__)

ITEMS, EVENTS, COMMENTS, VOTES = "work_items", "work_item_events", "work_item_comments", "work_item_votes"
TOKENS = "api_tokens"
UNMAINTAINED = (TOKENS, *WEBHOOK_TABLES)  # small tables written under locks of their own
FOLLOW_SECONDS = 1.0
_OPEN: weakref.WeakSet[DeltaStore] = weakref.WeakSet()


@atexit.register
def _stop_following() -> None:
    """No follower may be inside delta-rs while the interpreter shuts down."""
    for store in list(_OPEN):
        store._closed.set()
        store._follower.join(timeout=30)
        store._maintainer_thread.join(timeout=60)


class DeltaStore(DeltaInbox, DeltaMail):
    """Store over local Delta tables; safe for many threads and many processes on one machine."""

    def __init__(self, data_dir: str | Path) -> None:
        if "://" in str(data_dir) or str(data_dir).startswith(("s3:", "gs:", "abfss:", "dbfs:")):
            raise ValueError(f"DATA_DIR={data_dir} is a URL: the embedded store keeps its Delta tables on a local "
                             "disk. For shared or cloud storage use STORE=databricks.")
        self.root = Path(data_dir)
        self.root.mkdir(parents=True, exist_ok=True)
        self.tables = {name: DeltaTableHandle(self.root, d) for name, d in table_defs().items()}
        self.model = ReadModel()
        self._lock = FileLock(self.root / ".writer.lock")
        self._intents = IntentLog(self.root / "_intents")
        own_handles = {name: DeltaTableHandle(self.root, d) for name, d in table_defs().items()}
        self._projector = Projector(own_handles, self.model, self._intents, self.root / ".projector.lock")
        self._followers = Followers(self.root / "_followers")
        self._maintainer = Maintainer(self.root, {name: DeltaTableHandle(self.root, d) for name, d in
                                                  table_defs().items() if name not in UNMAINTAINED},
                                      self._lock, self._projector.lock, self._followers.oldest)
        self._cursor = EventsCursor(self.tables, self.model, self._lock)
        self._writes = WritePath(self.model, self.tables[EVENTS], self._lock, self._cursor, self._intents,
                                 self._projector)
        self._tokens = DeltaTokens(self.tables[TOKENS], self._lock)
        self.webhooks = DeltaWebhooks(self.root)  # WebhookStore (webhook_delta.py)
        with self._lock.held():
            for handle in self.tables.values():
                handle.ensure()
            self._cursor.load()
        self._followers.record(self._cursor.version)
        try:
            self._projector.drain()  # what a dead process left; on failure the intents wait for the next try
        except Exception:
            log.exception("projecting what earlier processes left failed; the projector retries it")
        self._closed = threading.Event()
        self._follower = threading.Thread(target=self._follow, name="delta-follower", daemon=True)
        self._follower.start()
        self._maintainer_thread = threading.Thread(target=self._maintain_loop, name="delta-maintainer", daemon=True)
        self._maintainer_thread.start()
        _OPEN.add(self)

    # ---- freshness ------------------------------------------------------------------------
    def _fresh(self) -> None:
        self._cursor.fresh()

    def _follow(self) -> None:
        """Catch up on other processes' commits every FOLLOW_SECONDS, even with no requests, and say how far
        (a log trim never outruns a live reader: followers.py)."""
        while not self._closed.wait(FOLLOW_SECONDS):
            if not self.root.exists():
                return
            try:
                self._cursor.fresh()
                self._followers.record(self._cursor.version)
            except Exception:
                log.exception("catching up with other processes' writes failed; retrying")

    def _maintain_loop(self) -> None:
        """Compact, checkpoint, trim and vacuum in the background when due (see maintenance.py); its own
        thread, so that neither following nor projecting waits for it. A run that meets the table changing
        under it (delta-rs listing the log while appends land) is skipped: the next one is due soon."""
        while not self._closed.wait(FOLLOW_SECONDS):
            if not self.root.exists():
                return
            try:
                self._maintainer.run_due()
            except DeltaError as exc:
                log.warning("background maintenance skipped, it runs again when due: %s", str(exc)[:200])
            except Exception:
                log.exception("background maintenance failed; it runs again when due")

    # ---- reads --------------------------------------------------------------------------
    def list_items(self, query: ItemQuery) -> Page:
        self._fresh()
        return self.model.query(query)

    def get_item(self, item_id: str) -> WorkItem | None:
        self._fresh()
        return self.model.items.get(item_id)

    def get_item_by_key(self, key: str) -> WorkItem | None:
        self._fresh()
        return self.model.item_by_key(key)

    def get_detail(self, item_id: str, viewer: str | None) -> WorkItemDetail | None:
        self._fresh()
        return self.model.detail(item_id, viewer)

    def events_for(self, item_id: str, after_version: int = 0) -> list[Event]:
        self._fresh()
        return self.model.events_for(item_id, after_version)

    def known_actors(self) -> frozenset[str]:
        self._fresh()
        return self.model.known_actors()

    def events_after(self, cursor: int, limit: int = 500) -> tuple[list[Event], int]:
        """From memory: the follower keeps the model current (see delta_feed.py)."""
        return delta_feed.events_after(self.model, cursor, limit)

    def listen(self, callback: Callable[[Event], None]) -> None:
        delta_feed.listen(self.model, callback)

    def data_version(self) -> str:
        self._fresh()
        return f"d{self._cursor.version}"

    def data_version_number(self) -> int:
        """The events-table version this process has folded in (after catching up)."""
        self._fresh()
        return self._cursor.version

    # ---- writes -------------------------------------------------------------------------
    def create_item(self, item: WorkItem, event: Event) -> WorkItem:
        def build(ctx: BatchContext) -> tuple[Event, Callable[[], WorkItem]]:
            prefix = ItemType(item.item_type).key_prefix
            keyed = dataclasses.replace(item, key=f"{prefix}-{ctx.next_number(item.item_type)}")
            created = dataclasses.replace(event, seq=1, payload={**event.payload, "item": keyed.to_dict()})
            return created, lambda: keyed

        return self._writes.run(item.id, build)

    def update_item(self, item: WorkItem, expected_version: int, event: Event) -> WorkItem:
        def build(ctx: BatchContext) -> tuple[Event, Callable[[], WorkItem]]:
            current = self.model.items.get(item.id)
            if current is None:
                raise LookupError(item.id)
            if current.version != expected_version:
                raise StoreConflict(current)
            numbered = dataclasses.replace(event, seq=self.model.next_seq(item.id))
            return numbered, lambda: self.model.items[item.id]

        return self._writes.run(item.id, build)

    def add_comment(self, comment: Comment, event: Event) -> Comment:
        def build(ctx: BatchContext) -> tuple[Event, Callable[[], Comment]]:
            numbered = dataclasses.replace(event, seq=self.model.next_seq(comment.item_id))
            return numbered, lambda: comment

        return self._writes.run(comment.item_id, build)

    def set_vote(self, item_id: str, voter: str, voted: bool, event: Event) -> tuple[bool, int]:
        def build(ctx: BatchContext) -> tuple[Event | None, Callable[[], tuple[bool, int]]]:
            item = self.model.items.get(item_id)
            if item is None:
                raise LookupError(item_id)
            if self.model.has_vote(item_id, voter) == voted:
                return None, lambda: (False, self.model.vote_count(item_id))
            numbered = dataclasses.replace(event, seq=self.model.next_seq(item_id), version=item.version)
            return numbered, lambda: (True, self.model.vote_count(item_id))

        return self._writes.run(item_id, build)

    def flush(self) -> int:
        """Project every pending write into its table now, then run maintenance if it is due; returns the
        rows synced."""
        self._fresh()
        synced = self._projector.drain()
        self._maintainer.run_due(wait=True)
        return synced

    def quarantined(self) -> list[QuarantinedRow]:
        """Rows of the tables that could not be applied (kept out of every read), newest first."""
        self._fresh()
        with self.model.lock:
            rows = list(self.model.quarantined.values())
        return sorted(rows, key=lambda r: (r.created_at is not None, r.created_at or 0), reverse=True)

    def projection_lag(self) -> float:
        """The longest time, in seconds, a write of this process waited for its projected rows."""
        return self._projector.worst_lag

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
        self._cursor.load()

    # ---- maintenance --------------------------------------------------------------------
    def maintain(self, retention_hours: int = 168) -> dict[str, dict[str, Any]]:
        """Compact small files, write checkpoints, trim the logs and vacuum (never a file a kept version
        needs); one run at a time across processes (see maintenance.py)."""
        self.flush()
        return self._maintainer.run_all(retention_hours)

    def close(self) -> None:
        """Stop following, finish pending projections and release file handles."""
        self.run_close_hooks()  # the notifier stops first (notification_delta.py)
        self.webhooks.close()
        self._closed.set()
        for thread in (self._follower, self._maintainer_thread):
            if thread is not threading.current_thread():
                thread.join(timeout=60)
        _OPEN.discard(self)
        self._followers.leave()
        self._projector.close()
        self._lock.close()
        self.close_mail()
