"""Text the stores cannot write (or should never hold) is a 422 naming the field, on every write route.

Issue #11, finding 9: a lone UTF-16 surrogate in JSON (`"\\ud800"`) was accepted with 201 and then broke
the projector, every restart, `delta-maintain` and `export`. The rule lives in one place (the service's
field validation), so these tests walk every text field of every write route, API and HTML, and check
that nothing was written. HTML forms cannot carry a surrogate (Werkzeug leaves undecodable percent
escapes as they are, and multipart parts decode with U+FFFD), but they can carry NUL and controls.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from api_helpers import REPORTER, TRIAGER, Api, error_of
from flask import Flask
from flask.testing import FlaskClient

from app.core.context import services
from app.models import Actor, Role

TOKEN = "csrf-test-token"
SURROGATE = "abc \\ud800 def"  # JSON text: a lone high surrogate once json.loads has run
LOW_SURROGATE = "abc \\udfff def"
BAD_JSON_TEXTS = {"high_surrogate": SURROGATE, "low_surrogate": LOW_SURROGATE, "nul": "abc \\u0000 def",
                  "escape": "abc \\u001b[31m def", "bell": "abc \\u0007 def"}
BAD_FORM_TEXTS = {"nul": "abc \x00 def", "escape": "abc \x1b[31m def", "backspace": "abc \x08 def"}
TYPE_OF_FIELD = {"title": "incident", "description": "incident", "impact": "incident",
                 "problem": "improvement", "proposed_benefit": "improvement", "justification": "platform_request",
                 "assignee": "incident", "platform": "incident", "priority": "incident", "severity": "incident",
                 "needed_by": "platform_request", "item_type": "incident"}
BASE = {"incident": {"item_type": "incident", "title": "Jobs failing", "platform": "jobs", "severity": "sev2"},
        "improvement": {"item_type": "improvement", "title": "Faster clusters"},
        "platform_request": {"item_type": "platform_request", "title": "Catalog for X", "platform": "jobs"}}
EDITABLE = [f for f in TYPE_OF_FIELD if f != "item_type"]


def _raw_json(body: dict[str, Any], field: str, bad: str) -> str:
    """A JSON document whose `field` holds `bad` verbatim (json.dumps would not let a surrogate through)."""
    placeholder = "@@BAD@@"
    return json.dumps({**body, field: placeholder}).replace(f'"{placeholder}"', f'"{bad}"')


def _post_raw(api: Api, method: str, path: str, user: str, text: str) -> Any:
    return api.call(method, path, user, data=text, headers={"Content-Type": "application/json"})


def _seed(app: Flask, item_type: str = "incident") -> tuple[str, int]:
    fields = dict(BASE[item_type])
    item = services(app).work_items.create(Actor(REPORTER, Role.REPORTER), fields)
    return item.id, item.version


def _assert_names(response: Any, field: str) -> None:
    assert response.status_code == 422, response.data[:300]
    error = error_of(response)
    assert field in error["details"], error


def _nothing_written(app: Flask, before: str) -> None:
    assert services(app).store.data_version() == before


@pytest.mark.parametrize("bad", list(BAD_JSON_TEXTS))
@pytest.mark.parametrize("field", list(TYPE_OF_FIELD))
def test_api_create_refuses_unstorable_text(app: Flask, api: Api, field: str, bad: str) -> None:
    before = services(app).store.data_version()
    body = BASE[TYPE_OF_FIELD[field]]
    response = _post_raw(api, "POST", "/work-items", REPORTER, _raw_json(body, field, BAD_JSON_TEXTS[bad]))
    _assert_names(response, field)
    _nothing_written(app, before)


@pytest.mark.parametrize("bad", ["high_surrogate", "nul"])
@pytest.mark.parametrize("field", EDITABLE)
def test_api_patch_refuses_unstorable_text(app: Flask, api: Api, field: str, bad: str) -> None:
    item_id, version = _seed(app, TYPE_OF_FIELD[field])
    before = services(app).store.data_version()
    text = _raw_json({"expected_version": version}, field, BAD_JSON_TEXTS[bad])
    _assert_names(_post_raw(api, "PATCH", f"/work-items/{item_id}", TRIAGER, text), field)
    _nothing_written(app, before)


@pytest.mark.parametrize("bad", ["high_surrogate", "low_surrogate", "nul"])
def test_api_transition_note_refuses_unstorable_text(app: Flask, api: Api, bad: str) -> None:
    item_id, version = _seed(app)
    before = services(app).store.data_version()
    text = _raw_json({"to_state": "triaged", "expected_version": version}, "note", BAD_JSON_TEXTS[bad])
    _assert_names(_post_raw(api, "POST", f"/work-items/{item_id}/transition", TRIAGER, text), "note")
    _nothing_written(app, before)


@pytest.mark.parametrize("bad", list(BAD_JSON_TEXTS))
def test_api_comment_refuses_unstorable_text(app: Flask, api: Api, bad: str) -> None:
    item_id, _ = _seed(app)
    before = services(app).store.data_version()
    text = _raw_json({}, "body", BAD_JSON_TEXTS[bad])
    _assert_names(_post_raw(api, "POST", f"/work-items/{item_id}/comments", REPORTER, text), "body")
    _nothing_written(app, before)


def test_api_surrogate_in_a_to_state_or_unknown_key_is_not_a_500(app: Flask, api: Api) -> None:
    item_id, version = _seed(app)
    text = _raw_json({"expected_version": version}, "to_state", SURROGATE)
    assert _post_raw(api, "POST", f"/work-items/{item_id}/transition", TRIAGER, text).status_code == 400
    response = _post_raw(api, "POST", "/work-items", REPORTER, '{"ti\\ud800tle": "x"}')
    assert response.status_code == 422, response.data[:300]


@pytest.mark.parametrize("text", ["tabs\tand\nnew lines\r\nstay", "emoji 😀 and U+10FFFF \U0010ffff",
                                  "non-characters \ufffe\uffff\ufdd0 round-trip", "bidi \u202e and \u2028"])
def test_api_keeps_text_the_stores_can_round_trip(app: Flask, api: Api, text: str) -> None:
    created = api.create(description=text)
    assert created["description"] == text
    item_id = created["id"]
    assert api.call("POST", f"/work-items/{item_id}/comments", REPORTER, json={"body": text}).status_code == 201


# ---- HTML forms ----------------------------------------------------------------------------------------

def _client(app: Flask, user: str) -> FlaskClient:
    client = app.test_client()
    with client.session_transaction() as session:
        session["csrf_token"] = TOKEN
        session["user"] = user
    return client


@pytest.fixture
def html_app(make_app: Any) -> Flask:
    return make_app(AUTH_MODE="dev")


HTML_TEXT_FIELDS = ["title", "description", "impact", "problem", "proposed_benefit", "justification", "assignee"]


@pytest.mark.parametrize("bad", list(BAD_FORM_TEXTS))
@pytest.mark.parametrize("field", HTML_TEXT_FIELDS)
@pytest.mark.parametrize("route", ["create", "edit"])
def test_html_forms_refuse_control_characters(html_app: Flask, route: str, field: str, bad: str) -> None:
    item_id, version = _seed(html_app, TYPE_OF_FIELD[field])
    before = services(html_app).store.data_version()
    if route == "create":
        url, data, user = "/work-items/new", {**BASE[TYPE_OF_FIELD[field]], field: BAD_FORM_TEXTS[bad]}, REPORTER
    else:
        url, data, user = f"/work-items/{item_id}/edit", {"expected_version": str(version),
                                                          field: BAD_FORM_TEXTS[bad]}, TRIAGER
    response = _client(html_app, user).post(url, data={"csrf_token": TOKEN, **data})
    assert response.status_code == 422, response.data[:300]
    assert "character" in response.get_data(as_text=True)
    _nothing_written(html_app, before)


@pytest.mark.parametrize("route", ["comments", "transition"])
def test_html_comment_and_note_refuse_nul(html_app: Flask, route: str) -> None:
    item_id, version = _seed(html_app)
    before = services(html_app).store.data_version()
    data = {"body": "a\x00b"} if route == "comments" else {"to_state": "triaged", "expected_version": str(version),
                                                            "note": "a\x00b"}
    response = _client(html_app, TRIAGER).post(f"/work-items/{item_id}/{route}", data={"csrf_token": TOKEN, **data})
    assert response.status_code == 422, response.data[:300]
    _nothing_written(html_app, before)


def test_html_form_percent_encoded_surrogate_arrives_as_plain_text(html_app: Flask) -> None:
    """`%ED%A0%80` is not UTF-8: Werkzeug keeps the escape as literal text, which is storable."""
    body = f"csrf_token={TOKEN}&body=abc%ED%A0%80def"
    item_id, _ = _seed(html_app)
    response = _client(html_app, REPORTER).post(f"/work-items/{item_id}/comments", data=body,
                                                content_type="application/x-www-form-urlencoded")
    assert response.status_code == 303
    comments = services(html_app).work_items.detail(item_id, None).comments
    assert comments[-1].body.encode("utf-8")  # storable: no surrogate got through
    assert html_app.test_client().get(f"/work-items/{item_id}").status_code == 200
