"""Issue #12 ("a new user's first hour"), items 10-12 in real Chromium, on this module's own live server.

10. Focus: Esc on a menu goes back to its summary; Esc in a search box leaves it; a 422 on create focuses the
    error summary; `/` focuses a search box on the detail, create and docs pages instead of navigating away.
11. The timeline follows an htmx vote and unvote without a reload.
12. The markdown preview looks exactly like the posted comment (tables, inline and fenced code), as the docs'
    tables do, and bare URLs become links.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page, expect

from app.core.context import services
from app.models import WorkItem
from tests.browser.conftest import BOB, browser_app, serve, sign_in
from tests.fixtures import close_app

pytestmark = pytest.mark.browser

MARKDOWN = ("| Job | Runs |\n| --- | ---: |\n| ledger | `nightly` |\n\nSee https://logs.example.com/run/42 and\n\n"
            "```\nspark.read.table(\"x\")\n```\n")
CELL = ["border-top-width", "border-top-style", "border-top-color", "border-left-width", "padding-top",
        "padding-left", "text-align", "font-size", "font-family", "color"]
CODE = ["font-family", "font-size", "background-color", "padding-left", "border-top-width", "border-radius", "color"]
PRE = ["background-color", "padding-top", "padding-left", "border-top-width", "font-family"]


@pytest.fixture(scope="module")
def focus_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = browser_app(tmp_path_factory.mktemp("focus"))
    service = services(app).work_items
    for n in range(3):
        service.create(BOB, {"item_type": "improvement", "title": f"Cost dashboard number {n}"})
    yield app
    close_app(app)


@pytest.fixture(scope="module")
def base_url(focus_app: Flask) -> Iterator[str]:
    """This module's own live server, used by the conftest's `new_context`."""
    yield from serve(focus_app)


@pytest.fixture()
def item(focus_app: Flask) -> WorkItem:
    return services(focus_app).work_items.create(BOB, {"item_type": "improvement", "title": "Ledger costs per team"})


def _style(locator: Locator, names: list[str]) -> dict[str, str]:
    """The element's computed values; read again while they are blank (an element htmx is still swapping in
    is briefly detached, and a detached element has no computed style)."""
    for _ in range(50):
        values = locator.evaluate("(el, names) => { const s = getComputedStyle(el);"
                                  " return Object.fromEntries(names.map(n => [n, s.getPropertyValue(n)])); }", names)
        if all(values.values()):
            return values
        locator.page.wait_for_timeout(100)
    return values


def _focused(page: Page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.tagName + '.'"
                         " + document.activeElement.className + '<' + document.activeElement.parentElement.id")


def test_escape_on_a_menu_puts_focus_back_on_its_summary(new_context, item):
    page = sign_in(new_context(), "alice@example.com")
    page.goto(f"/work-items/{item.id}")
    for key, menu in (("t", "#transition-menu"), ("e", "#edit-panel")):
        page.locator("h1").click()
        page.keyboard.press(key)
        expect(page.locator(menu)).to_have_attribute("open", "")
        expect(page.locator(f"{menu} .menu-body button, {menu} .menu-body input:not([type=hidden])").first
               ).to_be_focused()
        page.keyboard.press("Escape")
        expect(page.locator(menu)).not_to_have_attribute("open", "")
        expect(page.locator(f"{menu} > summary")).to_be_focused()
        assert _focused(page) != "BODY.<"
    page.keyboard.press("Enter")  # the summary has focus, so Enter opens the edit menu again
    expect(page.locator("#edit-panel")).to_have_attribute("open", "")


def test_escape_in_the_search_box_clears_it_and_leaves_it_so_j_moves_in_the_list(new_context):
    page = sign_in(new_context(), "bob@example.com")
    page.locator("#q").click()
    page.keyboard.type("number 1")
    page.wait_for_url(re.compile(r"q=number"))
    expect(page.locator("[data-row]")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(page.locator("#q")).to_have_value("")
    expect(page.locator("#q")).not_to_be_focused()
    expect(page.locator("[data-row]")).to_have_count(4)  # the cleared search lists everything again
    page.keyboard.press("j")
    expect(page.locator("#q")).to_have_value("")
    expect(page.locator("[data-row]").first).to_have_class(re.compile("is-selected"))


def test_a_refused_create_focuses_the_error_summary(new_context):
    page = sign_in(new_context(), "bob@example.com")
    page.goto("/work-items/new")
    page.fill("#title", "ab")
    page.get_by_role("button", name="Create work item").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Must be at least 3 characters.")
    expect(summary).to_be_focused()


def test_slash_focuses_a_search_box_on_the_detail_create_and_docs_pages(new_context, item):
    page = sign_in(new_context(), "bob@example.com")
    for path, box in ((f"/work-items/{item.id}", "#header-q"), ("/work-items/new", "#header-q"),
                      ("/docs/workflows", "#docs-q")):
        page.goto(path)
        page.locator("h1").first.click()
        page.keyboard.press("/")
        expect(page.locator(box)).to_be_focused()
        assert page.url.endswith(path)  # it stayed on the page
    page.goto(f"/work-items/{item.id}")
    page.keyboard.press("/")
    page.keyboard.type("Ledger costs")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/work-items\?q=Ledger\+costs$"))
    expect(page.locator("#q")).to_have_value("Ledger costs")
    expect(page.locator(".row-link").first).to_have_text("Ledger costs per team")


def test_the_timeline_follows_a_vote_and_its_withdrawal_without_a_reload(new_context, item):
    page = sign_in(new_context(), "bob@example.com")
    page.goto(f"/work-items/{item.id}")
    vote = page.locator("#vote button")
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "true")
    last = page.locator("#timeline .entry").last
    expect(last).to_contain_text("bob@example.com voted for it")
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "false")
    expect(last).to_contain_text("bob@example.com withdrew their vote")
    expect(page.locator("#meta-votes")).to_have_text("0")


def test_the_preview_looks_exactly_like_the_posted_comment(new_context, item):
    page = sign_in(new_context(), "bob@example.com")
    page.goto(f"/work-items/{item.id}")
    page.fill("#comment-body", MARKDOWN)
    page.locator("#comment-form .preview-bar button").click()
    preview = page.locator("#comment-body-preview")
    expect(preview.locator("td").first).to_have_text("ledger")
    expect(preview.locator("td").first).to_have_css("border-top-width", "1px")  # swapped in and styled (settled)
    before = {"td": _style(preview.locator("td").first, CELL), "code": _style(preview.locator("td code"), CODE),
              "pre": _style(preview.locator("pre"), PRE)}
    page.get_by_role("button", name="Comment", exact=True).click()
    posted = page.locator("#timeline .entry.comment").last
    expect(posted.locator("td").first).to_have_text("ledger")
    expect(posted.locator("td").first).to_have_css("border-top-width", "1px")
    after = {"td": _style(posted.locator("td").first, CELL), "code": _style(posted.locator("td code"), CODE),
             "pre": _style(posted.locator("pre"), PRE)}
    assert before == after
    assert _style(posted.locator("td").nth(1), ["text-align"]) == {"text-align": "right"}  # the aligned column
    assert after["td"]["border-top-width"] == "1px" and after["td"]["padding-left"] != "0px"  # a table, not a grid
    assert after["code"]["background-color"] not in ("rgba(0, 0, 0, 0)", "transparent")
    preview_box = _style(page.locator("#comment-body-preview"), ["background-color"])["background-color"]
    assert before["pre"]["background-color"] != preview_box  # the fenced block stands out in the preview too
    link = posted.get_by_role("link", name="https://logs.example.com/run/42")
    expect(link).to_have_attribute("href", "https://logs.example.com/run/42")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    page.goto("/docs/workflows")
    docs_cell = _style(page.locator(".pt-doc td").first, CELL)
    assert {k: docs_cell[k] for k in CELL[:7]} == {k: after["td"][k] for k in CELL[:7]}


def test_the_header_search_fits_the_open_phone_menu(new_context, item):
    page = sign_in(new_context(viewport={"width": 360, "height": 740}), "bob@example.com")
    page.goto(f"/work-items/{item.id}")
    expect(page.locator("#header-q")).to_be_hidden()  # in the collapsed menu
    page.get_by_role("button", name="Menu").click()
    box = page.locator(".header-search").bounding_box()
    assert box is not None and box["height"] < 60 and box["x"] + box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
