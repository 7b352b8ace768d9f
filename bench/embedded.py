"""In-process latency of every service operation over the large embedded store (p50/p95 in ms)."""

from __future__ import annotations

import collections
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from app.models import Actor, Role
from app.services import state_machines as sm
from app.services.work_items import WorkItemService
from app.store.delta_store import DeltaStore

Result = dict[str, Any]


def timed(samples: int, op: Callable[[int], Any]) -> Result:
    """Run op(i) `samples` times; wall-clock and CPU percentiles in ms."""
    wall, cpu = [], []
    for i in range(samples):
        w, c = time.perf_counter(), time.process_time()
        op(i)
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    return {"n": samples, "p50": statistics.median(wall), "p95": percentile(wall, 95),
            "cpu_p50": statistics.median(cpu), "max": max(wall)}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


class EmbeddedBench:
    """Latencies through WorkItemService, as the routes call it, on one store."""

    def __init__(self, store: DeltaStore, platforms: list[str], samples: int, seed: int = 11) -> None:
        self.store, self.samples, self.rng = store, samples, random.Random(seed)
        self.service = WorkItemService(store, platforms)
        self.platforms = platforms
        items = list(store.model.items.values())
        self.ids = [it.id for it in items]
        voters = collections.Counter(v for cast in store.model.votes.values() for v in cast)
        self.heavy_voter = voters.most_common(1)[0][0] if voters else "nobody@example.com"
        authors = collections.Counter(it.created_by for it in items)
        self.author = authors.most_common(1)[0][0]
        self.assignee = next((it.assignee for it in items if it.assignee), "nobody@example.com")

    def list_cases(self) -> list[tuple[str, Actor | None, dict[str, Any]]]:
        reader = Actor(self.heavy_voter, Role.REPORTER)
        cases: list[tuple[str, Actor | None, dict[str, Any]]] = [
            (f"list sort={s}", None, {"sort": s}) for s in
            ("-created_at", "created_at", "-updated_at", "-votes", "votes", "-priority", "triage")]
        cases += [
            ("list type=incident", None, {"type": "incident"}),
            ("list state=new,triaged", None, {"state": "new,triaged"}),
            ("list platform=kafka", None, {"platform": "kafka"}),
            ("list assignee=<engineer>", None, {"assignee": self.assignee}),
            ("list author=<reporter>", None, {"author": self.author}),
            ("list mine=1", Actor(self.author, Role.REPORTER), {"mine": "1"}),
            ("list voted=1 (heaviest voter)", reader, {"voted": "1", "sort": "-votes"}),
            ("list q=kafka", None, {"q": "kafka"}),
            ("list q=kafka type=incident sort=-votes", None, {"q": "kafka", "type": "incident", "sort": "-votes"}),
            ("list q=<no match>", None, {"q": "zzz-no-such-text"}),
            ("list state=open type=improvement sort=-votes", None,
             {"state": "proposed,under_review,planned", "type": "improvement", "sort": "-votes"}),
            ("list page=40 page_size=100", None, {"page": "40", "page_size": "100"}),
            ("list platform=kafka page=60", None, {"platform": "kafka", "page": "60"}),
        ]
        return cases

    def reads(self) -> dict[str, Result]:
        out = {name: timed(self.samples, lambda _i, a=actor, p=params: self.service.list(a, p))
               for name, actor, params in self.list_cases()}
        viewer = Actor(self.heavy_voter, Role.REPORTER)
        out["detail (events, comments, counts)"] = timed(
            self.samples * 4, lambda _i: self.service.detail(self.rng.choice(self.ids), viewer))
        busiest = max(self.ids, key=lambda i: len(self.store.model.events.get(i, ())))
        out["detail of the busiest item"] = timed(self.samples, lambda _i: self.service.detail(busiest, viewer))
        return out

    def writes(self) -> dict[str, Result]:
        rng, n = self.rng, self.samples
        people = [Actor(f"bench{i}@example.com", Role.REPORTER) for i in range(n)]
        triager = Actor("bench-triager@example.com", Role.TRIAGER)
        targets = rng.sample(self.ids, n)
        out = {"create": timed(n, lambda i: self.service.create(people[i], self._new_item(i)))}
        out["comment"] = timed(n, lambda i: self.service.comment(people[i], targets[i], f"Bench comment {i}."))
        out["vote"] = timed(n, lambda i: self.service.vote(people[i], targets[i], True))
        old = [(item_id, voter) for item_id in rng.sample(self.ids, n * 3)
               for voter in list(self.store.model.votes.get(item_id, {}))[:1]][:n]
        out["unvote (vote cast at load)"] = timed(
            len(old), lambda i: self.service.vote(Actor(old[i][1], Role.REPORTER), old[i][0], False))
        movable = [i for i in rng.sample(self.ids, n * 3)
                   if sm.transitions_from(self.store.model.items[i].item_type, self.store.model.items[i].state)][:n]
        out["transition"] = timed(len(movable), lambda i: self._transition(triager, movable[i]))
        return out

    def _new_item(self, i: int) -> dict[str, Any]:
        return {"item_type": "incident", "title": f"Bench incident {i}: queries slow", "severity": "sev3",
                "impact": "Bench users", "platform": self.platforms[i % len(self.platforms)],
                "description": "Created by the benchmark."}

    def _transition(self, actor: Actor, item_id: str) -> None:
        item = self.store.model.items[item_id]
        step = sm.transitions_from(item.item_type, item.state)[0]
        self.service.transition(actor, item_id, step.to_state, item.version, "Bench note." if step.note_label else None)
