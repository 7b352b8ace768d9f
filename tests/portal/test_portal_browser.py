"""Browser: a page from another origin pulls embeds with htmx hx-get (CORS) and frames one (frame-ancestors)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from app.config import ROOT
from app.core.context import services
from tests.fixtures import create_app  # app.create_app; the store is closed when the test ends
from tests.portal.support import PLATFORMS, REPORTER, incident, move

pytestmark = pytest.mark.browser


PORTAL_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Team portal</title>
<meta name="htmx-config" content="mode:cors">
<script src="/htmx.min.js"></script></head>
<body>
<h1>Team portal</h1>
<div id="status-slot" hx-get="{app}/embed/status" hx-trigger="load, refresh">Loading status…</div>
<div id="card-slot" hx-get="{app}/embed/work-items/{item_id}" hx-trigger="load">Loading card…</div>
<iframe id="roadmap-frame" src="{app}/embed/roadmap" title="DeltaDesk roadmap" width="800" height="400"></iframe>
</body></html>
"""


def _portal_server(page_html: dict[str, str]) -> http.server.ThreadingHTTPServer:
    """A tiny second HTTP server (another origin) serving the portal page and a static copy of htmx."""
    htmx = (ROOT / "static" / "vendor" / "htmx.min.js").read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            body, kind = (htmx, "text/javascript") if self.path == "/htmx.min.js" else \
                (page_html["html"].encode(), "text/html; charset=utf-8")
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return

    return http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)


@pytest.fixture()
def servers(tmp_path: Path) -> Iterator[dict[str, Any]]:
    page_html: dict[str, str] = {}
    portal = _portal_server(page_html)
    portal_port = portal.server_address[1]
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "PLATFORMS": ",".join(PLATFORMS),
                      "SECRET_KEY": "browser-test", "EMBED_ALLOWED_ORIGINS": f"http://127.0.0.1:{portal_port}"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app_url = f"http://127.0.0.1:{server.server_address[1]}"
    items = services(app).work_items
    item = incident(items, "sev1", platform="kafka", title="Consumers lagging")
    page_html["html"] = PORTAL_PAGE.format(app=app_url, item_id=item.id)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (portal, server)]
    for thread in threads:
        thread.start()
    yield {"items": items, "item": item, "portal_port": portal_port, "app_url": app_url}
    portal.shutdown()
    server.shutdown()
    portal.server_close()
    server.server_close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


def test_embeds_load_cross_origin_with_htmx_and_in_an_iframe(servers: dict[str, Any], page: Page) -> None:
    page.goto(f"http://127.0.0.1:{servers['portal_port']}/")
    status = page.locator("#status-slot .dd-embed")
    expect(status).to_be_visible()
    expect(status.locator('tr[data-platform="kafka"]')).to_contain_text("Major outage")
    # the fragment's own stylesheet (absolute URL) applies on the foreign page; it loads after the swap,
    # so wait for it as a reader would (reading the style at once raced the stylesheet in one CI run)
    expect(status).to_have_css("border-top-style", "solid")
    link = status.locator("a.dd-embed-link", has_text=servers["item"].key)
    assert link.get_attribute("href") == f"{servers['app_url']}/work-items/{servers['item'].id}"
    expect(page.locator("#card-slot .dd-embed-card")).to_contain_text("Consumers lagging")
    frame = page.frame_locator("#roadmap-frame")
    expect(frame.locator("h2.dd-embed-title")).to_have_text("Roadmap")

    move(servers["items"], servers["item"], "triaged", "investigating", "resolved")
    page.evaluate("htmx.trigger('#status-slot', 'refresh')")
    expect(page.locator('#status-slot tr[data-platform="kafka"]')).to_contain_text("Operational")


def test_origin_not_on_the_list_gets_nothing(servers: dict[str, Any], page: Page) -> None:
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(f"http://localhost:{servers['portal_port']}/")  # same server, but an origin that is not allowed
    page.wait_for_function("document.querySelector('#status-slot') !== null")
    page.wait_for_timeout(1500)
    expect(page.locator("#status-slot")).to_have_text("Loading status…")
    assert page.locator("#status-slot .dd-embed").count() == 0
    assert any("/embed/status" in url for url in failed)


def test_roadmap_vote_toggle_by_keyboard(tmp_path: Path, page: Page) -> None:
    """A signed-in reporter tabs to the vote button and presses Enter: htmx posts with the CSRF token."""
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "PLATFORMS": ",".join(PLATFORMS), "SECRET_KEY": "kb-test"})
    items = services(app).work_items
    item = items.create(REPORTER, {"item_type": "improvement", "title": "Keyboard voting"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    cookie = app.session_interface.get_signing_serializer(app).dumps({"user": REPORTER.id})
    try:
        page.context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": cookie, "url": base}])
        page.goto(f"{base}/roadmap")
        button = page.locator(f"#vote-{item.id} button")
        expect(button).to_have_attribute("aria-pressed", "false")
        for _ in range(40):  # keyboard only: Tab until the vote button has focus
            page.keyboard.press("Tab")
            if button.evaluate("el => el === document.activeElement"):
                break
        else:
            pytest.fail("The vote button cannot be reached with Tab")
        page.keyboard.press("Enter")
        expect(page.locator(f"#vote-{item.id} button")).to_have_attribute("aria-pressed", "true")
        expect(page.locator(f"#vote-{item.id} .pt-vote-count")).to_have_text("1")
        assert items.get(item.id, REPORTER).my_vote is True
        assert page.url == f"{base}/roadmap"  # swapped in place, no full reload
    finally:
        server.shutdown()
        server.server_close()


def test_docs_live_search_by_keyboard(tmp_path: Path, page: Page) -> None:
    """Typing in the docs search box shows matching pages and glossary terms without leaving the page."""
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "PLATFORMS": ",".join(PLATFORMS), "SECRET_KEY": "s"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        page.goto(f"{base}/docs/workflows")
        page.get_by_label("Search docs and glossary").press_sequentially("severity", delay=20)
        results = page.locator("#docs-results")
        expect(results.locator('a[href="/glossary#severity"]')).to_be_visible()
        expect(results.locator('a[href="/docs/filing-incidents"]')).to_be_visible()
        assert page.url == f"{base}/docs/workflows"
        results.locator('a[href="/glossary#severity"]').focus()
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{base}/glossary#severity")
        expect(page.locator("h2#severity")).to_be_in_viewport()
    finally:
        server.shutdown()
        server.server_close()
