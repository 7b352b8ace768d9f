"""The webhook tables behave the same on both stores: registrations, the deliveries outbox, the dispatch
lease (compare-and-set with expiry, seen by another instance) and the events a dispatcher reads."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from app.models.webhook import DELIVERED, PENDING, Delivery, Webhook, delivery_id
from app.services.clock import new_id
from app.services.webhook_delivery import events_since
from tests.contract.builders import T0, comment, create

S = dt.timedelta(seconds=1)


def webhook(at: dt.datetime = T0, **fields: Any) -> Webhook:
    values: dict[str, Any] = {"url": "https://hooks.example.com/in", "events": ("*",), "item_types": (),
                              "platforms": ("kafka",), "format": "json", "secret": "whsec_s3cret"}
    values.update(fields)
    return Webhook(id=new_id(), created_at=at, created_by="root@example.com", **values)


def delivery(hook: Webhook, item_id: str, seq: int, at: dt.datetime) -> Delivery:
    event_id = new_id()
    return Delivery(delivery_id(hook.id, event_id), hook.id, event_id, item_id, seq, "commented", at, PENDING, 0,
                    None, None, None, at, "test-dispatcher", at)


def test_webhooks_are_listed_with_their_secret_until_deleted(store: Any) -> None:
    hooks = store.webhooks
    first, second = webhook(), webhook(T0 + S, format="slack", item_types=("incident",))
    hooks.add_webhook(second)
    hooks.add_webhook(first)
    assert hooks.list_webhooks() == [first, second], "oldest first, every field (and the secret) kept"
    assert hooks.delete_webhook(first.id, "root@example.com", T0 + 2 * S)
    assert not hooks.delete_webhook(first.id, "root@example.com", T0 + 3 * S), "deleting twice is refused"
    assert not hooks.delete_webhook("nope", "root@example.com", T0)
    assert hooks.list_webhooks() == [second]


def test_deliveries_are_queued_once_and_pending_ones_come_in_event_order(store: Any) -> None:
    hooks = store.webhooks
    hook = webhook()
    late, early, middle = (delivery(hook, "item-b", 1, T0 + 2 * S), delivery(hook, "item-a", 1, T0),
                           delivery(hook, "item-a", 2, T0 + S))
    assert hooks.add_deliveries([late, early]) == 2
    assert hooks.add_deliveries([early, middle]) == 1, "an id already queued is not queued again"
    assert hooks.delivery_ids([early.delivery_id, "unknown"]) == {early.delivery_id}
    assert [d.delivery_id for d in hooks.pending_deliveries(10)] == [early.delivery_id, middle.delivery_id,
                                                                     late.delivery_id]
    done = dataclasses.replace(early, status=DELIVERED, attempts=3, status_code=200, updated_at=T0 + 5 * S)
    retry = dataclasses.replace(middle, attempts=1, status_code=503, next_attempt_at=T0 + 9 * S,
                                last_error="HTTP 503: busy", updated_at=T0 + 5 * S)
    hooks.save_delivery(done)
    hooks.save_delivery(retry)
    assert hooks.pending_deliveries(10) == [retry, late]
    assert hooks.deliveries_for(hook.id, 2) == [late, retry], "newest first, limited"
    assert hooks.deliveries_for(hook.id, 100)[-1] == done


def test_the_lease_is_held_by_one_owner_until_it_ends(two_instances: tuple[Any, Any]) -> None:
    first, second = (s.webhooks for s in two_instances)
    assert first.take_lease("a", T0, T0 + 10 * S)
    assert not second.take_lease("b", T0 + S, T0 + 11 * S), "the other instance sees the lease"
    assert first.take_lease("a", T0 + 2 * S, T0 + 12 * S), "the holder renews it"
    assert first.save_cursor("a", T0 + 2 * S)
    assert not second.save_cursor("b", T0 + 3 * S), "only the holder moves the cursor"
    assert second.take_lease("b", T0 + 13 * S, T0 + 23 * S), "an ended lease can be taken over"
    assert not first.save_cursor("a", T0 + 14 * S), "the old holder lost it"
    state = first.dispatch_state()
    assert (state.owner, state.lease_until, state.cursor_at) == ("b", T0 + 23 * S, T0 + 2 * S)


def test_the_dispatcher_reads_every_kind_in_time_order_from_the_stores_feed(store: Any) -> None:
    item = create(store, at=T0)
    comment(store, item, "later", at=T0 + 2 * S)
    other = create(store, at=T0 + S)
    found = events_since(store, T0 + S, 10)
    assert [(e.item_id, e.event_type) for e in found] == [(other.id, "created"), (item.id, "commented")]
    assert [e.event_type for e in events_since(store, T0, 1)] == ["created"]
    assert found[1].payload["body"] == "later"
