"""axe-core on every page of the app in real Chromium, light and dark, desktop and 360 px (issue #12).

The UX rule is "0 serious or critical axe-core violations, light and dark, 360 px", for every rule axe has (not
only colour contrast). Every page is here: the list, the triage queue, an empty result, the detail of each type
(and with its edit panel open, with the conflict modal open, the no-JavaScript conflict page), the new form of
each type (and with its errors), the portal pages, docs, glossary, sign-in and sign-out, the admin page, the
403 and 404 pages and the embeddable fragments. Each page is loaded once and scanned four times: the viewport
and `prefers-color-scheme` are switched in place, which is what the CSS media queries answer to.

axe-core comes from the npm registry (package.json; `make assets` runs `npm install`, so node_modules/axe-core
exists after `make setup`). It is evaluated through Playwright's `page.evaluate` (the DevTools protocol), not
`add_script_tag`: an injected <script> element is inline script, which the production CSP (script-src 'self')
rightly refuses, and `bypass_csp=True` would measure a page the CSP no longer governs. Evaluating over the
protocol is not subject to the page's CSP and axe needs no eval, so the pages are checked exactly as served.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from app.core.context import services
from tests.browser.axe_scan import THEMES, WIDTHS, blocking_violations, describe, scan_everywhere
from tests.browser.axe_seed import change_behind_their_back, seed_pages
from tests.browser.conftest import browser_app, serve, sign_in
from tests.fixtures import close_app

pytestmark = pytest.mark.browser

PLATFORMS = ["kafka", "sql-warehouse", "airflow", "jobs", "mlflow"]
USERS = {"anon": None, "bob": "bob@example.com", "root": "root@example.com"}  # bob: a reporter; root: an admin


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, dict[str, str]]]:
    app = browser_app(tmp_path_factory.mktemp("axe"), PLATFORMS=",".join(PLATFORMS), SECRET_KEY="axe")
    yield app, seed_pages(services(app).work_items)
    close_app(app)  # its store's threads must not outlive the session


@pytest.fixture(scope="module")
def base_url(seeded: tuple[Flask, dict[str, str]]) -> Iterator[str]:
    """This module's own live server (its own data)."""
    yield from serve(seeded[0])


@pytest.fixture(scope="module")
def pages(browser: Browser, base_url: str) -> Iterator[dict[str, Page]]:
    """One page per user for the whole module (signing in once); each records console errors."""
    contexts, out = [], {}
    for name, email in USERS.items():
        context = browser.new_context(base_url=base_url, viewport=WIDTHS["desktop"])
        context.set_default_timeout(15000)  # the machine may be busy; the scans still need no waiting
        context.console_errors = []  # type: ignore[attr-defined]
        context.on("console", lambda msg, c=context: msg.type == "error"
                   and c.console_errors.append(f"{msg.text} at {msg.location['url']}"))
        contexts.append(context)
        out[name] = sign_in(context, email) if email else context.new_page()
    yield out
    for context in contexts:
        context.close()


@pytest.fixture()
def page_of(pages: dict[str, Page]) -> Iterator[Callable[[str], Page]]:
    """The user's page, reset to desktop and light; after the test, no CSP violation may have been logged."""
    def get(user: str) -> Page:
        page = pages[user]
        page.set_viewport_size(WIDTHS["desktop"])
        page.emulate_media(color_scheme="light")
        return page

    yield get
    for page in pages.values():
        errors = [e for e in page.context.console_errors if "Content Security Policy" in e or "Refused" in e]
        page.context.console_errors.clear()
        assert not errors, f"CSP violations: {errors}"


def _open_edit(page: Page) -> None:
    page.locator("#edit-panel summary").click()
    expect(page.locator("#edit-panel form")).to_be_visible()


def _create_with_errors(page: Page) -> None:
    page.locator("#item-form #title").fill("x")  # too short; the other required fields stay empty
    page.get_by_role("button", name="Create work item").click()
    expect(page.locator("#item-form .field-error").first).to_be_visible()


