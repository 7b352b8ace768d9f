"""Demo data: the default scenario walks coherent items (demo_texts, demo_roadmap) through their workflows with
WorkItemService itself, so every event is a real one, each stamped at its own moment of the last 60 days."""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

from app.models import Actor, Role, WorkItem
from app.seed.demo_roadmap import IMPROVEMENTS, REQUESTS
from app.seed.demo_texts import INCIDENTS, Demo
from app.services import clock as app_clock
from app.services import state_machines as sm
from app.services.work_items import WorkItemService
from app.store.base import ItemQuery, Store

USERS = ["alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com",
         "erin@example.com", "frank@example.com", "grace@example.com", "heidi@example.com"]
REPORTERS = USERS[1:]
TRIAGER = Actor("alice@example.com", Role.TRIAGER)
PRIORITY_OF_SEVERITY = {"sev1": "p1", "sev2": "p2", "sev3": "p3", "sev4": "p4"}
DEMOS: list[Demo] = INCIDENTS + IMPROVEMENTS + REQUESTS
Step = tuple[dt.datetime, int, int, Any]  # when, which demo, its step number, the action


class SeedClock:
    """The app's clock while seeding: wall time is set per event (backdated), monotonic time stays real, so
    the store's waits and timeouts behave as always."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at

    def monotonic(self) -> float:
        return time.monotonic()


def seed_if_empty(store: Store, scenario: str, platforms: list[str]) -> str:
    """Seed the named scenario unless the store already holds items; says what it did."""
    if store.list_items(ItemQuery(page_size=1)).total:
        return "Store already has data: nothing seeded."
    if scenario == "empty":
        return "Scenario 'empty': nothing seeded."
    if scenario == "large":
        from app.seed.bulk_data import seed_large

        return seed_large(store, platforms)
    return seed_default(WorkItemService(store, platforms), platforms)


def seed_default(service: WorkItemService, platforms: list[str]) -> str:
    """Every demo whose platform is configured, its steps run in the order they happened across all items
    (so keys follow filing times), each with the app clock set to that step's moment."""
    rng = random.Random(42)
    demos = [d for d in DEMOS if not d.platform or d.platform in platforms]
    now = app_clock.utcnow().replace(second=0, microsecond=0)
    plan = sorted(step for index, demo in enumerate(demos) for step in _plan(demo, index, now, rng))
    run = _Run(service, demos)
    seed_clock = SeedClock(now)
    previous = app_clock.use(seed_clock)
    try:
        for at, index, _, action in plan:
            seed_clock.at = at
            run.do(index, action)
    finally:
        app_clock.use(previous)
    return f"Seeded {len(demos)} work items with their comments, votes and histories over the last 60 days."


def _plan(demo: Demo, index: int, now: dt.datetime, rng: random.Random) -> list[Step]:
    """When each of the demo's actions happens: filed `age` days ago, its steps spread over `span` hours
    with uneven gaps, votes early in its life. The reporter is never the item's assignee."""
    assignees = {s[1:] for s in demo.steps if isinstance(s, str) and s.startswith("@")}
    author = rng.choice([u for u in REPORTERS if u.split("@")[0] not in assignees])
    created = now - dt.timedelta(days=demo.age, minutes=rng.randint(0, 50))
    span = dt.timedelta(hours=min(demo.span, demo.age * 24 * 0.9))
    count = len(demo.steps)
    steps: list[Step] = [(created, index, 0, ("create", author))]
    for n, action in enumerate(demo.steps):
        steps.append((created + span * ((n + rng.uniform(0.3, 1.0)) / count), index, n + 1, action))
    voters = rng.sample([u for u in USERS if u != author], demo.votes)
    for n, voter in enumerate(voters):
        steps.append((created + span * rng.uniform(0.02, 0.6), index, count + 1 + n, ("vote", voter)))
    return steps


class _Run:
    """Carries out planned steps through the service, keeping each demo's item at its newest version."""

    def __init__(self, service: WorkItemService, demos: list[Demo]) -> None:
        self.service = service
        self.demos = demos
        self.items: dict[int, WorkItem] = {}
        self.authors: dict[int, str] = {}

    def do(self, index: int, action: Any) -> None:
        """One step: create, vote, comment (a (name, text) pair), assign ("@name") or move ("state: note")."""
        if isinstance(action, tuple) and action[0] in ("create", "vote"):
            (self._create if action[0] == "create" else self._vote)(index, action[1])
        elif isinstance(action, tuple):
            who = self.authors[index] if action[0] == "author" else f"{action[0]}@example.com"
            self.service.comment(Actor(who, Role.REPORTER), self.items[index].id, action[1])
        elif action.startswith("@"):
            item = self.items[index]
            change = {"assignee": f"{action[1:]}@example.com"}
            self.items[index] = self.service.update(TRIAGER, item.id, item.version, change)
        else:
            self._move(index, *action.split(": ", 1))

    def _create(self, index: int, author: str) -> None:
        demo = self.demos[index]
        data = {"item_type": demo.item_type, "title": demo.title, "platform": demo.platform, **demo.fields}
        if "severity" in data:
            data["priority"] = PRIORITY_OF_SEVERITY[data["severity"]]
        if isinstance(data.get("needed_by"), int):
            data["needed_by"] = (app_clock.utcnow().date() + dt.timedelta(days=data["needed_by"])).isoformat()
        self.authors[index] = author
        self.items[index] = self.service.create(Actor(author, Role.REPORTER), data)

    def _vote(self, index: int, voter: str) -> None:
        self.service.vote(Actor(voter, Role.REPORTER), self.items[index].id)

    def _move(self, index: int, to_state: str, note: str | None = None) -> None:
        """Triagers move items; a step the workflow leaves to the author (cancel, reopen) is the author's."""
        item = self.items[index]
        transition = sm.find_transition(item.item_type, item.state, to_state)
        mover = Actor(self.authors[index], Role.REPORTER) if transition and transition.author_may else TRIAGER
        self.items[index] = self.service.transition(mover, item.id, to_state, item.version, note)
