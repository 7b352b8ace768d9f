"""The inbox in real Chromium (issue #13), on this module's own live server: the unread badge follows
mark-read without a reload, and the watch toggle swaps in place."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.core.context import services
from app.models import Actor, Role
from tests.browser.conftest import BOB, own_live_app, shot, sign_in

pytestmark = pytest.mark.browser
ALICE = Actor("alice@example.com", Role.TRIAGER)


inbox_app, base_url = own_live_app("inbox_app")  # this module's own app and live server


def test_the_badge_counts_down_as_notifications_are_marked_read(new_context, inbox_app):
    work = services(inbox_app).work_items
    services(inbox_app).notifier.drain()
    item = work.create(BOB, {"item_type": "improvement", "title": "Cost dashboard per team"})
    for n in range(3):
        work.comment(ALICE, item.id, f"Looking at it, step {n}")
    services(inbox_app).notifier.drain()
    page = sign_in(new_context(), BOB.id)
    expect(page.locator("#inbox-count .badge")).to_have_text("3")
    page.locator("#inbox-count").click()
    page.wait_for_url("**/inbox")
    expect(page.locator(".notification.is-unread")).to_have_count(3)
    page.locator(".notification.is-unread").first.get_by_role("button", name="Mark read").click()
    expect(page.locator(".notification.is-unread")).to_have_count(2)
    expect(page.locator("#inbox-count .badge")).to_have_text("2")
    page.get_by_role("button", name="Mark all read").click()
    expect(page.locator(".notification.is-unread")).to_have_count(0)
    expect(page.locator("#inbox-count .badge")).to_have_count(0)
    shot(page, "inbox-all-read")
    page.reload()
    expect(page.locator("#inbox-status")).to_have_text("0 unread of 3")


def test_the_watch_toggle_swaps_in_place(new_context, inbox_app):
    item = services(inbox_app).work_items.create(BOB, {"item_type": "improvement", "title": "Faster builds"})
    page = sign_in(new_context(), ALICE.id)
    page.goto(f"/work-items/{item.id}")
    expect(page.locator("#watchers-heading")).to_have_text("Watchers (1)")
    page.locator("#watch-toggle").click()
    expect(page.locator("#watch-toggle")).to_have_text("Unwatch")
    expect(page.locator("#watchers")).to_contain_text(ALICE.id)
    shot(page, "detail-watchers")
    page.locator("#watch-toggle").click()
    expect(page.locator("#watch-toggle")).to_have_text("Watch")
    expect(page.locator("#watchers-heading")).to_have_text("Watchers (1)")
