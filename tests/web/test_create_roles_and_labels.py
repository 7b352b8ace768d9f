"""Issue #12 item 13 on the create page: viewers are told which role creates instead of a dead form, and field
messages name the choices by the labels people see (not raw ids such as `platform_request`)."""

from __future__ import annotations

import pytest
from flask import Flask

from app.core.context import services
from app.services.errors import ValidationError
from tests.web.helpers import BOB, post, sign_in

REQUEST = {"item_type": "platform_request", "title": "Kafka topic for payments", "platform": "kafka"}


def test_viewer_is_told_which_role_creates_instead_of_a_dead_form(app: Flask):
    viewer = sign_in(app.test_client(), "auditor@example.com")
    html = viewer.get("/work-items/new").get_data(as_text=True)
    assert 'id="item-form"' not in html and "Create work item</button>" not in html
    assert "needs the reporter role" in html and "viewer role" in html
    reporter = sign_in(app.test_client(), "bob@example.com").get("/work-items/new").get_data(as_text=True)
    assert 'id="item-form"' in reporter and "needs the reporter role" not in reporter


def test_choice_errors_name_the_labels_people_see(app: Flask, client):
    response = post(client, "/work-items/new", {"title": "No type chosen"}, htmx=True)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "platform_request" not in html.split('id="item_type-error"')[1].split("</p>")[0]
    assert "Choose one of: Incident, Improvement, Platform request." in html
    with pytest.raises(ValidationError) as refused:  # the form drops other types' fields; the API sends them
        services(app).work_items.create(BOB, {**REQUEST, "severity": "sev1"})
    assert refused.value.fields["severity"] == "Does not apply to platform request items."
