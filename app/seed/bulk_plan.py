"""How many events of each kind every generated item gets (Plan), and when its workflow steps happen.

A life goes mostly forward (triage, work, resolve, close; review, plan, build) at the pace of its type:
incidents move within hours, requests within days, improvements over weeks and months, with uneven gaps.
Old items have mostly finished by the end of the data set; recent ones are still open, as in a real queue.
"""

from __future__ import annotations

import dataclasses
import random
from typing import Any

from app.services import state_machines as sm

HOUR_US = 3_600_000_000
MINUTE_US = 60_000_000
MAX_STEPS = 8
# how likely each step is among those leaving a state (by from, to); unnamed steps weigh 1
WEIGHTS = {("new", "triaged"): 12, ("resolved", "closed"): 10, ("investigating", "resolved"): 2,
           ("proposed", "under_review"): 8, ("under_review", "planned"): 3, ("submitted", "triaged"): 10,
           ("triaged", "approved"): 8}
# the chance a life stops in a state it reached (open items wait there; closed ones stay closed)
STALL = {"triaged": 0.03, "investigating": 0.03, "mitigated": 0.05, "resolved": 0.1, "under_review": 0.25,
         "planned": 0.3, "in_progress": 0.1, "approved": 0.1, "declined": 0.9, "rejected": 0.9}
# median hours until the first step, and between later ones
PACE = {"incident": (1.5, 6.0), "improvement": (120.0, 400.0), "platform_request": (10.0, 48.0)}
NEVER_TRIAGED = 0.03


def lifecycle(rng: random.Random, item_type: str, created_us: int, end_us: int) -> list[tuple[int, sm.Transition]]:
    """The item's workflow steps with their times, from its creation up to the end of the data set."""
    if rng.random() < NEVER_TRIAGED:
        return []
    state, at, steps = sm.initial_state(item_type), created_us, []
    first, later = PACE[item_type]
    for _ in range(MAX_STEPS):
        options = sm.transitions_from(item_type, state)
        if not options or (steps and rng.random() < STALL.get(state, 0.0)):
            break
        step = rng.choices(options, weights=[WEIGHTS.get((o.from_state, o.to_state), 1) for o in options])[0]
        hours = (later if steps else first) * (8 if sm.is_closed(item_type, step.to_state) and steps else 1)
        at += MINUTE_US + int(rng.lognormvariate(0, 0.9) * hours * HOUR_US)
        if at >= end_us:
            break
        steps.append((at, step))
        state = step.to_state
    return steps


@dataclasses.dataclass
class Plan:
    """Per item: its timed transitions, update count, comments (with/without event), votes and unvote pairs;
    plus which votes (by global index) have a voted event."""

    walks: list[list[tuple[int, sm.Transition]]]
    updates: list[int]
    comments: list[list[bool]]
    pairs: list[int]
    votes: list[int]
    voted_events: set[int]

    @classmethod
    def make(cls, rng: random.Random, sizes: Any, types: list[str], created: list[int], end_us: int,
             voter_pool: int) -> Plan:
        n = len(types)
        if sizes.events < n or sizes.votes > n * (voter_pool - 1):
            raise ValueError("need at least one event per item and at most pool-1 votes per item")
        budget = sizes.events - n
        comments: list[list[bool]] = [[] for _ in range(n)]
        for index in range(sizes.comments):
            comments[rng.randrange(n)].append(index < budget)
        budget -= min(sizes.comments, budget)
        walks = []
        for item_type, at in zip(types, created, strict=True):
            path = lifecycle(rng, item_type, at, end_us)[:budget]
            budget -= len(path)
            walks.append(path)
        # an item taken on (not closed at its first step) is assigned; a few get a later change too
        updates = [int(bool(w) and not sm.is_closed(t, w[0][1].to_state)) + (rng.random() < 0.15)
                   for t, w in zip(types, walks, strict=True)]
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
