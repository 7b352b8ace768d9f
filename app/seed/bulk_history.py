"""Histories for the large data set: the events, comments and votes of each item in time order (History),
kept in columns for fast Arrow tables, following the item's Plan (bulk_plan) and its story (bulk_stories)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from typing import Any

import pyarrow as pa

from app.models import Event, ItemType, WorkItem
from app.seed.bulk_plan import Plan
from app.seed.bulk_talk import PHASES, Talk
from app.services import state_machines as sm
from app.store.event_registry import EventRow, changed_item

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
DAY_US = 86_400_000_000
MINUTE_US = 60_000_000
SETTLED = ("done", "refused")


def uuid7_at(ms: int, rng: random.Random) -> str:
    """A version-7 UUID for a given millisecond (same layout as clock.new_id), random bits from rng."""
    rand = rng.getrandbits(74)
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class History:
    """Plays each item's plan forward in time, writing events, comments and votes into columns."""

    def __init__(self, rng: random.Random, people: Any, plan: Plan, end_us: int) -> None:
        self.rng, self.people, self.plan, self.end_us = rng, people, plan, end_us
        self.talk = Talk(rng, people)
        self.numbers = dict.fromkeys((t.value for t in ItemType), 0)
        self.events: dict[str, list[Any]] = {k: [] for k in ("event_id", "item_id", "seq", "event_type", "payload",
                                                             "version", "created_at", "created_by")}
        self.comments: dict[str, list[Any]] = {k: [] for k in ("id", "item_id", "body", "created_at", "created_by")}
        self.votes: dict[str, list[Any]] = {k: [] for k in ("item_id", "voter", "created_at", "created_by")}
        self.vote_index = 0

    def play(self, index: int, item: WorkItem, story: dict[str, str]) -> dict[str, Any]:
        """The item's final row, after emitting its whole history."""
        self.numbers[item.item_type] += 1
        prefix = ItemType(item.item_type).key_prefix
        created_us = _micros(item.created_at)
        item = dataclasses.replace(item, id=uuid7_at(created_us // 1000, self.rng),
                                   key=f"{prefix}-{self.numbers[item.item_type]}")
        self._seq = 0
        payload = {"item": _iso(_fields(item))}
        event_id = self._emit(item, "created", json.dumps(payload, sort_keys=True), created_us, item.created_by)
        last = Event(event_id, item.id, 1, "created", payload, 1, item.created_at, item.created_by)
        for at, _, kind, data in self._actions(index, item, created_us):
            if kind == "change":
                item, last = self._change(item, data, at, story)
            elif kind == "comment":
                self._comment(item, data, at, story)
            else:
                self._emit(item, kind, f'{{"voter": {json.dumps(data)}}}', at, data)
        row = _fields(item)
        row["pending_event"] = json.dumps(last.to_dict(), default=str)
        return row

    def _actions(self, index: int, item: WorkItem, created_us: int) -> list[tuple[int, int, str, Any]]:
        """Everything after creation as (time, tie-break, kind, data), in time order: the planned steps, the
        updates (the first right after the item is taken on), most comments while it is worked on and a few once
        it is settled, votes early in its life (an idea collects them for months)."""
        rng, plan, low, end = self.rng, self.plan, created_us + 1, self.end_us
        walk, rand = plan.walks[index], rng.random
        actions: list[tuple[int, int, str, Any]] = [(at, 0, "change", step) for at, step in walk]
        busy = min(end, walk[-1][0] + DAY_US if walk else low + 14 * DAY_US) - low
        updates = plan.updates[index]
        if updates and walk:
            actions.append((min(end, walk[0][0] + rng.randint(2, 90) * MINUTE_US), 0, "change", None))
            updates -= 1
        actions += [(low + int(rand() * busy), 0, "change", None) for _ in range(updates)]
        settled = next((at for at, step in walk if PHASES[(item.item_type, step.to_state)] in SETTLED), None)
        if settled is None or low + busy - settled < DAY_US // 24:  # still worked on (or settled at the very end)
            settled, after = low + busy, 0.0
        else:  # most while it was worked on, a few once it is settled
            after = 0.2
        work, rest = settled - low, low + busy - settled
        actions += [(low + int(rand() * work) if rand() >= after else settled + int(rand() * rest), 1, "comment",
                     evented) for evented in plan.comments[index]]
        span = min(end, low + (180 if item.item_type == "improvement" else 21) * DAY_US) - low
        chosen = rng.sample(range(len(self.people.voters)), plan.votes[index] + plan.pairs[index])
        for voter in chosen[plan.votes[index]:]:
            first, second = sorted((low + int(rand() * span), low + int(rand() * span)))
            actions += [(first, 2, "voted", self.people.voters[voter]), (second, 3, "unvoted",
                                                                          self.people.voters[voter])]
        voters = [self.people.voters[v] for v in chosen[:plan.votes[index]]]
        actions += self._votes(item, voters, [low + int(rand() * span) for _ in voters])
        actions.sort(key=lambda a: (a[0], a[1]))
        return actions

    def _votes(self, item: WorkItem, voters: list[str], times: list[int]) -> list[tuple[int, int, str, Any]]:
        """Vote rows; and voted actions for those of the votes that have an event."""
        columns, first = self.votes, self.vote_index
        columns["item_id"].extend([item.id] * len(voters))
        columns["voter"].extend(voters)
        columns["created_at"].extend(times)
        columns["created_by"].extend(voters)
        self.vote_index += len(voters)
        evented = self.plan.voted_events
        return [(times[k], 2, "voted", voters[k]) for k in range(len(voters)) if first + k in evented]

    def _change(self, item: WorkItem, step: sm.Transition | None, at: int,
                story: dict[str, str]) -> tuple[WorkItem, Event]:
        """A transition (step) or a field update (None), bumping the version."""
        if step is not None:
            actor = self.talk.mover(item, step)
            payload = {"from": item.state, "to": step.to_state, "note": self.talk.note(item, step, story)}
            kind = "state_changed"
        else:
            actor, changes = self.talk.update(item)
            payload, kind = {"changes": changes}, "updated"
        # the event changes the item exactly as the read model folds it (the one event registry)
        item = changed_item(item, EventRow("", item.id, 0, kind, "", item.version + 1, _moment(at), actor), payload)
        event_id = self._emit(item, kind, json.dumps(payload, sort_keys=True), at, actor)
        return item, Event(event_id, item.id, self._seq, kind, payload, item.version, _moment(at), actor)

    def _comment(self, item: WorkItem, evented: bool, at: int, story: dict[str, str]) -> None:
        author, body = self.talk.comment(item, story)
        if evented:
            comment_id = self._emit(item, "commented", f'{{"body": {json.dumps(body)}}}', at, author)
        else:
            comment_id = uuid7_at(at // 1000, self.rng)
        for name, value in (("id", comment_id), ("item_id", item.id), ("body", body), ("created_at", at),
                            ("created_by", author)):
            self.comments[name].append(value)

    def _emit(self, item: WorkItem, kind: str, payload_json: str, at: int, actor: str) -> str:
        """Append one event (payload already JSON, as Event.payload_json writes it); returns its id."""
        self._seq += 1
        event_id = uuid7_at(at // 1000, self.rng)
        columns = self.events
        columns["event_id"].append(event_id)
        columns["item_id"].append(item.id)
        columns["seq"].append(self._seq)
        columns["event_type"].append(kind)
        columns["payload"].append(payload_json)
        columns["version"].append(item.version)
        columns["created_at"].append(at)
        columns["created_by"].append(actor)
        return event_id

    def events_table(self, schema: pa.Schema) -> pa.Table:
        return _columns(self.events, schema)

    def comments_table(self, schema: pa.Schema) -> pa.Table:
        return _columns(self.comments, schema)

    def votes_table(self, schema: pa.Schema) -> pa.Table:
        return _columns(self.votes, schema)


def _columns(columns: dict[str, list[Any]], schema: pa.Schema) -> pa.Table:
    """Columns (timestamps as epoch microseconds) as an Arrow table in the schema."""
    return pa.table([pa.array(columns[f.name], f.type) for f in schema], schema=schema)


_FIELD_NAMES = tuple(f.name for f in dataclasses.fields(WorkItem))


def _fields(item: WorkItem) -> dict[str, Any]:
    """Shallow dataclasses.asdict (whose deep copies dominated generation time)."""
    return {name: getattr(item, name) for name in _FIELD_NAMES}


def _iso(values: dict[str, Any]) -> dict[str, Any]:
    """WorkItem.to_dict on the fields: dates and times as ISO strings."""
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


def _micros(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // dt.timedelta(microseconds=1)


def _moment(micros: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=micros)
