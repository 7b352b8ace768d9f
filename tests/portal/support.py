"""Shared helpers of the portal tests: constants, a hand-moved clock, actors and item walkers."""

from __future__ import annotations

import datetime as dt

from flask.testing import FlaskClient

from app.models import Actor, Role, WorkItem
from app.services.work_items import WorkItemService
from tests import fixtures

PLATFORMS = ["sql-warehouse", "kafka", "airflow"]
TRIAGER = Actor("tina@example.com", Role.TRIAGER)
REPORTER = Actor("rob@example.com", Role.REPORTER)
ORIGIN = "http://portal.example.test:8080"


class Clock:
    """A clock the tests move forward by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)  # every reading is a little later, like real time
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def incident(items: WorkItemService, severity: str, platform: str = "kafka", title: str = "Broken") -> WorkItem:
    return items.create(REPORTER, {"item_type": "incident", "title": title, "severity": severity,
                                   "platform": platform})


def move(items: WorkItemService, item: WorkItem, *states: str, actor: Actor = TRIAGER) -> WorkItem:
    """Walk an item through states, adding a note where the workflow wants one."""
    for state in states:
        item = items.transition(actor, item.id, state, item.version, f"Note for {state}")
    return item


def sign_in(client: FlaskClient, user: str = REPORTER.id) -> str:
    """Dev sign-in through the session (tests/fixtures.py); returns the session's CSRF token."""
    return fixtures.csrf_token(fixtures.sign_in(client, user))


def improvement(items: WorkItemService, title: str) -> WorkItem:
    return items.create(REPORTER, {"item_type": "improvement", "title": title})


def request_item(items: WorkItemService, title: str) -> WorkItem:
    return items.create(REPORTER, {"item_type": "platform_request", "title": title, "platform": "kafka"})


def votes(items: WorkItemService, item: WorkItem, count: int) -> None:
    for n in range(count):
        items.vote(Actor(f"voter{n}@example.com", Role.REPORTER), item.id)
