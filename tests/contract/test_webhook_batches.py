"""The dispatcher's batch work on the deliveries table, the same on both stores: outcomes of many attempts saved
at once, a busy item's lane not crowding out the other items, and old finished deliveries pruned while each
webhook's newest 100 stay listed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from app.models.webhook import DELIVERED, FAILED
from tests.contract.builders import T0
from tests.contract.test_webhook_store import delivery, webhook

S = dt.timedelta(seconds=1)
DAY = dt.timedelta(days=1)


def test_outcomes_of_many_attempts_are_saved_at_once(store: Any) -> None:
    hooks = store.webhooks
    hook = webhook()
    queued = [delivery(hook, "item-a", n, T0 + n * S) for n in range(1, 31)]
    untouched = delivery(hook, "item-b", 1, T0)
    hooks.add_deliveries([*queued, untouched])
    done = [dataclasses.replace(d, status=DELIVERED, attempts=1, status_code=200, updated_at=T0 + 99 * S)
            for d in queued[:29]]
    retry = dataclasses.replace(queued[29], attempts=1, status_code=503, next_attempt_at=T0 + 120 * S,
                                last_error="HTTP 503: busy", updated_at=T0 + 99 * S)
    hooks.save_deliveries([*done, retry])  # more than one statement's chunk on the SQL store
    hooks.save_deliveries([])
    assert hooks.pending_deliveries(100) == [untouched, retry], "every outcome stored, the other row as it was"
    listed = {d.delivery_id: d for d in hooks.deliveries_for(hook.id, 100)}
    assert [listed[d.delivery_id] for d in done] == done


def test_a_busy_lane_does_not_crowd_out_other_items(store: Any) -> None:
    hooks = store.webhooks
    hook, other_hook = webhook(), webhook()
    busy = [delivery(hook, "item-a", n, T0 + n * S) for n in range(1, 21)]
    later = [delivery(hook, "item-b", 1, T0 + 60 * S), delivery(other_hook, "item-a", 1, T0 + 61 * S)]
    hooks.add_deliveries([*reversed(busy), *later])
    got = hooks.pending_lanes(6, 4)
    assert [d.delivery_id for d in got] == [busy[0].delivery_id, *(d.delivery_id for d in later),
                                            busy[1].delivery_id, busy[2].delivery_id, busy[3].delivery_id]
    assert len(hooks.pending_lanes(100, 4)) == 6, "at most 4 per lane"
    assert [d.seq for d in hooks.pending_lanes(100, 100) if d.item_id == "item-a" and d.webhook_id == hook.id] \
        == list(range(1, 21)), "a lane comes in seq order"


def test_old_finished_deliveries_are_pruned_but_the_newest_100_stay(store: Any) -> None:
    hooks = store.webhooks
    hook, quiet = webhook(), webhook()
    old = [delivery(hook, f"item-{n}", 1, T0 + n * S) for n in range(110)]
    recent = delivery(hook, "item-new", 1, T0 + 40 * DAY)
    quiet_old = delivery(quiet, "item-q", 1, T0)
    hooks.add_deliveries([*old, recent, quiet_old])
    finished = [dataclasses.replace(d, status=FAILED if n % 2 else DELIVERED, updated_at=d.event_at + S)
                for n, d in enumerate([*old[:105], quiet_old])]
    hooks.save_deliveries([*finished, dataclasses.replace(recent, status=DELIVERED, updated_at=T0 + 40 * DAY)])
    assert hooks.prune_deliveries(T0 + 30 * DAY, 100) == 11, "old finished rows beyond each webhook's newest 100"
    left = hooks.deliveries_for(hook.id, 1000)
    assert len(left) == 100 and left[0].delivery_id == recent.delivery_id
    assert {d.delivery_id for d in old[105:]} <= {d.delivery_id for d in left}, "pending rows are never pruned"
    assert hooks.deliveries_for(quiet.id, 100)[0].delivery_id == quiet_old.delivery_id, "a quiet webhook keeps its last"
    assert hooks.prune_deliveries(T0 + 30 * DAY, 100) == 0
