"""The default demo scenario reads like a real team's tickets (issue #12, "Demo data a person believes"):
distinct titles, platforms that match the text, events spread over weeks, assignees, varied comments, priorities
that follow severity, and a status page with one degraded platform and one recently resolved outage."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from flask import Flask

from app.core.context import services
from app.models import Actor, Role
from app.seed.demo_data import seed_default

READER = Actor("auditor@example.com", Role.VIEWER)
# words in a title that name one of the default platforms
PLATFORM_WORDS = {"kafka": "kafka", "airflow": "airflow", "mlflow": "mlflow", "unity catalog": "unity-catalog",
                  "sql warehouse": "sql-warehouse", "delta live tables": "delta-live-tables"}


@pytest.fixture()
def seeded(app: Flask) -> Flask:
    work_items = services(app).work_items
    seed_default(work_items, work_items.platforms)
    return app


def _items(app: Flask) -> list:
    page = services(app).work_items.list(READER, {"page_size": "100"})
    assert page.total == len(page.items)
    return page.items


def test_demo_items_are_distinct_and_match_their_platforms(seeded):
    items = _items(seeded)
    assert len(items) >= 20
    titles = Counter(item.title for item in items)
    assert [t for t, n in titles.items() if n > 1] == [] and not any("(again)" in t for t in titles)
    for item in items:
        named = {p for word, p in PLATFORM_WORDS.items() if word in item.title.lower()}
        assert not named or item.platform in named, f"{item.title!r} filed under {item.platform}"


def test_demo_history_spreads_over_weeks_with_people_and_reasons(seeded):
    items, service = _items(seeded), services(seeded).work_items
    created = sorted(item.created_at for item in items)
    assert created[-1] - created[0] >= dt.timedelta(days=30)
    assert created[-1] - created[0] <= dt.timedelta(days=61)
    assert len({moment.replace(second=0, microsecond=0) for moment in created}) == len(items)
    triaged = [item for item in items if item.state not in ("new", "proposed", "submitted")]
    assert sum(1 for item in triaged if item.assignee) >= 0.75 * len(triaged)
    for item in items:
        if item.item_type == "incident":
            assert item.priority == {"sev1": "p1", "sev2": "p2", "sev3": "p3", "sev4": "p4"}[item.severity]
        if item.item_type == "platform_request":
            assert item.description.strip(), item.title
    events = [e for item in items for e in service.events(item.id, READER)]
    bodies = [e.payload["body"] for e in events if e.event_type == "commented"]
    assert len(bodies) >= 15 and len(set(bodies)) == len(bodies)
    notes = [e.payload["note"] for e in events if e.event_type == "state_changed" and e.payload.get("note")]
    assert len(set(notes)) == len(notes) and not any("Root cause found and fixed" in n for n in notes)


def test_demo_status_page_tells_one_story(seeded):
    board = services(seeded).portal.status(READER)
    troubled = {row.platform: row.condition for row in board.platforms if row.condition != "operational"}
    assert troubled == {"mlflow": "degraded"}
    outages = [entry for entry in board.resolved if entry.item.severity == "sev1"]
    assert [entry.item.platform for entry in outages] == ["airflow"]


def test_flask_seed_fills_the_demo_triagers_inbox_and_queue(app: Flask) -> None:
    """After `make run`'s seed, alice (the demo triager) has items assigned to her and an inbox with a
    mention and an assignment in it: the first hour shows what the inbox is for."""
    result = app.test_cli_runner().invoke(args=["seed", "--force"])
    assert result.exit_code == 0, result.output
    assert "notifications for the demo users' inboxes" in result.output
    alice = Actor("alice@example.com", Role.TRIAGER)
    inbox = services(app).notifications.inbox(alice, {})
    assert {n.reason for n in inbox.items} >= {"mentioned", "assigned"} and inbox.unread == inbox.total
    assigned = services(app).work_items.list(alice, {"assigned": "1", "view": "triage"})
    assert assigned.total >= 1
