"""The inbox page and API for a user with 10 000 notifications, through the whole app (Flask test client).

The notifications are stored the way the notifier stores them (the store's `save_notifications`, in one bulk
call), on real items, with every reason and about a third already read, so the unread-first ordering, the
reason filter and the counts all have real work to do. Each request is checked for a 200 and the counts the
page shows, then timed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from app import create_app
from app.config import DEFAULT_PLATFORMS
from app.models import Actor, EventType, Role
from app.models.notification import Notification, Reason, notification_id
from app.services.clock import new_id
from app.services.work_items import WorkItemService
from app.store.delta_store import DeltaStore
from bench.embedded import Result, timed

READER = "reach-reader@example.com"
TOTAL = 10_000
ITEMS = 20
CASES = {
    "GET /inbox": "/inbox",
    "GET /inbox?unread=1": "/inbox?unread=1",
    "GET /inbox?reason=mentioned": "/inbox?reason=mentioned",
    "GET /inbox?unread=1&reason=watching": "/inbox?unread=1&reason=watching",
    "GET /inbox?page=300 (deep page)": "/inbox?page=300",
    "GET /api/v1/notifications?page=1": "/api/v1/notifications?page=1",
}


def notifications(items: list[Any], total: int = TOTAL) -> list[Notification]:
    """`total` notifications for READER over `items`, one a minute back from now, every reason, a third read."""
    now = dt.datetime.now(dt.UTC)
    reasons = list(Reason)
    rows = []
    for i in range(total):
        item, event_id, at = items[i % len(items)], new_id(), now - dt.timedelta(minutes=i)
        rows.append(Notification(notification_id(event_id, READER), READER, item.id, item.key, event_id,
                                 EventType.COMMENTED.value, "commented", reasons[i % len(reasons)].value, at,
                                 f"colleague{i % 37}@example.com", at + dt.timedelta(seconds=30) if i % 3 == 0
                                 else None))
    return rows


def seed(folder: Path) -> DeltaStore:
    """A store with ITEMS items and TOTAL notifications for READER, saved in one bulk call."""
    store = DeltaStore(folder)
    service = WorkItemService(store, DEFAULT_PLATFORMS.split(","))
    author = Actor("reach-author@example.com", Role.REPORTER)
    items = [service.create(author, {"item_type": "improvement", "title": f"Inbox bench item {i}"})
             for i in range(ITEMS)]
    position = store.notifier_position() or store.feed_after(None)[1]
    store.save_notifications(notifications(items), position)
    return store


def inbox_pages(folder: Path, n: int) -> tuple[dict[str, Result], dict[str, Any]]:
    """N requests of each CASES path as READER; the timings and what the first answer of each showed."""
    store = seed(folder)
    try:
        app = create_app({"DATA_DIR": str(folder), "AUTH_MODE": "proxy", "LOG_LEVEL": "WARNING"}, store=store)
        client = app.test_client()
        headers = {"X-Forwarded-Email": READER}
        checks: dict[str, Any] = {}
        results: dict[str, Result] = {}
        for name, path in CASES.items():
            first = client.get(path, headers=headers)
            if first.status_code != 200:
                raise RuntimeError(f"{path} answered {first.status_code}: {first.get_data(as_text=True)[:300]}")
            checks[name] = _shown(first)
            results[name] = timed(n, lambda _i, p=path: client.get(p, headers=headers).close())
        return results, checks
    finally:
        store.close()


def _shown(response: Any) -> str:
    """What the answer tells the user: the counts line of the page, or the counts and size of the API page."""
    if response.is_json:
        body = response.get_json()
        return f"{len(body['items'])} items, {body['unread']} unread of {body['total']}"
    text = response.get_data(as_text=True)
    start = text.find('id="inbox-status">')
    rows = text.count('id="notification-')
    return f"{rows} rows, " + text[start + 18:text.find("</p>", start)].strip()
