"""In-memory view of the Delta tables: the state every read is served from.

It is loaded once from the tables and then moved forward by folding audit events, the same way for this
process's writes and for writes other processes made (learned from the events table). How each event kind
folds is in event_registry; a row that cannot be applied is quarantined (logged, listed for admins, kept out
of every read), so one bad row from another writer never stops the app from starting or serving.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from app.bounded_cache import BoundedCache
from app.models import Comment, Event, Page, QuarantinedRow, WorkItem, WorkItemDetail
from app.models.triage import NO_PRIORITY, PRIORITY_RANK, triage_key
from app.store.actors import ActorSet
from app.store.base import ItemQuery
from app.store.delta_tables import from_micros, to_micros
from app.store.event_checks import BadEvent, checked_item, decode
from app.store.event_history import holds, insert_in_order, without_repeats
from app.store.event_registry import EventRow, kind_of
from app.store.indexes import Postings, SortedIndex, TextIndex
from app.store.read_query import run_query

log = logging.getLogger(__name__)

DECODED_ITEMS = 2048  # items whose decoded events are kept (10-50 KB each): the ones being looked at


def _rank(priority: str) -> int:
    return PRIORITY_RANK.get(priority or "", NO_PRIORITY)


class ReadModel:
    """Items, events, comments and votes in memory, with sorted indexes for list queries."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.on_fold: list[Callable[[EventRow], None]] = getattr(self, "on_fold", [])  # kept across reloads
        self.items: dict[str, WorkItem] = {}
        self.by_key: dict[str, str] = {}  # key (INC-12) -> item id; keys never change or move to another item
        self.max_number: dict[str, int] = {}
        self.events: dict[str, list[EventRow]] = {}
        self.comments: dict[str, list[Comment]] = {}
        self.votes: dict[str, dict[str, int]] = {}  # voter -> epoch micros (half a datetime's size, 1M of them)
        self.quarantined: dict[str, QuarantinedRow] = {}  # row id -> why it was set aside
        self.duplicates_dropped = 0  # event rows seen twice (same event_id), e.g. after a doubled compaction
        self._seq_floor: dict[str, int] = {}  # highest seq of a quarantined event per item: never reused
        self._voted_by: dict[str, set[str]] = {}  # built lazily per voter, then kept current
        self._decoded: BoundedCache[list[Event]] = BoundedCache(DECODED_ITEMS)  # see decoded_events
        self.matches: dict[tuple[Any, ...], set[str] | None] = {}  # filters -> ids, cleared on every change
        self.text = TextIndex()
        self.postings = Postings()
        self.actors = ActorSet()  # who acted, for the people directory (app/store/actors.py)
        self.indexes: dict[str, SortedIndex] = {
            "created_at": SortedIndex(lambda it: (it.created_at, it.id)),
            "updated_at": SortedIndex(lambda it: (it.updated_at, it.id)),
            "priority": SortedIndex(lambda it: (-_rank(it.priority), it.created_at, it.id)),
            "votes": SortedIndex(lambda it: (len(self.votes.get(it.id, ())), it.created_at, it.id)),
            "triage": SortedIndex(triage_key),  # app/models/triage.py: tier, severity, priority, age, id
        }

    # ---- loading -------------------------------------------------------------------------
    def load(self, items: Iterable[dict[str, Any]], events: dict[str, list[EventRow]],
             comments: dict[str, list[Comment]], votes: dict[str, dict[str, int]]) -> None:
        """Replace the whole state with rows read from the tables, already grouped per item: events in seq
        order, comments in (created_at, id) order, votes as voter -> epoch micros. Events whose effect the
        tables do not show yet (their projection was pending) are folded on top."""
        with self.lock:
            self.__init__()  # type: ignore[misc]
            for row in items:
                self._load_item(row)
            self.comments, self.votes = comments, votes
            for item_id, rows in events.items():
                unique, dropped = without_repeats(rows)
                self.duplicates_dropped += dropped
                self.events[item_id] = self._fold_history(unique)
            everything = list(self.items.values())
            for index in self.indexes.values():
                index.rebuild(everything)
        if self.duplicates_dropped:
            log.warning("dropped %d duplicated event rows (same event_id) while loading", self.duplicates_dropped)

    def _load_item(self, row: dict[str, Any]) -> None:
        try:
            self.put_item(checked_item(row), reindex=False)
        except BadEvent as exc:
            self._quarantine("work_items", str(row.get("id")), str(row.get("id")), "item row", str(exc), None)

    def _fold_history(self, rows: list[EventRow]) -> list[EventRow]:
        """Fold one item's loaded events that the tables do not show yet (their projection was pending); the
        rows that cannot be applied are quarantined and left out of the history. Rows the tables already
        show are not decoded here (most of a large load): the timeline checks them when first read."""
        kept = [row for row in rows if self._shown(row) or self._fold(row, reindex=False)]
        return kept if len(kept) != len(rows) else rows

    def _shown(self, row: EventRow) -> bool:
        try:
            return kind_of(row).shown(self, row)
        except BadEvent:
            return False  # folded next, and quarantined there

    # ---- folding events ------------------------------------------------------------------
    def apply(self, row: EventRow) -> bool:
        """Move the state forward by one audit event (idempotent per event id); False when the row was
        quarantined or already applied."""
        with self.lock:
            history = self.events.setdefault(row.item_id, [])
            if holds(history, row) or row.event_id in self.quarantined or not self._fold(row, reindex=True):
                return False
            insert_in_order(history, row)
            self.matches.clear()
            for listener in self.on_fold:  # live pages (delta_feed.py): cheap, never blocks
                listener(row)
            return True

    def _fold(self, row: EventRow, reindex: bool) -> bool:
        """Fold one row through its registry entry; quarantine it when it cannot be applied."""
        try:
            kind_of(row).fold(self, row, decode(row), reindex)
            return True
        except BadEvent as exc:
            reason = str(exc)
        except Exception as exc:  # a fold must never take the process down: set the row aside
            reason = f"{type(exc).__name__}: {exc}"
        self._set_aside(row, reason)
        return False

    def _set_aside(self, row: EventRow, reason: str) -> None:
        """Quarantine an event row; its seq is never handed out again for that item."""
        seq = row.seq if isinstance(row.seq, int) else 0
        self._seq_floor[row.item_id] = max(self._seq_floor.get(row.item_id, 0), seq)
        created = row.created_at if isinstance(row.created_at, dt.datetime) else None
        self._quarantine("work_item_events", row.event_id, row.item_id, str(row.event_type), reason, created)

    def _quarantine(self, table: str, row_id: str, item_id: str, kind: str, reason: str,
                    created_at: dt.datetime | None) -> None:
        if row_id not in self.quarantined:
            log.error("quarantined %s row %s (item %s, %s): %s", table, row_id, item_id, kind, reason)
        self.quarantined[row_id] = QuarantinedRow(table, row_id, item_id, kind, reason, created_at)

    # ---- what the folds change (called by event_registry) -----------------------------------------
    def put_item(self, item: WorkItem, reindex: bool = True) -> None:
        self.postings.put(self.items.get(item.id), item)
        self.items[item.id] = item
        self.by_key[item.key] = item.id
        self.actors.note(item.created_by, item.updated_by, item.assignee)
        self.max_number[item.item_type] = max(self.max_number.get(item.item_type, 0), item.number)
        self.text.put(item.id, f"{item.key}\n{item.title}\n{item.description}")
        if reindex:
            for index in self.indexes.values():
                index.upsert(item)

    def add_comment(self, comment: Comment) -> None:
        comments = self.comments.setdefault(comment.item_id, [])
        if not any(c.id == comment.id for c in comments):
            comments.append(comment)
            self.actors.note(comment.created_by)

    def put_vote(self, item_id: str, voter: str, at: dt.datetime | int, reindex: bool = True) -> None:
        self.votes.setdefault(item_id, {})[voter] = to_micros(at) if isinstance(at, dt.datetime) else at
        self.actors.note(voter)
        if voter in self._voted_by:
            self._voted_by[voter].add(item_id)
        if reindex and item_id in self.items:
            self.indexes["votes"].upsert(self.items[item_id])

    def drop_vote(self, item_id: str, voter: str, reindex: bool = True) -> None:
        cast = self.votes.get(item_id, {})
        cast.pop(voter, None)
        if not cast:
            self.votes.pop(item_id, None)
        self._voted_by.get(voter, set()).discard(item_id)
        if reindex and item_id in self.items:
            self.indexes["votes"].upsert(self.items[item_id])

    # ---- reads ---------------------------------------------------------------------------
    def next_seq(self, item_id: str) -> int:
        history = self.events.get(item_id)
        return max(history[-1].seq if history else 0, self._seq_floor.get(item_id, 0)) + 1

    def item_by_key(self, key: str) -> WorkItem | None:
        """The item with this exact key (INC-12), or None."""
        with self.lock:
            item_id = self.by_key.get(key)
            return None if item_id is None else self.items.get(item_id)

    def has_vote(self, item_id: str, voter: str) -> bool:
        return voter in self.votes.get(item_id, {})

    def vote_time(self, item_id: str, voter: str) -> dt.datetime | None:
        at = self.votes.get(item_id, {}).get(voter)
        return None if at is None else from_micros(at)

    def vote_count(self, item_id: str) -> int:
        return len(self.votes.get(item_id, ()))

    def events_for(self, item_id: str, after_version: int = 0) -> list[Event]:
        with self.lock:
            events = self.decoded_events(item_id)
        return [e for e in events if e.version > after_version]

    def detail(self, item_id: str, viewer: str | None) -> WorkItemDetail | None:
        with self.lock:
            item = self.items.get(item_id)
            if item is None:
                return None
            comments = list(self.comments.get(item_id, ()))
            votes = self.votes.get(item_id, {})
            return WorkItemDetail(item=item, vote_count=len(votes), comment_count=len(comments),
                                  my_vote=bool(viewer and viewer in votes), events=self.decoded_events(item_id),
                                  comments=comments)

    def decoded_events(self, item_id: str) -> list[Event]:
        """The item's events as Event objects (a new list each call). Decoding JSON payloads is most of a
        detail read, and events are append-only, so the decoded list of a recently read item is kept
        and only events appended since are decoded; callers hold the lock."""
        rows = self.events.get(item_id, ())
        decoded = self._decoded.get(item_id) or []
        if len(decoded) > len(rows) or (decoded and decoded[-1].event_id != rows[len(decoded) - 1].event_id):
            decoded = []  # another writer's event was numbered into the middle: decode again
        if len(decoded) != len(rows):
            fresh = [self._readable(r) for r in rows[len(decoded):]]
            if None in fresh:  # a loaded row the tables already showed, unreadable: set aside for good
                self.events[item_id] = [r for r in rows if r.event_id not in self.quarantined]
                return self.decoded_events(item_id)
            decoded = self._decoded.put(item_id, decoded + fresh)  # type: ignore[operator]
        return list(decoded)

    def _readable(self, row: EventRow) -> Event | None:
        """The row as an Event, or None after quarantining a row whose payload cannot be shown."""
        try:
            return Event(row.event_id, row.item_id, row.seq, row.event_type, decode(row), row.version,
                         row.created_at, row.created_by)
        except BadEvent as exc:
            self._set_aside(row, str(exc))
            return None

    def voted_by(self, voter: str) -> set[str]:
        """Ids of the items the voter voted for (one scan on first use, then kept current)."""
        found = self._voted_by.get(voter)
        if found is None:
            found = self._voted_by[voter] = {item_id for item_id, cast in self.votes.items() if voter in cast}
        return found

    def known_actors(self) -> frozenset[str]:
        """Identities that created, last edited, are assigned, commented or voted (lowercased)."""
        with self.lock:
            return self.actors.snapshot(self)

    def query(self, q: ItemQuery) -> Page:
        return run_query(self, q)
