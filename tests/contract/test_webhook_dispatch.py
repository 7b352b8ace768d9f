"""The dispatcher over each store, driven poll by poll: every event reaches a real receiver once, the SSRF guard
is applied again at delivery, and a receiver that keeps failing is given up on after the bounded time."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from app.services.webhook_delivery import Dispatcher
from app.services.webhook_settings import WebhookSettings
from tests.contract.builders import comment, create
from tests.contract.test_webhook_store import webhook
from tests.webhooks.receiver import Receiver

FAST = WebhookSettings(dispatch=True, allowed_hosts=frozenset({"127.0.0.1"}), poll=0.05, retry_base=0.05,
                       give_up=60, lease=5, grace=60)


def _run(dispatcher: Dispatcher, until: Any, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dispatcher.run_once()
        if until():
            return True
        time.sleep(0.05)
    return False


def _hook(store: Any, url: str, **fields: Any) -> Any:
    hook = webhook(platforms=(), url=url, **fields)
    hook = dataclasses.replace(hook, created_at=hook.created_at.replace(year=2020))
    store.webhooks.add_webhook(hook)
    return hook


def test_every_event_is_delivered_from_either_store(store: Any) -> None:
    with Receiver() as receiver:
        hook = _hook(store, receiver.url)
        receiver.secret = hook.secret
        item = create(store)
        comment(store, item, "one")
        comment(store, item, "two")
        dispatcher = Dispatcher(store, FAST, "https://desk.example.com")
        assert _run(dispatcher, lambda: len(receiver.delivered_ids()) == 3)
        assert [r.event for r in receiver.received] == ["created", "commented", "commented"]
        assert all(r.signature_ok for r in receiver.received)
        assert store.webhooks.dispatch_state().cursor_at is not None, "the cursor is stored"
        assert _run(dispatcher, lambda: not store.webhooks.pending_deliveries(10))
        dispatcher.run_once()
        assert len(receiver.received) == 3, "a later poll sends nothing again"


def test_the_address_is_checked_again_at_delivery(store: Any) -> None:
    with Receiver() as receiver:
        hook = _hook(store, receiver.url)
        create(store)
        strict = Dispatcher(store, dataclasses.replace(FAST, allowed_hosts=frozenset()), "https://desk.example.com")
        assert _run(strict, lambda: store.webhooks.deliveries_for(hook.id, 1)[:1]
                    and store.webhooks.deliveries_for(hook.id, 1)[0].status == "failed")
        row = store.webhooks.deliveries_for(hook.id, 1)[0]
        assert "refused" in row.last_error and "loopback" in row.last_error
        assert receiver.received == []


def test_a_receiver_that_keeps_failing_is_given_up_on(store: Any) -> None:
    with Receiver(fail_first=10_000) as receiver:
        hook = _hook(store, receiver.url)
        create(store)
        dispatcher = Dispatcher(store, dataclasses.replace(FAST, give_up=1.5), "https://desk.example.com")
        assert _run(dispatcher, lambda: (store.webhooks.deliveries_for(hook.id, 1) or [None])[0] is not None
                    and store.webhooks.deliveries_for(hook.id, 1)[0].status == "failed")
        row = store.webhooks.deliveries_for(hook.id, 1)[0]
        assert row.attempts >= 2 and row.status_code == 500 and row.next_attempt_at is None, row
        assert (row.updated_at - row.created_at).total_seconds() >= 1.5, "retried until the give-up time"
        assert len(receiver.received) == row.attempts
