"""Issue #12 item 7 in Chromium: typing in the list search leaves one history entry per search (Back returns
to the list before it), not one per keystroke; a search typed after a pause is an entry of its own."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _history_length(page: Page) -> int:
    return int(page.evaluate("history.length"))


def test_typing_a_search_pushes_one_history_entry(new_context):
    page = sign_in(new_context(), "alice@example.com")
    before = _history_length(page)
    page.locator("#q").click()
    page.locator("#q").press_sequentially("Incident", delay=400, timeout=15_000)  # slower than the 300 ms trigger delay
    page.wait_for_url(re.compile(r"q=Incident$"))
    expect(page.locator(".result-count")).to_contain_text("item")
    assert _history_length(page) == before + 1
    page.keyboard.press("Enter")  # Enter settles the search on the entry it already has
    page.wait_for_timeout(500)
    assert _history_length(page) == before + 1
    page.go_back()
    page.wait_for_url(re.compile(r"/work-items$"))
    expect(page.locator("#q")).to_have_value("")


def test_a_search_typed_after_a_pause_is_a_new_entry(new_context):
    page = sign_in(new_context(), "alice@example.com")
    before = _history_length(page)
    page.locator("#q").click()
    page.locator("#q").press_sequentially("Request", delay=350, timeout=15_000)
    page.wait_for_url(re.compile(r"q=Request$"))
    page.wait_for_timeout(1800)  # the search settled
    page.locator("#q").press_sequentially(" for access 4", delay=350, timeout=15_000)
    page.wait_for_url(re.compile(r"q=Request\+for\+access\+4$"))
    assert _history_length(page) == before + 2
    page.go_back()
    page.wait_for_url(re.compile(r"q=Request$"))
    expect(page.locator("#q")).to_have_value("Request")
