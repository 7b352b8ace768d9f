"""Create form (type fields, inline 422 errors, preview, redirect) and sanitization of user markdown."""

from __future__ import annotations

import re

from app.core.context import services
from tests.web.helpers import ALICE, HTMX, post

HOSTILE = ("<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
           "[click me](javascript:alert(3)) and <a href=\"javascript:alert(4)\">raw</a>\n\n"
           "![pic](javascript:alert(5)) <iframe src=//evil></iframe>")


def test_new_form_swaps_type_specific_fields(client):
    incident = client.get("/work-items/new").get_data(as_text=True)
    assert 'id="type-fields"' in incident and 'name="severity"' in incident and 'name="problem"' not in incident
    request_page = client.get("/work-items/new?item_type=platform_request&title=Keep+me").get_data(as_text=True)
    assert 'name="justification"' in request_page and 'name="needed_by"' in request_page
    assert 'name="severity"' not in request_page and 'value="Keep me"' in request_page
    # the select asks for the full page and htmx picks #type-fields out of it
    assert 'hx-select="#type-fields"' in incident


def test_create_success_redirects_to_the_new_item(app, client):
    data = {"item_type": "improvement", "title": "Cost dashboard per team", "problem": "Nobody knows",
            "description": "Per **team** costs", "priority": "p2"}
    plain = post(client, "/work-items/new", data)
    assert plain.status_code == 303
    item = services(app).work_items.list(ALICE, {}).items[0]
    assert plain.headers["Location"].endswith(f"/work-items/{item.id}")
    assert item.title == "Cost dashboard per team" and item.problem == "Nobody knows" and item.priority == "p2"
    htmx = post(client, "/work-items/new", {**data, "title": "Second one"}, htmx=True)
    assert htmx.status_code == 201 and htmx.headers["HX-Redirect"].startswith("/work-items/")


def test_invalid_create_is_422_with_inline_errors_and_input_kept(client):
    data = {"item_type": "incident", "title": "ab", "description": "Typed *with care*", "impact": "Everyone"}
    response = post(client, "/work-items/new", data, htmx=True)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<form id="item-form"') and "<html" not in html
    title_input = r'id="title"[^>]*value="ab"[^>]*aria-describedby="title-hint title-error" aria-invalid="true"'
    assert re.search(title_input, html)
    assert '<p class="field-error" id="title-error">Must be at least 3 characters.</p>' in html
    assert 'id="severity-error"' in html and 'id="platform-error"' in html
    assert ">Typed *with care*</textarea>" in html and ">Everyone</textarea>" in html
    assert "Please fix 3 fields" in html
    page = post(client, "/work-items/new", data)
    assert page.status_code == 422 and page.get_data(as_text=True).startswith("<!doctype html>")


def test_preview_is_server_rendered_and_sanitized(client):
    response = post(client, "/preview", {"preview_of": "description", "description": "# Hi\n\n" + HOSTILE},
                    htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<h1>Hi</h1>" in html
    assert_inert(html)
    nojs = post(client, "/work-items/new", {"item_type": "incident", "preview_of": "description",
                                            "description": "**bold** text", "title": "kept"})
    body = nojs.get_data(as_text=True)
    assert nojs.status_code == 200 and "<strong>bold</strong> text" in body and 'value="kept"' in body


def assert_inert(html: str) -> None:
    """No live script tag, event handler attribute, javascript: URL or frame; the text shows as text."""
    assert not re.search(r"<script", html, re.I)
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", html, re.I)
    assert not re.search(r"<[a-z][^<>]*(href|src)\s*=\s*[\"']?\s*javascript:", html, re.I)
    assert not re.search(r"<iframe", html, re.I)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_hostile_description_and_comment_render_inert(app, client, make_item):
    item = make_item(description=HOSTILE, title="<b>not bold</b> title")
    services(app).work_items.comment(ALICE, item.id, HOSTILE)
    html = client.get(f"/work-items/{item.id}").get_data(as_text=True)
    main = html.split('<main id="main">')[1].split("</main>")[0]
    assert_inert(main)
    assert "&lt;b&gt;not bold&lt;/b&gt; title" in main
    assert "click me" in main
    listing = client.get("/work-items", headers=HTMX).get_data(as_text=True)
    assert "&lt;b&gt;not bold&lt;/b&gt;" in listing and "<b>not bold</b>" not in listing
