"""Mounted under a prefix (SCRIPT_NAME=/desk, as behind a path-routing proxy), every link keeps the prefix.

werkzeug's DispatcherMiddleware mounts the app at /desk the way a WSGI server would (the test client's
environ_base cannot: it sets SCRIPT_NAME itself), so requests go to /desk/... like a browser's would."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from app.services.work_items import WorkItemService
from app.web.assets import hashes
from tests.portal.support import improvement, sign_in

PREFIX = "/desk"
NAV = ("/status", "/work-items", "/docs", "/glossary", "/roadmap")


def _mounted(app: Flask) -> FlaskClient:
    """A client of `app` mounted at PREFIX (anything outside the mount is a plain 404)."""
    app.wsgi_app = DispatcherMiddleware(NotFound(), {PREFIX: app.wsgi_app})  # type: ignore[method-assign]
    return app.test_client()


def _links(html: str) -> list[str]:
    """Every href, action and hx-get/hx-post that points inside the site (not anchors, data: or other hosts)."""
    urls = re.findall(r'(?:href|action|hx-get|hx-post)="([^"]*)"', html)
    return [url for url in urls if url.startswith("/")]


def test_roadmap_and_nav_links_carry_the_mount_prefix(app: Flask, live_items: WorkItemService) -> None:
    item = improvement(live_items, "Mounted")
    client = _mounted(app)
    token = sign_in(client)
    page = client.get(f"{PREFIX}/roadmap").get_data(as_text=True)
    for path in NAV:
        assert f'href="{PREFIX}{path}"' in page, path
    assert f'href="{PREFIX}/work-items/{item.id}"' in page
    assert f'action="{PREFIX}/roadmap/{item.id}/vote"' in page
    assert all(url.startswith(PREFIX + "/") for url in _links(page)), _links(page)
    voted = client.post(f"{PREFIX}/roadmap/{item.id}/vote", data={"csrf_token": token, "voted": "1"})
    assert voted.status_code == 303 and voted.headers["Location"] == f"{PREFIX}/roadmap#card-{item.id}"


def test_portal_pages_link_only_inside_the_mount(app: Flask, live_items: WorkItemService) -> None:
    improvement(live_items, "Linked")
    client = _mounted(app)
    for path in ("/status", "/docs", "/docs?q=severity", "/glossary", "/work-items", "/does-not-exist"):
        html = client.get(PREFIX + path).get_data(as_text=True)
        outside = [url for url in _links(html) if not url.startswith(PREFIX + "/")]
        assert _links(html) and not outside, (path, outside)


def test_embed_links_carry_the_mount_prefix(app: Flask, live_items: WorkItemService) -> None:
    item = improvement(live_items, "Embedded")
    html = _mounted(app).get(f"{PREFIX}/embed/work-items/{item.id}").get_data(as_text=True)
    assert f'href="http://localhost{PREFIX}/work-items/{item.id}"' in html
    assert f'href="http://localhost{PREFIX}/static/css/embed.css?v={hashes(app).digest("css/embed.css")}"' in html
