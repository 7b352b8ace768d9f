"""Histories for the large data set: how many events of each kind per item (Plan) and the events,
comments and votes themselves in time order (History), kept in columns for fast Arrow tables."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from typing import Any

import pyarrow as pa

from app.models import Event, ItemType, WorkItem
from app.seed.bulk_texts import COMMENTS, NOTES, fill
from app.services import state_machines as sm
from app.store.event_registry import EventRow, changed_item

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def uuid7_at(ms: int, rng: random.Random) -> str:
    """A version-7 UUID for a given millisecond (same layout as clock.new_id), random bits from rng."""
    rand = rng.getrandbits(74)
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _walk(rng: random.Random, item_type: str) -> list[sm.Transition]:
    """A random path through the item type's workflow from its initial state."""
    state, path = sm.initial_state(item_type), []
    for _ in range(rng.randint(0, len(sm.states(item_type)))):
        options = sm.transitions_from(item_type, state)
        if not options:
            break
        step = rng.choice(options)
        path.append(step)
        state = step.to_state
    return path


@dataclasses.dataclass
class Plan:
    """Per item: its transitions, update count, comments (with/without event), votes and unvote pairs;
    plus which votes (by global index) have a voted event."""

    walks: list[list[sm.Transition]]
    updates: list[int]
    comments: list[list[bool]]
    pairs: list[int]
    votes: list[int]
    voted_events: set[int]

    @classmethod
    def make(cls, rng: random.Random, sizes: Any, types: list[str], voter_pool: int) -> Plan:
        n = len(types)
        if sizes.events < n or sizes.votes > n * (voter_pool - 1):
            raise ValueError("need at least one event per item and at most pool-1 votes per item")
        budget = sizes.events - n
        comments: list[list[bool]] = [[] for _ in range(n)]
        for index in range(sizes.comments):
            comments[rng.randrange(n)].append(index < budget)
        budget -= min(sizes.comments, budget)
        walks = []
        for item_type in types:
            path = _walk(rng, item_type)[:budget]
            budget -= len(path)
            walks.append(path)
        updates = [1 if budget and rng.random() < 0.5 else 0 for _ in range(n)]
        updates = _capped(updates, budget)
        budget -= sum(updates)
        pairs = _capped([1 if rng.random() < 0.1 else 0 for _ in range(n)], budget // 2)
        budget -= 2 * sum(pairs)
        votes = _vote_counts(rng, sizes.votes, types, voter_pool - 1)
        voted = set(rng.sample(range(sizes.votes), min(sizes.votes, budget)))
        budget -= len(voted)
        for _ in range(budget):
            updates[rng.randrange(n)] += 1
        return cls(walks, updates, comments, pairs, votes, voted)


def _capped(counts: list[int], budget: int) -> list[int]:
    """Counts kept in order while their running sum stays within budget; zero after."""
    out = []
    for count in counts:
        take = min(count, budget)
        budget -= take
        out.append(take)
    return out


def _vote_counts(rng: random.Random, total: int, types: list[str], cap: int) -> list[int]:
    """Votes per item summing to total: improvements attract most, a long tail by lognormal weight."""
    weights = [(4.0 if t == "improvement" else 1.0) * rng.lognormvariate(0, 1) for t in types]
    scale = total / sum(weights)
    counts = [min(cap, int(w * scale)) for w in weights]
    missing = total - sum(counts)
    while missing:
        i = rng.randrange(len(counts))
        if counts[i] < cap:
            counts[i] += 1
            missing -= 1
    return counts


class History:
    """Plays each item's plan forward in time, writing events, comments and votes into columns."""

    def __init__(self, rng: random.Random, people: Any, plan: Plan, end_us: int) -> None:
        self.rng, self.people, self.plan, self.end_us = rng, people, plan, end_us
        self.numbers = dict.fromkeys((t.value for t in ItemType), 0)
        self.events: dict[str, list[Any]] = {k: [] for k in ("event_id", "item_id", "seq", "event_type", "payload",
                                                             "version", "created_at", "created_by")}
        self.comments: dict[str, list[Any]] = {k: [] for k in ("id", "item_id", "body", "created_at", "created_by")}
        self.votes: dict[str, list[Any]] = {k: [] for k in ("item_id", "voter", "created_at", "created_by")}
        self.vote_index = 0

    def play(self, index: int, item: WorkItem, platforms: list[str]) -> dict[str, Any]:
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
                item, last = self._change(item, data, at)
            elif kind == "comment":
                self._comment(item, data, at, platforms)
            else:
                self._emit(item, kind, f'{{"voter": {json.dumps(data)}}}', at, data)
        row = _fields(item)
        row["pending_event"] = json.dumps(last.to_dict(), default=str)
        return row

    def _actions(self, index: int, item: WorkItem, created_us: int) -> list[tuple[int, int, str, Any]]:
        """Everything after creation as (time, tie-break, kind, data), in time order."""
        rng, plan, low = self.rng, self.plan, created_us + 1
        changes: list[Any] = list(plan.walks[index])
        for _ in range(plan.updates[index]):
            changes.insert(rng.randint(0, len(changes)), None)
        span, rand = self.end_us - low, rng.random
        times = sorted(low + int(rand() * span) for _ in changes)
        actions = [(at, 0, "change", change) for at, change in zip(times, changes, strict=True)]
        actions += [(low + int(rand() * span), 1, "comment", evented) for evented in plan.comments[index]]
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

    def _change(self, item: WorkItem, step: sm.Transition | None, at: int) -> tuple[WorkItem, Event]:
        """A transition (step) or a field update (None), bumping the version."""
        rng, people = self.rng, self.people
        if step is not None:
            actor = item.created_by if step.author_may and rng.random() < 0.5 else rng.choice(people.triagers)
            note = fill(rng, rng.choice(NOTES), platform=item.platform or "the platform") if step.note_label else None
            payload, kind = {"from": item.state, "to": step.to_state, "note": note}, "state_changed"
        else:
            actor = rng.choice(people.triagers)
            field = rng.choice(("assignee", "priority"))
            options = people.engineers if field == "assignee" else ["p1", "p2", "p3", "p4"]
            new = rng.choice([o for o in options if o != getattr(item, field)])
            payload, kind = {"changes": {field: {"from": getattr(item, field), "to": new}}}, "updated"
        # the event changes the item exactly as the read model folds it (the one event registry)
        item = changed_item(item, EventRow("", item.id, 0, kind, "", item.version + 1, _moment(at), actor), payload)
        event_id = self._emit(item, kind, json.dumps(payload, sort_keys=True), at, actor)
        return item, Event(event_id, item.id, self._seq, kind, payload, item.version, _moment(at), actor)

    def _comment(self, item: WorkItem, evented: bool, at: int, platforms: list[str]) -> None:
        rng = self.rng
        author = rng.choice([item.created_by, rng.choice(self.people.triagers), rng.choice(self.people.reporters)])
        body = fill(rng, rng.choice(COMMENTS), state=item.state.replace("_", " "),
                    platform=item.platform or rng.choice(platforms or ["the platform"]))
        if evented:
            comment_id = self._emit(item, "commented", f'{{"body": {json.dumps(body)}}}', at, author)
        else:
            comment_id = uuid7_at(at // 1000, rng)
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
