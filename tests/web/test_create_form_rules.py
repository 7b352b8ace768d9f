"""Create form (issue #12 item 9): the platform marker follows the type, "needed by" is not in the past, and
the no-JS type switch posts, so nothing typed lands in a URL."""

from __future__ import annotations

import re

import pytest

from app.core.context import services
from tests.web.helpers import ALICE, HTMX, post

REQUEST = {"item_type": "platform_request", "title": "Kafka topic for payments", "platform": "kafka"}


def _platform_label(html: str) -> str:
    """The label of the platform select (with its required marker, if any)."""
    found = re.search(r'<label for="platform">.*?</label>', html, re.S)
    assert found, "no platform label"
    return found.group(0)


@pytest.mark.parametrize(("item_type", "required"), [("incident", True), ("improvement", False),
                                                      ("platform_request", True)])
def test_platform_marker_and_required_follow_the_type(client, item_type, required):
    html = client.get(f"/work-items/new?item_type={item_type}&platform=kafka").get_data(as_text=True)
    assert ('class="required"' in _platform_label(html)) is required
    select = re.search(r'<select id="platform"[^>]*>', html).group(0)
    assert (" required" in select) is required
    assert '<option value="kafka" selected>' in html  # the chosen platform survives the switch


def test_the_type_switch_swaps_the_platform_field_too(client):
    html = client.get("/work-items/new").get_data(as_text=True)
    select = re.search(r'<select id="item_type"[^>]*>', html, re.S).group(0)
    assert 'hx-select-oob="#platform-field"' in select and 'hx-include="#platform"' in select
    assert '<div id="platform-field">' in html


def test_past_needed_by_is_a_field_error(app, client, frozen_clock):
    response = post(client, "/work-items/new", {**REQUEST, "needed_by": "2020-01-01"}, htmx=True)
    assert response.status_code == 422
    assert re.search(r'id="needed_by-error">Must be today \(2026-11-01\) or later\.<', response.get_data(as_text=True))
    assert services(app).work_items.list(ALICE, {}).items == []
    today = post(client, "/work-items/new", {**REQUEST, "needed_by": "2026-11-01"})
    assert today.status_code == 303


def test_an_edit_keeps_a_needed_by_that_has_passed(app, frozen_clock):
    service = services(app).work_items
    item = service.create(ALICE, {**REQUEST, "needed_by": "2026-11-02"})
    frozen_clock.advance(7 * 86400)
    changed = service.update(ALICE, item.id, 1, {"title": "Kafka topic for refunds", "needed_by": "2026-11-02"})
    assert changed.title == "Kafka topic for refunds"


def test_nojs_type_switch_posts_and_keeps_what_was_typed(app, client):
    page = client.get("/work-items/new").get_data(as_text=True)
    button = re.search(r'<button[^>]*>Show the fields for this type</button>', page).group(0)
    assert 'formmethod="get"' not in button and "formaction" not in button  # the form's POST: nothing in the URL
    switched = post(client, "/work-items/new", {"item_type": "platform_request", "title": "Keep me",
                                                "description": "Typed", "show_type_fields": "1"})
    html = switched.get_data(as_text=True)
    assert switched.status_code == 200 and 'name="justification"' in html and 'value="Keep me"' in html
    assert ">Typed</textarea>" in html and "field-error" not in html
    assert services(app).work_items.list(ALICE, {}).items == []


def test_form_fragment_still_serves_htmx(client):
    form = client.get("/work-items/new?item_type=improvement", headers=HTMX).get_data(as_text=True)
    assert form.lstrip().startswith('<form id="item-form"') and 'name="problem"' in form
