"""Error shapes: 400 malformed, 401, 404, 405, 413, 415, 422 per field — JSON, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import REPORTER, TRIAGER, Api, error_of
from flask import Flask


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", "42", '"text"', "null", "", "[" * 5000])
def test_malformed_bodies_are_400(api: Api, body: str) -> None:
    response = api.call("POST", "/work-items", REPORTER, data=body, content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "malformed_request"


def test_non_json_writes_are_415(api: Api) -> None:
    item = api.create()
    for method, path in (("POST", "/work-items"), ("PATCH", f"/work-items/{item['id']}"),
                         ("POST", f"/work-items/{item['id']}/comments")):
        response = api.call(method, path, REPORTER, data="body=hi", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 415, (method, path)
        assert error_of(response)["code"] == "unsupported_media_type"
    plain = api.call("POST", "/work-items", REPORTER, data='{"title": "x"}', content_type="text/plain")
    assert plain.status_code == 415


def test_validation_errors_are_422_per_field(api: Api) -> None:
    response = api.call("POST", "/work-items", REPORTER, json={
        "item_type": "incident", "title": "x", "priority": "urgent", "assignee": "not-an-email",
        "problem": "only for improvements"})
    assert response.status_code == 422
    err = error_of(response)
    assert err["code"] == "validation_error"
    assert set(err["details"]) == {"title", "priority", "assignee", "platform", "severity", "problem"}
    assert all(isinstance(message, str) and message for message in err["details"].values())


def test_unknown_fields_are_named(api: Api) -> None:
    response = api.call("POST", "/work-items", REPORTER, json={"item_type": "incident", "state": "closed",
                                                               "colour": "red"})
    assert response.status_code == 422
    assert set(error_of(response)["details"]) == {"colour", "state"}


@pytest.mark.parametrize("version", [None, "abc", "1", True, 1.5, [1], {"v": 1}, 1e308, "9" * 5000])
def test_bad_expected_version_is_422(api: Api, version: Any) -> None:
    item = api.create()
    response = api.call("PATCH", f"/work-items/{item['id']}", TRIAGER,
                        json={"expected_version": version, "priority": "p1"})
    assert response.status_code == 422
    assert "expected_version" in error_of(response)["details"]


@pytest.mark.parametrize("field, value", [("title", 12), ("title", ["a"]), ("priority", {"p": 1}),
                                          ("needed_by", 20240101), ("assignee", False), ("description", None)])
def test_wrong_types_are_422_not_500(api: Api, field: str, value: Any) -> None:
    body = {"item_type": "platform_request", "title": "Need a schema", "platform": "unity-catalog", field: value}
    response = api.call("POST", "/work-items", REPORTER, json=body)
    if field == "description":
        assert response.status_code == 201  # null description means empty
        return
    assert response.status_code == 422 and field in error_of(response)["details"]


def test_writes_without_identity_are_401_and_reads_follow_the_setting(api: Api, make_app: Any) -> None:
    response = api.call("POST", "/work-items", json={"item_type": "incident", "title": "Anonymous"})
    assert response.status_code == 401 and error_of(response)["code"] == "unauthenticated"
    assert api.call("GET", "/work-items").status_code == 200
    closed = Api(make_app(ALLOW_ANONYMOUS_READ="0").test_client())
    assert closed.call("GET", "/work-items").status_code == 401
    assert closed.call("GET", "/work-items", REPORTER).status_code == 200


def test_routing_errors_are_json(api: Api) -> None:
    missing = api.call("GET", "/no-such-thing")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"
    wrong_method = api.call("PUT", "/work-items", REPORTER, json={})
    assert wrong_method.status_code == 405 and error_of(wrong_method)["code"] == "method_not_allowed"
    assert "POST" in wrong_method.headers["Allow"]


def test_oversized_body_is_413_json(make_app: Any) -> None:
    api = Api(make_app(MAX_CONTENT_LENGTH="2048").test_client())
    response = api.call("POST", "/work-items", REPORTER,
                        json={"item_type": "incident", "title": "Big", "description": "x" * 5000})
    assert response.status_code == 413 and error_of(response)["code"] == "payload_too_large"


def test_html_handlers_do_not_leak_into_the_api(app: Flask) -> None:
    """An app-level HTML 404/429 handler (the UI's) must not turn API errors into HTML."""
    app.register_error_handler(404, lambda e: ("<h1>Not here</h1>", 404))
    app.register_error_handler(429, lambda e: ("<h1>Slow down</h1>", 429))
    api = Api(app.test_client())
    assert error_of(api.call("GET", "/work-items/unknown"))["code"] == "not_found"
    assert error_of(api.call("GET", "/nothing-here"))["code"] == "not_found"
    assert app.test_client().get("/nothing-here").data == b"<h1>Not here</h1>"


def test_one_code_per_status_agrees_with_the_domain_errors_and_the_openapi_document() -> None:
    from app.api.errors import HTTP_CODES
    from app.api.openapi import ERRORS
    from app.services.errors import ValidationError, VersionConflict

    assert HTTP_CODES[409] == VersionConflict.code == "version_conflict"
    assert HTTP_CODES[422] == ValidationError.code
    assert "version_conflict" in ERRORS["409"]
