"""In-memory view of the Delta tables: the state every read is served from.

It is loaded once from the tables and then moved forward by folding audit events, the same way
for this process's writes and for writes other processes made (learned from the events table).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import threading
from collections.abc import Iterable
from typing import Any

from app.bounded_cache import BoundedCache
from app.models import Comment, Event, EventType, Page, WorkItem, WorkItemDetail
from app.store.base import ItemQuery
from app.store.delta_tables import from_micros, to_micros
from app.store.indexes import Postings, SortedIndex, TextIndex

EventRow = tuple[str, str, int, str, str, int, dt.datetime, str]  # columns of work_item_events
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_INITIAL_STATES = {"new", "proposed", "submitted"}
DECODED_ITEMS = 2048  # items whose decoded events are kept (10-50 KB each): the ones being looked at
FILTERS_KEPT = 8  # filter combinations whose matching ids are kept until the next change (up to 2 MB each)


def _rank(priority: str) -> int:
    return int(priority[1]) if priority and len(priority) == 2 else 9


def event_from_row(row: EventRow) -> Event:
    return Event(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5], row[6], row[7])


def event_to_row(event: Event) -> EventRow:
    return (
        event.event_id, event.item_id, event.seq, event.event_type, event.payload_json(),
        event.version, event.created_at, event.created_by,
    )


class ReadModel:
    """Items, events, comments and votes in memory, with sorted indexes for list queries."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.items: dict[str, WorkItem] = {}
        self.max_number: dict[str, int] = {}
        self.events: dict[str, list[EventRow]] = {}
        self.comments: dict[str, list[Comment]] = {}
        self.votes: dict[str, dict[str, int]] = {}  # voter -> epoch micros (half a datetime's size, 1M of them)
        self._voted_by: dict[str, set[str]] = {}  # built lazily per voter, then kept current
        self._decoded: BoundedCache[list[Event]] = BoundedCache(DECODED_ITEMS)  # see decoded_events
        self._matches: dict[tuple[Any, ...], set[str] | None] = {}  # filters -> ids, cleared by apply
        self.text = TextIndex()
        self.postings = Postings()
        self.indexes: dict[str, SortedIndex] = {
            "created_at": SortedIndex(lambda it: (it.created_at, it.id)),
            "updated_at": SortedIndex(lambda it: (it.updated_at, it.id)),
            "priority": SortedIndex(lambda it: (-_rank(it.priority), it.created_at, it.id)),
            "votes": SortedIndex(lambda it: (len(self.votes.get(it.id, ())), it.created_at, it.id)),
            "triage": SortedIndex(
                lambda it: (it.state not in _INITIAL_STATES, _rank(it.priority), it.created_at, it.id)
            ),
        }

    # ---- loading -------------------------------------------------------------------------
    def load(
        self,
        items: Iterable[dict[str, Any]],
        events: dict[str, list[EventRow]],
        comments: dict[str, list[Comment]],
        votes: dict[str, dict[str, int]],
    ) -> None:
        """Replace the whole state with rows read from the tables, already grouped per item:
        events in seq order, comments in (created_at, id) order, votes as voter -> epoch micros."""
        with self.lock:
            self.__init__()  # type: ignore[misc]
            for row in items:
                self._put_item(WorkItem(**{**row, "description": row["description"] or ""}), reindex=False)
            self.events, self.comments, self.votes = events, comments, votes
            self._fold_unprojected()
            everything = list(self.items.values())
            for index in self.indexes.values():
                index.rebuild(everything)

    def _fold_unprojected(self) -> None:
        """Apply events whose effect the tables do not show yet (their projection was still pending)."""
        comment_ids = {c.id for lst in self.comments.values() for c in lst}
        latest_vote: dict[tuple[str, str], EventRow] = {}
        for rows in self.events.values():
            for row in rows:
                kind = row[3]
                if kind == EventType.CREATED and row[1] not in self.items:
                    self._put_item(WorkItem.from_dict(json.loads(row[4])["item"]), reindex=False)
                elif kind in (EventType.UPDATED, EventType.STATE_CHANGED) and row[5] > self.items[row[1]].version:
                    self._apply_change(row, json.loads(row[4]), reindex=False)
                elif kind == EventType.COMMENTED and row[0] not in comment_ids:
                    comment = Comment(row[0], row[1], json.loads(row[4])["body"], row[6], row[7])
                    self.comments.setdefault(row[1], []).append(comment)
                elif kind in (EventType.VOTED, EventType.UNVOTED):
                    latest_vote[(row[1], json.loads(row[4]).get("voter", row[7]))] = row
        for (item_id, voter), row in latest_vote.items():
            if row[3] == EventType.VOTED and not self.has_vote(item_id, voter):
                self._put_vote(item_id, voter, row[6], reindex=False)
            elif row[3] == EventType.UNVOTED and self.has_vote(item_id, voter):
                self._drop_vote(item_id, voter, reindex=False)

    # ---- folding events ------------------------------------------------------------------
    def apply(self, row: EventRow) -> None:
        """Move the state forward by one audit event (idempotent per event id)."""
        with self.lock:
            item_id, event_type = row[1], row[3]
            history = self.events.setdefault(item_id, [])
            if history and history[-1][2] >= row[2]:
                return
            history.append(row)
            self._matches.clear()
            payload = json.loads(row[4])
            if event_type == EventType.CREATED:
                self._put_item(WorkItem.from_dict(payload["item"]))
            elif event_type in (EventType.UPDATED, EventType.STATE_CHANGED):
                self._apply_change(row, payload)
            elif event_type == EventType.COMMENTED:
                comments = self.comments.setdefault(item_id, [])
                if not any(c.id == row[0] for c in comments):
                    comments.append(Comment(row[0], item_id, payload["body"], row[6], row[7]))
            elif event_type == EventType.VOTED:
                self._put_vote(item_id, payload.get("voter", row[7]), row[6])
            elif event_type == EventType.UNVOTED:
                self._drop_vote(item_id, payload.get("voter", row[7]))

    def _apply_change(self, row: EventRow, payload: dict[str, Any], reindex: bool = True) -> None:
        current = self.items[row[1]]
        if payload.get("item"):
            changed = WorkItem.from_dict(payload["item"])
        elif row[3] == EventType.STATE_CHANGED:
            changed = dataclasses.replace(current, state=payload["to"])
        else:
            values = {name: change["to"] for name, change in payload["changes"].items()}
            if isinstance(values.get("needed_by"), str):
                values["needed_by"] = dt.date.fromisoformat(values["needed_by"])
            changed = dataclasses.replace(current, **values)
        changed = dataclasses.replace(changed, version=row[5], updated_at=row[6], updated_by=row[7])
        self._put_item(changed, reindex)

    def _put_item(self, item: WorkItem, reindex: bool = True) -> None:
        self.postings.put(self.items.get(item.id), item)
        self.items[item.id] = item
        prefix_number = item.number
        self.max_number[item.item_type] = max(self.max_number.get(item.item_type, 0), prefix_number)
        self.text.put(item.id, f"{item.key}\n{item.title}\n{item.description}")
        if reindex:
            for index in self.indexes.values():
                index.upsert(item)

    def _put_vote(self, item_id: str, voter: str, at: dt.datetime | int, reindex: bool = True) -> None:
        self.votes.setdefault(item_id, {})[voter] = to_micros(at) if isinstance(at, dt.datetime) else at
        if voter in self._voted_by:
            self._voted_by[voter].add(item_id)
        if reindex and item_id in self.items:
            self.indexes["votes"].upsert(self.items[item_id])

    def _drop_vote(self, item_id: str, voter: str, reindex: bool = True) -> None:
        self.votes.get(item_id, {}).pop(voter, None)
        self._voted_by.get(voter, set()).discard(item_id)
        if reindex and item_id in self.items:
            self.indexes["votes"].upsert(self.items[item_id])

    # ---- reads ---------------------------------------------------------------------------
    def next_seq(self, item_id: str) -> int:
        history = self.events.get(item_id)
        return history[-1][2] + 1 if history else 1

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
            return WorkItemDetail(
                item=item,
                vote_count=len(votes),
                comment_count=len(comments),
                my_vote=bool(viewer and viewer in votes),
                events=self.decoded_events(item_id),
                comments=comments,
            )

    def decoded_events(self, item_id: str) -> list[Event]:
        """The item's events as Event objects (a new list each call). Decoding JSON payloads is most of a
        detail read, and events are append-only, so the decoded list of a recently read item is kept
        and only events appended since are decoded; callers hold the lock."""
        rows = self.events.get(item_id, ())
        decoded = self._decoded.get(item_id) or []
        if len(decoded) > len(rows):  # cannot happen while events only grow; never serve a wrong history
            decoded = []
        if len(decoded) != len(rows):
            decoded = self._decoded.put(item_id, decoded + [event_from_row(r) for r in rows[len(decoded):]])
        return list(decoded)

    def voted_by(self, voter: str) -> set[str]:
        """Ids of the items the voter voted for (one scan on first use, then kept current)."""
        found = self._voted_by.get(voter)
        if found is None:
            found = self._voted_by[voter] = {item_id for item_id, cast in self.votes.items() if voter in cast}
        return found

    def query(self, q: ItemQuery) -> Page:
        """Filter, order and cut one page; total counts every match.

        Filters become a candidate id set (posting-set intersections, then scans for text and time);
        the sorted index then yields the page without sorting or copying all items."""
        with self.lock:
            descending = q.descending and q.sort != "triage"
            ids = self._candidates(q)
            start = (q.page - 1) * q.page_size
            chosen = self.indexes[q.sort].page(ids, descending, start, q.page_size)
            return Page(
                items=chosen,
                vote_counts={it.id: len(self.votes.get(it.id, ())) for it in chosen},
                comment_counts={it.id: len(self.comments.get(it.id, ())) for it in chosen},
                page=q.page,
                page_size=q.page_size,
                total=len(self.items) if ids is None else len(ids),
            )

    def _candidates(self, q: ItemQuery) -> set[str] | None:
        """Ids matching every filter of q, or None when nothing filters. Kept until the next event is
        applied: paging, re-sorting and other readers of the same filters reuse the set (never changed
        in place)."""
        key = (q.item_type, q.states, q.platform, q.assignee, q.author, q.q, q.voted_by, q.updated_since)
        if key in self._matches:
            return self._matches[key]
        ids = self._filter(q)
        if len(self._matches) >= FILTERS_KEPT:
            self._matches.clear()
        self._matches[key] = ids
        return ids

    def _filter(self, q: ItemQuery) -> set[str] | None:
        sets: list[set[str]] = []
        posting = self.postings.ids
        for name, value in (("item_type", q.item_type), ("platform", q.platform), ("assignee", q.assignee),
                            ("created_by", q.author)):
            if value:
                sets.append(posting(name, value))
        states = [posting("state", s) for s in q.states or ()]
        if len(states) == 1:
            sets.append(states[0])
        if q.voted_by is not None:
            sets.append(self.voted_by(q.voted_by))
        ids: set[str] | None = None
        for found in sorted(sets, key=len):
            ids = found if ids is None else ids & found  # never mutated: posting sets are shared
        if len(states) > 1:  # union after narrowing: each & walks the smaller set
            ids = set().union(*states) if ids is None else set().union(*(ids & found for found in states))
        if q.updated_since:
            pool = self.items if ids is None else ids
            ids = {i for i in pool if self.items[i].updated_at >= q.updated_since}
        if q.q:
            ids = self.text.search(q.q, ids)
        return ids
