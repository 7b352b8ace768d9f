"""Real Chromium flows against the live server: create, list navigation, detail writes, conflicts."""

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
    page.get_by_label("Reported by me").check()
    page.wait_for_url(re.compile(r"reported=1"))
    expect(page.locator(".empty-state")).to_contain_text("No work items match")


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
    alice.wait_for_url(re.compile(r"/work-items/[0-9a-f-]{8,}$"))
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
    # a second conflict, this time discarded: the latest version shows and the half-typed comment stays
    alice.fill("#comment-body", "Half-written comment")
    root.reload()
    root.keyboard.press("e")
    root.fill("#edit-assignee", "carol@example.com")
    root.get_by_role("button", name="Save changes").click()
    expect(root.locator("#timeline")).to_contain_text("carol@example.com")
    alice.locator("#edit-panel summary").click()
    alice.fill("#edit-title", "Incident number 5, retitled")
    alice.get_by_role("button", name="Save changes").click()
    expect(alice.locator("#conflict-dialog")).to_be_visible()
    expect(alice.locator("#reapply-title")).to_have_value("Incident number 5, retitled")
    alice.get_by_role("button", name="Discard my change and show the latest").click()
    expect(alice.locator("#conflict-dialog")).to_have_count(0)
    expect(alice.locator("#item-main")).to_contain_text("carol@example.com")
    expect(alice.locator("#comment-body")).to_have_value("Half-written comment")
