"""Two people on one detail page in a real Chromium: what one does appears on the other's page without a reload."""

from __future__ import annotations

import time

from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect

from app.core.context import services
from app.models import Actor, Role


def _person(browser: Browser, base_url: str, email: str, errors: list[str]) -> tuple[BrowserContext, Page]:
    context = browser.new_context(base_url=base_url)
    context.set_default_timeout(5000)
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.goto("/sign-in")
    page.fill("#email", email)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/work-items")
    return context, page


def _streams(app: Flask, topic: str, count: int) -> None:
    deadline = time.monotonic() + 5
    while services(app).live.hub.open_streams(topic) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert services(app).live.hub.open_streams(topic) == count  # one per page, however htmx started


def test_a_comment_and_a_transition_reach_the_other_open_page(browser: Browser, live_site: tuple[Flask, str]) -> None:
    app, base_url = live_site
    item = services(app).work_items.create(Actor("bob@example.com", Role.REPORTER),
                                           {"item_type": "incident", "title": "Queue is stuck", "severity": "sev2",
                                            "platform": "kafka"})
    errors: list[str] = []
    alice_context, alice = _person(browser, base_url, "alice@example.com", errors)
    tess_context, tess = _person(browser, base_url, "tess@example.com", errors)
    try:
        for page in (alice, tess):
            page.goto(f"/work-items/{item.id}")
        _streams(app, f"item:{item.id}", 2)

        alice.fill("#comment-body", "Restarted the **consumer** group")
        alice.get_by_role("button", name="Comment").click()
        expect(tess.locator("#timeline .comment strong").last).to_have_text("consumer")  # no reload on tess's side

        alice.locator("#transition-menu summary").click()
        alice.get_by_role("button", name="Move to triaged").click()
        expect(tess.locator(".item-status .badge")).to_have_text("triaged")
        expect(tess.locator("#item-main dl.meta")).to_contain_text("Version2")
        expect(tess.locator("#item-main section.description")).to_have_count(1)  # facts swapped, not doubled
        notice = tess.locator("#live-version-notice")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text(f"{item.key} changed: moved to triaged by alice@example.com")
        expect(notice).to_contain_text("your form is on version 1")
        expect(alice.locator("#live-version-notice")).to_be_hidden()  # her own form is on the new version
    finally:
        alice_context.close()
        tess_context.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e]


def test_an_open_list_updates_rows_in_place_and_counts_new_items(browser: Browser,
                                                                 live_site: tuple[Flask, str]) -> None:
    app, base_url = live_site
    bob = Actor("bob@example.com", Role.REPORTER)
    first = services(app).work_items.create(bob, {"item_type": "improvement", "title": "Shorter build queue"})
    services(app).work_items.create(bob, {"item_type": "improvement", "title": "Cache the wheels"})
    errors: list[str] = []
    context, page = _person(browser, base_url, "alice@example.com", errors)  # lands on /work-items
    try:
        order = page.locator("tr[data-row] .title").all_inner_texts()
        _streams(app, "list", 1)
        services(app).work_items.vote(Actor("rita@example.com", Role.REPORTER), first.id, True)
        expect(page.locator(f"#row-{first.id} td[data-label=Votes]")).to_have_text("1")
        services(app).work_items.create(bob, {"item_type": "incident", "title": "Brand new outage",
                                              "severity": "sev1", "platform": "jobs"})
        expect(page.locator("#live-new-items")).to_have_text("1 new item — show")
        assert page.locator("tr[data-row] .title").all_inner_texts() == order  # nothing moved under the cursor
        page.locator("#live-new-items a").click()
        expect(page.locator("tr[data-row] .title").first).to_have_text("Brand new outage")
    finally:
        context.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e]
