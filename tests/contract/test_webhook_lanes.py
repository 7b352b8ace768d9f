"""The dispatcher over each store, poll by poll: a busy item's events all go out within a poll or two, in order;
an item whose receiver keeps failing holds back only its own later events; outcomes are saved in batches; and
old finished deliveries are pruned at most once an hour."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from app.models.webhook import DELIVERED
from app.services.clock import utcnow
from app.services.webhook_delivery import Dispatcher
from tests.contract.builders import T0, comment, create
from tests.contract.test_webhook_dispatch import FAST, _hook
from tests.contract.test_webhook_store import delivery
from tests.webhooks.receiver import Receiver

S = dt.timedelta(seconds=1)
URL = "https://desk.example.com"


def _comments(store: Any, item: Any, n: int, start: int = 0) -> list[str]:
    bodies = [f"note {start + k}" for k in range(n)]
    for k, body in enumerate(bodies):
        comment(store, item, body, at=T0 + (start + k + 1) * S)
    return bodies


def _bodies(receiver: Receiver, item_id: str) -> list[str]:
    return [r.body["event"]["payload"].get("body") for r in receiver.received
            if r.status == 200 and r.body["item"]["id"] == item_id and r.event == "commented"]


def test_a_lane_of_twenty_events_goes_out_in_one_or_two_polls_in_order(store: Any) -> None:
    with Receiver() as receiver:
        hook = _hook(store, receiver.url)
        receiver.secret = hook.secret
        item = create(store)
        bodies = _comments(store, item, 20)
        dispatcher = Dispatcher(store, FAST, URL)
        saves: list[int] = []
        save = store.webhooks.save_deliveries
        store.webhooks.save_deliveries = lambda rows: (saves.append(len(rows)), save(rows))[1]
        dispatcher.run_once()
        if len(receiver.delivered_ids()) < 21:
            dispatcher.run_once()
        assert len(receiver.delivered_ids()) == 21, "created + 20 comments within two polls"
        assert _bodies(receiver, item.id) == bodies, "in event order"
        assert sum(saves) == 21 and len(saves) * 3 <= 21, f"outcomes saved in batches, not one by one: {saves}"
        assert not store.webhooks.pending_deliveries(100)
        assert all(d.status == DELIVERED for d in store.webhooks.deliveries_for(hook.id, 100))


def test_a_failing_item_holds_back_only_its_own_later_events(store: Any) -> None:
    with Receiver() as receiver:
        hook = _hook(store, receiver.url)
        receiver.secret = hook.secret
        stuck, other = create(store), create(store, at=T0 + S)
        receiver.fail_items.add(stuck.id)
        _comments(store, stuck, 3)
        bodies = _comments(store, other, 5, start=10)
        dispatcher = Dispatcher(store, dataclasses.replace(FAST, retry_base=60), URL)
        dispatcher.run_once()
        dispatcher.run_once()
        assert _bodies(receiver, other.id) == bodies, "the other item is delivered, in order"
        tried = [r for r in receiver.received if r.body["item"]["id"] == stuck.id]
        assert [(r.event, r.status) for r in tried] == [("created", 500)], "only the stuck lane's head was tried"
        waiting = [d for d in store.webhooks.pending_deliveries(100) if d.item_id == stuck.id]
        assert len(waiting) == 4 and waiting[0].attempts == 1 and waiting[0].last_error


def test_old_finished_deliveries_are_pruned_at_most_hourly(store: Any) -> None:
    with Receiver() as receiver:
        hook = _hook(store, receiver.url)
        now = [utcnow()]
        dispatcher = Dispatcher(store, dataclasses.replace(FAST, keep_days=30), URL, clock=lambda: now[0])
        hooks = store.webhooks

        def finished(n: int, age: dt.timedelta) -> list[Any]:
            rows = [delivery(hook, f"old-{age.days}-{k}", 1, now[0] - age) for k in range(n)]
            hooks.add_deliveries(rows)
            hooks.save_deliveries([dataclasses.replace(d, status=DELIVERED) for d in rows])
            return rows

        finished(110, dt.timedelta(days=31))
        fresh = finished(5, dt.timedelta(days=2))
        dispatcher.run_once()
        left = hooks.deliveries_for(hook.id, 1000)
        assert len(left) == 100 and {d.delivery_id for d in fresh} <= {d.delivery_id for d in left}
        finished(3, dt.timedelta(days=40))
        now[0] += 30 * 60 * S
        dispatcher.run_once()
        assert len(hooks.deliveries_for(hook.id, 1000)) == 103, "not again within the hour"
        now[0] += 31 * 60 * S
        dispatcher.run_once()
        assert len(hooks.deliveries_for(hook.id, 1000)) == 100, "an hour later the old ones go"
        assert receiver.received == []


def test_a_deleted_webhooks_queue_is_failed_in_one_poll(store: Any) -> None:
    with Receiver() as receiver:
        hook = _hook(store, receiver.url)
        kept = _hook(store, receiver.url)
        item = create(store)
        _comments(store, item, 5)
        dispatcher = Dispatcher(store, FAST, URL)
        dispatcher._queue(store.webhooks.list_webhooks())
        assert store.webhooks.delete_webhook(hook.id, "root@example.com", utcnow())
        dispatcher.run_once()
        rows = store.webhooks.deliveries_for(hook.id, 100)
        assert len(rows) == 6 and {(d.status, d.last_error) for d in rows} == {("failed", "webhook deleted")}
        assert len(receiver.delivered_ids()) == 6, "only the kept webhook's deliveries were sent"
        assert all(r.body["delivery_id"] in {d.delivery_id for d in store.webhooks.deliveries_for(kept.id, 100)}
                   for r in receiver.received)
