"""Real Chromium flows against the live server: create, list navigation, detail writes, conflict, keyboard, phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot, sign_in

pytestmark = pytest.mark.browser


def test_create_shows_inline_errors_then_redirects_to_the_new_item(new_context):
    page = sign_in(new_context(), "bob@example.com")
    page.keyboard.press("c")
    page.wait_for_url("**/work-items/new")
    page.select_option("#item_type", "improvement")
    expect(page.locator("#type-fields legend")).to_have_text("Improvement details")
    expect(page.locator("#problem")).to_be_visible()
    page.fill("#description", "We need **per team** costs.\n\n<script>alert(1)</script>")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#description-preview strong")).to_have_text("per team")
    expect(page.locator("#description-preview script")).to_have_count(0)
    page.fill("#title", "ab")
    page.get_by_role("button", name="Create work item").click()
    expect(page.locator("#title-error")).to_have_text("Must be at least 3 characters.")
    expect(page.locator("#description")).to_have_value(re.compile("per team"))
    shot(page, "create-errors")
    page.fill("#title", "Cost dashboard per team")
    page.fill("#problem", "Nobody knows what their jobs cost")
    page.get_by_role("button", name="Create work item").click()
    page.wait_for_url(re.compile(r"/work-items/[0-9a-f-]{8,}$"))
    expect(page.locator("h1")).to_have_text("Cost dashboard per team")
    expect(page.locator(".description strong")).to_have_text("per team")
    shot(page, "detail")


def test_filters_pagination_and_back_button(new_context):
    page = sign_in(new_context(), "alice@example.com")
    page.goto("/work-items?page_size=10")
    shot(page, "list")
    page.select_option("#type", "incident")
    page.wait_for_url(re.compile(r"type=incident"))
    expect(page.locator(".result-count")).to_contain_text("12 items · page 1 of 2")
    page.get_by_role("link", name="Next →").click()
    page.wait_for_url(re.compile(r"type=incident.*page=2"))
    expect(page.locator(".result-count")).to_contain_text("page 2 of 2")
    expect(page.locator("[data-row]")).to_have_count(2)
    page.go_back()
    page.wait_for_url(re.compile(r"type=incident&page_size=10$"))
    expect(page.locator(".result-count")).to_contain_text("page 1 of 2")
    expect(page.locator("#type")).to_have_value("incident")
    page.go_back()
    page.wait_for_url(re.compile(r"/work-items\?page_size=10$"))
    expect(page.locator("#type")).to_have_value("")
    expect(page.locator(".result-count")).to_have_text(re.compile(r"\d+ items · page 1 of \d+"))
    expect(page.locator("[data-row]")).to_have_count(10)
    page.fill("#q", "access 3")
    page.wait_for_url(re.compile(r"q=access\+3"))
    expect(page.locator("[data-row]")).to_have_count(1)
    expect(page.locator(".row-link")).to_have_text("Request for access 3")


def test_comment_vote_and_transition_on_the_detail_page(new_context):
    page = sign_in(new_context(), "alice@example.com")
    page.goto("/work-items?type=platform_request&q=access+1")
    page.locator(".row-link").first.click()
    expect(page.locator("h1")).to_have_text("Request for access 1")
    page.fill("#comment-body", "Approved by the **data** council.")
    page.get_by_role("button", name="Comment").click()
    expect(page.locator("#timeline .comment strong").last).to_have_text("data")
    expect(page.locator("#comment-body")).to_have_value("")
    vote = page.locator("#vote button")
    vote.click()
    expect(page.locator("#vote .vote-count")).to_have_text("1")
    expect(page.locator("#meta-votes")).to_have_text("1")
    expect(page.locator("#vote button")).to_have_attribute("aria-pressed", "true")
    page.locator("#vote button").click()
    expect(page.locator("#meta-votes")).to_have_text("0")
    page.locator("#transition-menu summary").click()
    page.get_by_role("button", name="Move to triaged").click()
    expect(page.locator(".item-status .badge")).to_have_text("triaged")
    expect(page.locator("#timeline")).to_contain_text("moved it from submitted to triaged")


def test_conflict_from_a_second_browser_is_recovered_without_losing_text(new_context):
    alice = sign_in(new_context(), "alice@example.com")
    alice.goto("/work-items?type=incident&q=number+5")
    alice.locator(".row-link").first.click()
    detail_url = alice.url
    root = sign_in(new_context(), "root@example.com")
    root.goto(detail_url)
    root.keyboard.press("e")
    root.select_option("#edit-priority", "p1")
    root.get_by_role("button", name="Save changes").click()
    expect(root.locator("#timeline")).to_contain_text("priority from")
    alice.locator("#transition-menu summary").click()
    alice.fill("#t-closed-note", "Duplicate of the warehouse incident, typed with care")
    alice.get_by_role("button", name="Move to closed").click()
    dialog = alice.locator("#conflict-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("root@example.com changed priority from")
    expect(alice.locator("#reapply-note")).to_have_value("Duplicate of the warehouse incident, typed with care")
    expect(alice.locator("#t-closed-note")).to_have_value("Duplicate of the warehouse incident, typed with care")
    shot(alice, "conflict-modal")
    dialog.get_by_role("button", name=re.compile("Re-apply my change")).click()
    expect(alice.locator("#conflict-dialog")).to_have_count(0)
    expect(alice.locator(".item-status .badge")).to_have_text("closed")
    expect(alice.locator("#timeline")).to_contain_text("typed with care")


def test_keyboard_triage_on_the_queue(new_context):
    page = sign_in(new_context(), "alice@example.com")
    page.goto("/work-items?view=triage")
    expect(page.locator("h1")).to_have_text("Triage queue")
    page.locator("#q").focus()
    page.keyboard.type("jj")
    expect(page.locator("[data-row].is-selected")).to_have_count(0)
    page.wait_for_url(re.compile(r"q=jj"))  # it searched instead
    page.locator("#q").fill("")
    page.wait_for_url(re.compile(r"\?view=triage$"))
    page.locator("h1").click()
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    first = page.locator("[data-row]").first
    expect(first).to_have_class(re.compile("is-selected"))
    expect(first.locator(".row-link")).to_be_focused()
    title = first.locator(".row-link").inner_text()
    page.keyboard.press("Control+j")
    expect(first).to_have_class(re.compile("is-selected"))
    page.keyboard.press("t")  # straight from the queue into the state menu of the selected item
    page.wait_for_url(re.compile("#transition-menu$"))
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("#transition-menu")).to_have_attribute("open", "")
    expect(page.locator("#transition-menu .menu-body button").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".item-status .badge")).to_have_text("triaged")
    page.goto("/work-items?view=triage")
    page.keyboard.press("j")
    next_title = page.locator("[data-row].is-selected .row-link").inner_text()
    assert next_title != title  # the triaged item left the top of the queue
    page.keyboard.press("o")
    expect(page.locator("h1")).to_have_text(next_title)
    page.keyboard.press("v")
    expect(page.locator("#meta-votes")).to_have_text("1")
    page.keyboard.press("t")
    expect(page.locator("#transition-menu")).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(page.locator("#transition-menu")).not_to_have_attribute("open", "")
    page.keyboard.press("?")
    expect(page.locator("#shortcut-help")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#shortcut-help")).to_be_hidden()


def test_phone_layout_at_360_px(new_context):
    context = new_context(viewport={"width": 360, "height": 740})
    page = sign_in(context, "bob@example.com")
    page.goto("/work-items")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(page.get_by_role("link", name="Status")).to_be_hidden()
    menu.click()
    expect(page.get_by_role("link", name="Status")).to_be_visible()
    expect(page.locator('nav a[aria-current="page"]')).to_have_text("Tickets")
    shot(page, "mobile-menu", full_page=False)
    menu.click()
    shot(page, "mobile-list", full_page=False)
    page.locator(".row-link").first.click()
    expect(page.locator(".breadcrumbs")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "mobile-detail", full_page=False)
    page.goto("/work-items/new")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "mobile-new", full_page=False)


UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
  .map(el => el.outerHTML.slice(0, 80))"""


def test_every_control_has_a_label_and_focus_is_visible(new_context):
    page = sign_in(new_context(), "alice@example.com")
    for url in ("/work-items", "/work-items?view=triage", "/work-items/new", "/sign-in", "/no-such-page"):
        page.goto(url)
        assert page.evaluate(UNLABELLED) == [], url
        shot(page, "page" + url.replace("/", "-").replace("?", "-").replace("=", "-"))
    page.goto("/work-items")
    page.locator(".row-link").first.click()
    page.wait_for_url(re.compile(r"/work-items/[0-9a-f-]{8,}$"))
    page.keyboard.press("e")
    expect(page.locator("#edit-panel")).to_have_attribute("open", "")
    expect(page.locator("#edit-title")).to_be_focused()
    assert page.evaluate(UNLABELLED) == []
    page.keyboard.press("Tab")
    expect(page.locator("#edit-priority")).to_be_focused()
    shot(page, "detail-edit-open")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
