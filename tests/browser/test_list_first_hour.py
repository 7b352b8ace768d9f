"""#12 in a real browser: the list on a 360 px phone (compact rows, filters folded behind "Filters (n)"),
state choices that follow the type, sortable headers, the live result count and local relative times."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from app.core.context import services
from app.models import Actor, Role
from tests.browser.conftest import browser_app, serve, shot, sign_in
from tests.fixtures import close_app

ROW_HEIGHTS = "[...document.querySelectorAll('[data-row]')].map(r => r.getBoundingClientRect().height)"


def test_phone_rows_are_compact_and_the_filters_fold_away(new_context):
    page = sign_in(new_context(viewport={"width": 360, "height": 740}), "bob@example.com")
    page.goto("/work-items?platform=jobs")
    heights = page.evaluate(ROW_HEIGHTS)
    assert len(heights) == 12 and max(heights) <= 96, heights
    page.goto("/work-items")
    heights = page.evaluate(ROW_HEIGHTS)
    assert len(heights) == 25 and max(heights) <= 96 and sum(heights) < 2400, heights
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    toggle = page.locator("#filter-panel > summary")
    expect(toggle).to_have_text("Filters")
    expect(page.locator("#q")).to_be_visible()  # search stays at hand
    expect(page.locator("#type")).to_be_hidden()
    assert page.locator(".results").bounding_box()["y"] < 400  # the results start on the first screen
    shot(page, "phone-list-compact", full_page=False)
    toggle.click()
    expect(page.locator("#type")).to_be_visible()
    page.select_option("#type", "incident")
    page.wait_for_url(re.compile(r"type=incident"))
    expect(toggle).to_have_text(re.compile(r"^Filters \(1 active\)$"))
    expect(page.get_by_text("Filters (1")).to_be_visible()
    page.goto("/work-items?type=incident&platform=jobs")
    expect(page.locator("#filter-panel")).not_to_have_attribute("open", "")
    expect(toggle).to_contain_text("Filters (2")


def test_desktop_shows_the_filters_without_a_toggle(new_context):
    page = sign_in(new_context(viewport={"width": 1280, "height": 800}), "bob@example.com")
    page.goto("/work-items")
    expect(page.locator("#type")).to_be_visible()
    expect(page.get_by_label("Assigned to me")).to_be_visible()
    expect(page.locator("#filter-panel > summary")).to_be_hidden()


def test_state_choices_follow_the_type_and_a_wrong_pair_is_explained(new_context):
    page = sign_in(new_context(viewport={"width": 1280, "height": 800}), "alice@example.com")
    page.goto("/work-items")
    expect(page.locator("#state option[value=closed]")).to_have_count(1)
    page.select_option("#state", "closed")
    page.wait_for_url(re.compile(r"state=closed"))
    page.select_option("#type", "improvement")
    expect(page.locator("#state-error")).to_contain_text("Improvement items are never Closed")
    expect(page.locator("#state option[value=closed]")).to_have_count(0)
    expect(page.locator("#state option[value=in_progress]")).to_have_text("In progress")
    expect(page.locator(".error-state")).to_be_visible()
    page.select_option("#state", "proposed")
    page.wait_for_url(re.compile(r"type=improvement&state=proposed"))
    expect(page.locator(".result-count")).to_contain_text("10 items")
    expect(page.locator("#state-error")).to_have_count(0)
    page.reload()  # the full page without htmx agrees
    expect(page.locator("#state option[value=closed]")).to_have_count(0)
    expect(page.locator("#state")).to_have_value("proposed")


def test_sortable_headers_and_the_live_result_count(new_context):
    page = sign_in(new_context(viewport={"width": 1280, "height": 800}), "alice@example.com")
    page.goto("/work-items?type=incident")
    votes = page.locator("th", has_text="Votes")
    expect(votes).to_have_attribute("aria-sort", "none")
    expect(page.locator("#results-status")).to_have_attribute("aria-live", "polite")
    votes.get_by_role("link").click()
    page.wait_for_url(re.compile(r"type=incident&sort=-votes$"))
    expect(page.locator("th", has_text="Votes")).to_have_attribute("aria-sort", "descending")
    expect(page.locator("th", has_text="Key")).to_have_attribute("aria-sort", "none")
    expect(page.locator("#sort")).to_have_value("-votes")  # the form agrees with the header
    page.locator("th", has_text="Votes").get_by_role("link").click()
    page.wait_for_url(re.compile(r"sort=votes$"))
    expect(page.locator("th", has_text="Votes")).to_have_attribute("aria-sort", "ascending")
    expect(page.locator("#sort")).to_have_value("votes")
    page.select_option("#platform", "unity-catalog")
    expect(page.locator("#results-status")).to_have_text(re.compile(r"^0 items found"))
    page.select_option("#platform", "jobs")
    expect(page.locator("#results-status")).to_have_text("12 items found, page 1 of 1.")
    page.go_back()
    page.go_back()  # back to the ascending sort, headers and form alike
    page.wait_for_url(re.compile(r"type=incident&sort=votes$"))
    expect(page.locator("th", has_text="Votes")).to_have_attribute("aria-sort", "ascending")
    expect(page.locator("#sort")).to_have_value("votes")


def test_times_are_relative_with_the_local_time_on_hover(new_context):
    context = new_context(viewport={"width": 1280, "height": 800}, timezone_id="Asia/Tokyo", locale="en-US")
    page = sign_in(context, "alice@example.com")
    page.goto("/work-items")
    first = page.locator("[data-row] time[data-relative]").first
    expect(first).to_have_text(re.compile(r"^(just now|\d+ min ago)$"))
    expect(first).to_have_attribute("title", re.compile(r"GMT\+9"))  # the reader's zone, not UTC
    page.select_option("#type", "improvement")  # rows swapped in by htmx are upgraded too
    page.wait_for_url(re.compile(r"type=improvement"))
    expect(page.locator("[data-row] time[data-relative]").first).to_have_attribute("title", re.compile(r"GMT\+9"))
    page.locator(".row-link").first.click()
    stamp = page.locator(".meta time[data-relative]").first
    expect(stamp).to_have_text(re.compile(r"^(just now|\d+ min ago)$"))
    expect(stamp).to_have_attribute("title", re.compile(r"GMT\+9"))


LINES_OF = """sel => [...document.querySelectorAll(sel)].map(el => [el.title, [...el.querySelectorAll('span')]
  .map(n => { const r = document.createRange(); r.selectNodeContents(n);
  return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; })])"""


@pytest.fixture()
def long_email_item(tmp_path) -> Iterator[tuple[str, str]]:
    """An app of its own with one item whose author and assignee have long addresses: (base URL, item id)."""
    app = browser_app(tmp_path)
    author = Actor("platform-team-lead@example.com", Role.REPORTER)
    item = services(app).work_items.create(author, {
        "item_type": "incident", "title": "Disk full", "severity": "sev2", "platform": "jobs",
        "assignee": "someone.with.a.long.name@example.com"})
    try:
        for url in serve(app):
            yield url, item.id
    finally:
        close_app(app)


def test_emails_never_break_inside_a_word_on_a_phone(browser, long_email_item):
    base, item_id = long_email_item
    context = browser.new_context(base_url=base, viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(f"/work-items/{item_id}")
        emails = page.evaluate(LINES_OF, ".meta .email")
        assert [title for title, _ in emails] == ["platform-team-lead@example.com",
                                                  "someone.with.a.long.name@example.com",
                                                  "platform-team-lead@example.com"]  # in full on hover
        assert all(lines == [1, 1] for _, lines in emails), emails  # each part on one line: a break only at @
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        shot(page, "phone-detail-emails")
    finally:
        context.close()
