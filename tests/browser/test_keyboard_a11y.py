"""Keyboard triage, the 360 px phone layout and accessibility basics in real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot, sign_in

pytestmark = pytest.mark.browser


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
