"""The /admin/webhooks pages: an admin adds a webhook through the form and sees its secret once, errors show
beside the fields, deleting removes it, and other roles are refused."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures import CSRF_TOKEN, sign_in
from tests.webhooks.receiver import Receiver

SETTINGS = {"WEBHOOK_ALLOWED_HOSTS": "127.0.0.1", "WEBHOOK_DISPATCH": "0"}


def _admin(make_app: Callable[..., Flask]) -> FlaskClient:
    return sign_in(make_app(**SETTINGS).test_client(), "admin@example.com")


def test_an_admin_adds_a_webhook_sees_the_secret_once_and_deletes_it(make_app: Callable[..., Flask]) -> None:
    admin = _admin(make_app)
    page = admin.get("/admin/webhooks")
    assert page.status_code == 200 and "No webhooks yet." in page.get_data(as_text=True)
    with Receiver() as receiver:
        made = admin.post("/admin/webhooks", data={"csrf_token": CSRF_TOKEN, "url": receiver.url,
                                                   "events": ["created", "commented"], "format": "slack"})
        html = made.get_data(as_text=True)
        assert made.status_code == 201 and 'id="webhook-secret"' in html and "whsec_" in html
        secret = html.split("whsec_", 1)[1].split("<", 1)[0]
        listed = admin.get("/admin/webhooks").get_data(as_text=True)
        assert receiver.url in listed and "created, commented" in listed and secret not in listed
        hook_id = admin.get("/api/v1/webhooks").get_json()["items"][0]["id"]
        deliveries = admin.get(f"/admin/webhooks/{hook_id}")
        assert deliveries.status_code == 200 and "Nothing delivered yet." in deliveries.get_data(as_text=True)
        gone = admin.post(f"/admin/webhooks/{hook_id}/delete", data={"csrf_token": CSRF_TOKEN})
        assert gone.status_code == 303
        assert "No webhooks yet." in admin.get("/admin/webhooks").get_data(as_text=True)


def test_bad_input_is_shown_beside_the_fields_and_typed_values_kept(make_app: Callable[..., Flask]) -> None:
    admin = _admin(make_app)
    answer = admin.post("/admin/webhooks", data={"csrf_token": CSRF_TOKEN, "url": "http://10.0.0.8/hook"},
                        headers={"HX-Request": "true"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and html.lstrip().startswith('<section id="webhooks"')
    assert 'id="webhook-url-error"' in html and "private address 10.0.0.8" in html
    assert 'id="webhook-events-error"' in html and 'value="http://10.0.0.8/hook"' in html


def test_other_roles_and_forged_forms_are_refused(make_app: Callable[..., Flask]) -> None:
    app = make_app(**SETTINGS)
    triager = sign_in(app.test_client(), "triager@example.com")
    assert triager.get("/admin/webhooks").status_code == 403
    assert triager.post("/admin/webhooks", data={"csrf_token": CSRF_TOKEN, "url": "https://example.com",
                                                 "events": ["*"]}).status_code == 403
    admin = sign_in(app.test_client(), "admin@example.com")
    assert admin.post("/admin/webhooks", data={"url": "https://example.com", "events": ["*"]}).status_code == 400
    assert admin.post("/admin/webhooks/nope/delete", data={"csrf_token": CSRF_TOKEN}).status_code == 404
