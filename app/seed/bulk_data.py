"""The large scenario (MOCK_SCENARIO=large): 50 000 items with histories, written in bulk.

Every item gets its created event, then workflow transitions, field updates, comments and votes at
generated times after its creation; events are numbered 1..n per item and carry the item's version
at that point, so folding the events gives exactly the rows written (what the read model does).
The event total is met exactly: created and commented events first, then transitions, updates and
vote/unvote pairs, then voted events for as many votes as the budget allows, then extra updates.
What the items say and when things happen reads like a real queue: bulk_stories (titles, fields),
bulk_plan (how many events, the workflow steps and their pace), bulk_talk (notes, comments, updates).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import time
from typing import Any

import pyarrow as pa

from app.models import WorkItem
from app.seed.bulk_history import History
from app.seed.bulk_plan import Plan
from app.seed.bulk_stories import Stories
from app.seed.bulk_texts import FIRST, LAST
from app.services import state_machines as sm
from app.store.ddl import table_def

END = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
SPAN = dt.timedelta(days=2 * 365)
DAY_US = 86_400_000_000
HOUR_US = 3_600_000_000
TYPE_WEIGHTS = {"incident": 4, "improvement": 3, "platform_request": 3}


@dataclasses.dataclass(frozen=True)
class Sizes:
    """Row counts of the generated store (the event count is met exactly)."""

    items: int = 50_000
    events: int = 500_000
    comments: int = 200_000
    votes: int = 1_000_000


def seed_large(store: Any, platforms: list[str], sizes: Sizes | None = None, seed: int = 7) -> str:
    """Generate the large data set and bulk-load it into the (empty) embedded store."""
    from app.store.bulk import bulk_append

    sizes = sizes or Sizes()
    started = time.perf_counter()
    tables = generate(sizes, platforms, seed)
    bulk_append(store, tables)
    return (f"Seeded {sizes.items} work items, {sizes.events} events, {sizes.comments} comments and "
            f"{sizes.votes} votes in {time.perf_counter() - started:.0f} s.")


def generate(sizes: Sizes, platforms: list[str], seed: int = 7) -> dict[str, pa.Table]:
    """The four tables as Arrow tables, sorted by time so Delta file statistics prune."""
    rng = random.Random(seed)
    people, stories = People(rng, platforms), Stories(rng)
    created = _created_times(rng, sizes)
    made = [_new_item(rng, people, stories, platforms, i, at) for i, at in enumerate(created)]
    items = [item for item, _ in made]
    plan = Plan.make(rng, sizes, [it.item_type for it in items], created, _us(END), voter_pool=len(people.voters))
    history = History(rng, people, plan, end_us=_us(END))
    rows = [history.play(i, item, story) for i, (item, story) in enumerate(made)]
    return {
        "work_items": _table("work_items", rows).sort_by("id"),
        "work_item_events": history.events_table(table_def("work_item_events").schema).sort_by("event_id"),
        "work_item_comments": history.comments_table(table_def("work_item_comments").schema).sort_by("id"),
        "work_item_votes": history.votes_table(table_def("work_item_votes").schema).sort_by("created_at"),
    }


class People:
    """2 000 generated identities: reporters, triagers, engineers (assignees, four per platform) and voters."""

    def __init__(self, rng: random.Random, platforms: list[str]) -> None:
        pool = [f"{first}.{last}@example.com" for first in FIRST for last in LAST]
        rng.shuffle(pool)
        self.voters = pool
        self.triagers = pool[:8]
        self.engineers = pool[8:40]
        self.reporters = pool[40:640]
        self._owners = {p: [self.engineers[(4 * k + j) % 32] for j in range(4)] for k, p in enumerate(platforms)}

    def owners(self, platform: str | None) -> list[str]:
        """The engineers who take the platform's items (any engineer for items of no platform)."""
        return self._owners.get(platform or "", self.engineers)


def _us(moment: dt.datetime) -> int:
    return (moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)


def _created_times(rng: random.Random, sizes: Sizes) -> list[int]:
    """Creation times over two years, more of them lately (the platform grew), mostly on weekdays in office
    hours; each leaves at least a day for the item's history."""
    low, high = _us(END - SPAN), _us(END) - DAY_US
    times = []
    for _ in range(sizes.items):
        at = low + int((high - low) * rng.random() ** 0.7)
        day, hour = divmod(at, DAY_US)
        if rng.random() < 0.85:
            hour = (8 * HOUR_US + hour % (10 * HOUR_US))
            day += (2 if (day + 3) % 7 == 5 else 1) if (day + 3) % 7 >= 5 else 0  # Saturday, Sunday -> Monday
        times.append(min(high, day * DAY_US + hour))
    return sorted(times)


def _new_item(rng: random.Random, people: People, stories: Stories, platforms: list[str], index: int,
              created_us: int) -> tuple[WorkItem, dict[str, str]]:
    """An item as created (version 1, initial state) and its story; the key number is filled in by History."""
    item_type = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
    platform = rng.choice(platforms) if platforms else None
    if item_type == "improvement" and rng.random() < 0.3:
        platform = None
    title, description, fields, story = stories.compose(item_type, platform)
    created = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=created_us)
    if item_type == "platform_request":
        fields["needed_by"] = (created + dt.timedelta(days=rng.randint(7, 120))).date()
    author = rng.choice(people.reporters)
    item = WorkItem(id="", key=str(index), item_type=item_type, title=title, description=description,
                    state=sm.initial_state(item_type), platform=platform, assignee=None, created_at=created,
                    created_by=author, updated_at=created, updated_by=author, version=1, **fields)
    return item, story


def _table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=table_def(name).schema)
