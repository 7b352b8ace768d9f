"""Progressive enhancement and themes: the pages work with JavaScript off; dark mode renders."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot, sign_in

pytestmark = pytest.mark.browser


def test_reading_and_plain_form_posts_work_without_javascript(new_context):
    page = sign_in(new_context(java_script_enabled=False), "alice@example.com")
    page.select_option("#type", "platform_request")
    page.select_option("#page_size", "10")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"type=platform_request"))
    expect(page.locator(".result-count")).to_contain_text("page 1 of")
    page.get_by_role("link", name="Request for access 4").click()
    expect(page.locator("h1")).to_have_text("Request for access 4")
    page.fill("#comment-body", "Posted without JavaScript")
    page.get_by_role("button", name="Comment").click()
    expect(page.locator("#timeline")).to_contain_text("Posted without JavaScript")
    page.locator("#vote button").click()
    expect(page.locator("#meta-votes")).to_have_text("1")
    page.locator("#transition-menu summary").click()
    page.get_by_role("button", name="Move to rejected").click()
    expect(page.locator("#t-rejected-note")).to_be_visible()
    expect(page.locator(".field-error")).to_have_count(0)  # the browser's own required check stopped it
    page.fill("#t-rejected-note", "Out of scope")
    page.get_by_role("button", name="Move to rejected").click()
    expect(page.locator(".item-status .badge")).to_have_text("rejected")


def test_create_without_javascript_switches_type_and_previews(new_context):
    page = sign_in(new_context(java_script_enabled=False), "bob@example.com")
    page.goto("/work-items/new")
    page.fill("#title", "Kafka topic for payments")
    page.select_option("#item_type", "platform_request")
    page.get_by_role("button", name="Show the fields for this type").click()
    expect(page.locator("#justification")).to_be_visible()
    expect(page.locator("#title")).to_have_value("Kafka topic for payments")
    page.fill("#description", "Needs **three** partitions")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#description-preview strong")).to_have_text("three")
    page.select_option("#platform", "kafka")
    page.get_by_role("button", name="Create work item").click()
    expect(page.locator("h1")).to_have_text("Kafka topic for payments")


def test_dark_mode(new_context):
    page = sign_in(new_context(color_scheme="dark"), "alice@example.com")
    page.goto("/work-items?view=triage")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(15, 20, 25)"
    shot(page, "triage-dark")
    page.locator(".row-link").first.click()
    shot(page, "detail-dark")