# name: (user, path, what to do once it has loaded)
PAGES: dict[str, tuple[str, str, Callable[[Page], None] | None]] = {
    "work-items": ("root", "/work-items", None),
    "work-items-empty": ("root", "/work-items?q=zzz-no-such-text", None),
    "triage": ("root", "/work-items?view=triage", None),
    "detail-incident": ("root", "/work-items/{incident}", None),
    "detail-improvement": ("root", "/work-items/{improvement}", None),
    "detail-request": ("root", "/work-items/{request}", None),
    "detail-edit-open": ("root", "/work-items/{request}", _open_edit),
    "new-incident": ("bob", "/work-items/new?item_type=incident", None),
    "new-improvement": ("bob", "/work-items/new?item_type=improvement", None),
    "new-request": ("bob", "/work-items/new?item_type=platform_request", None),
    "new-with-errors": ("bob", "/work-items/new?item_type=incident", _create_with_errors),
    "status": ("anon", "/status", None), "roadmap": ("anon", "/roadmap", None),
    "status-signed-in": ("bob", "/status", None), "roadmap-signed-in": ("bob", "/roadmap", None),
    "docs": ("anon", "/docs", None), "doc-tables": ("anon", "/docs/filing-incidents", None),
    "doc-code": ("anon", "/docs/embedding", None), "glossary": ("anon", "/glossary#severity", None),
    "sign-in": ("anon", "/sign-in", None), "sign-out": ("bob", "/sign-out", None),
    "quarantine": ("root", "/admin/quarantine", None), "forbidden": ("bob", "/admin/quarantine", None),
    "not-found": ("anon", "/work-items/no-such-item", None), "no-such-page": ("anon", "/no-such-page", None),
    "embed-status": ("anon", "/embed/status", None), "embed-roadmap": ("anon", "/embed/roadmap", None),
    "embed-work-items": ("anon", "/embed/work-items", None),
    "embed-work-item": ("anon", "/embed/work-items/{incident}", None),
}

STATUS = {"forbidden": 403, "not-found": 404, "no-such-page": 404}


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_axe_violations(page_of, seeded, name: str) -> None:
    user, path, action = PAGES[name]
    page = page_of(user)
    response = page.goto(path.format(**seeded[1]))
    assert response is not None and response.status == STATUS.get(name, 200)
    if not path.startswith("/embed"):
        expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))  # the page's own scripts have run
    if action:
        action(page)
    failures = scan_everywhere(page, name)
    assert not failures, "\n".join(failures)


def _stale_page(page_of, seeded, key: str) -> Page:
    """root's detail page of the item, then someone else changes the item: its forms are stale now."""
    app, ids = seeded
    page = page_of("root")
    page.goto(f"/work-items/{ids[key]}")
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))
    change_behind_their_back(services(app).work_items, ids[key])
    return page


def test_conflict_modal_has_no_serious_axe_violations(page_of, seeded) -> None:
    page = _stale_page(page_of, seeded, "modal")
    page.locator("#transition-menu summary").click()
    page.get_by_role("button", name="Move to planned").click()
    expect(page.locator("dialog#conflict-dialog")).to_be_visible()
    failures = scan_everywhere(page, "conflict-modal")
    assert not failures, "\n".join(failures)


def test_conflict_page_without_javascript_has_no_serious_axe_violations(page_of, seeded) -> None:
    """A plain form post (what a browser without JavaScript sends) with a stale version gets the conflict page."""
    page = _stale_page(page_of, seeded, "conflict_page")
    with page.expect_navigation():
        page.evaluate("() => HTMLFormElement.prototype.submit.call(document.querySelector('form.transition-form'))")
    expect(page.locator("section#conflict-dialog")).to_be_visible()
    failures = scan_everywhere(page, "conflict-page")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("theme", THEMES)
def test_roadmap_vote_buttons_show_their_count(page_of, theme: str) -> None:
    """Issue #12 item 1: signed in, every vote button (pressed or not) shows its arrow and count in a visible colour."""
    page = page_of("bob")
    page.emulate_media(color_scheme=theme)
    page.goto("/roadmap")
    buttons = page.locator(".pt-vote-button")
    assert buttons.count() >= 7
    expect(page.locator('.pt-vote-button[aria-pressed="true"]')).to_have_count(1)
    for n in range(buttons.count()):
        button = buttons.nth(n)
        text = button.inner_text().strip()  # the arrow, the count, then text only screen readers get
        count = button.locator(".pt-vote-count").inner_text().strip()
        assert text.startswith("▲") and count.isdigit(), f"button {n} shows {text!r}"
        expect(button.locator(".pt-vote-count")).to_be_visible()
        colour, background = button.evaluate(
            "el => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]")
        assert colour != background, f"button {n} ({text!r}): text {colour} on {background}"
    violations = [v for v in blocking_violations(page) if v["id"] == "color-contrast"]
    assert not violations, describe(violations)
