"""Helpers for the API tests: users by role, a JSON client, the error envelope."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.fixtures import RBAC  # the shared RBAC file: these viewer, triager and admin are in it

__all__ = ["ADMIN", "OTHER", "RBAC", "REPORTER", "TRIAGER", "VIEWER", "Api", "error_of"]

VIEWER, REPORTER, OTHER, TRIAGER, ADMIN = (
    "viewer@example.com", "reporter@example.com", "other@example.com", "triager@example.com", "admin@example.com")


class Api:
    """A test client speaking JSON as a given user (proxy mode header) or with a bearer token."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def call(self, method: str, path: str, user: str | None = None, json: Any = None,
             token: str | None = None, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        if user:
            headers["X-Forwarded-Email"] = user
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if json is not None:
            kwargs["json"] = json
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    def create(self, user: str = REPORTER, **fields: Any) -> dict[str, Any]:
        body = {"item_type": "incident", "title": "Jobs failing on cluster A", "platform": "jobs",
                "severity": "sev2", **fields}
        response = self.call("POST", "/work-items", user, json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()



def error_of(response: Any) -> dict[str, Any]:
    """The error object of an API error response, checking the envelope shape on the way."""
    assert response.is_json, response.data[:200]
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    return body["error"]
