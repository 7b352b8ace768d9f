"""Status, Roadmap and the inbox badge in a real Chromium: a change made elsewhere appears without a reload,
and a vote button on a board that came over the stream still works (its form carries the viewer's token)."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Browser, expect

from app.core.context import services
from app.models import Actor, Role
from tests.live.test_live_browser import _person, _streams

BOB = Actor("bob@example.com", Role.REPORTER)
ALICE = Actor("alice@example.com", Role.TRIAGER)


def test_status_roadmap_and_inbox_follow_changes(browser: Browser, live_site: tuple[Flask, str]) -> None:
    app, base_url = live_site
    mine = services(app).work_items.create(ALICE, {"item_type": "improvement", "title": "Shorter build queue"})
    errors: list[str] = []
    context, status = _person(browser, base_url, ALICE.id, errors)
    roadmap = context.new_page()
    try:
        status.goto("/status")
        roadmap.goto("/roadmap")
        _streams(app, "status", 1)
        _streams(app, "roadmap", 1)
        expect(status.locator("#platform-jobs")).to_have_attribute("data-condition", "operational")

        incident = services(app).work_items.create(BOB, {"item_type": "incident", "title": "Jobs stuck",
                                                         "severity": "sev1", "platform": "jobs"})
        expect(status.locator("#platform-jobs")).to_have_attribute("data-condition", "major_outage")
        services(app).work_items.transition(ALICE, incident.id, "triaged", "1", "")
        expect(status.locator("#platform-jobs .pt-state")).to_have_text("triaged")

        services(app).work_items.vote(BOB, mine.id)  # someone else's vote: the count moves, her button does not
        card = roadmap.locator(f"#card-{mine.id}")
        expect(card.locator(".pt-vote-count")).to_have_text("1")
        expect(card.locator("button")).to_have_attribute("aria-pressed", "false")
        card.locator("button").click()  # the form came over the stream: it must still pass the CSRF check
        expect(card.locator("button")).to_have_attribute("aria-pressed", "true")
        expect(card.locator(".pt-vote-count")).to_have_text("2")

        services(app).work_items.comment(BOB, mine.id, "Could we cache the wheels?")
        expect(status.locator("#inbox-count .badge")).to_have_text("1", timeout=8000)  # the notifier, then the stream
    finally:
        context.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e]
