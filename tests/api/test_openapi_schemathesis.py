"""The OpenAPI document is true: schemathesis generates requests from it (valid and invalid ones,
against a real item and unknown ids) and checks every answer against the document."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from api_helpers import RBAC, TRIAGER
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app import create_app
from app.api.openapi import PATHS
from app.core.context import services
from app.models.workflows import WORKFLOWS
from app.models.workflows import states as workflow_states

OPERATIONS = [(path, method.upper()) for path, ops in PATHS.items() for method in ops if method != "parameters"]
# Operations with something a client can get wrong besides the id (a body or query parameters).
WITH_INPUT = {(p, m.upper()) for p, ops in PATHS.items() for m, op in ops.items()
              if m != "parameters" and ("requestBody" in op or "parameters" in op)}
# Valid-looking edits and transitions may still be refused for the item's state or type (400/422):
# the schema cannot know the item, so "valid data must be accepted" does not apply to them.
STATEFUL = {("/work-items/{item_id}", "PATCH"), ("/work-items/{item_id}/transition", "POST")}
HEADERS = {"X-Forwarded-Email": TRIAGER}


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    folder: Path = tmp_path_factory.mktemp("schemathesis")
    (folder / "rbac.toml").write_text(RBAC)
    app = create_app({"DATA_DIR": str(folder / "data"), "AUTH_MODE": "proxy", "RBAC_FILE": str(folder / "rbac.toml"),
                      "SECRET_KEY": "test", "RATELIMIT_ENABLED": "0"})
    yield app
    services(app).store.close()


@pytest.fixture(scope="module")
def item_id(api_app: Flask) -> str:
    response = api_app.test_client().post("/api/v1/work-items", headers=HEADERS, json={
        "item_type": "improvement", "title": "Seed for fuzzing"})
    return response.get_json()["id"]


def test_document_is_served_and_lists_every_route(api_app: Flask) -> None:
    served = api_app.test_client().get("/api/v1/openapi.json").get_json()
    assert served["openapi"].startswith("3.1")
    api_rules = {(re.sub(r"<(\w+)>", r"{\1}", r.rule.removeprefix("/api/v1")), m)
                 for r in api_app.url_map.iter_rules() if r.rule.startswith("/api/v1/")
                 for m in r.methods - {"HEAD", "OPTIONS"} if not r.rule.endswith("openapi.json")}
    assert api_rules == set(OPERATIONS)


POSITIVE, NEGATIVE = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE
# Negative runs only where there is input to get wrong: when only the path id varies, any string is a
# valid id (unknown ones get 404, which the positive runs check).
CASES = [(p, m, POSITIVE) for p, m in OPERATIONS] + [(p, m, NEGATIVE) for p, m in OPERATIONS if (p, m) in WITH_INPUT]


def _future_needed_by(case: Any) -> None:
    """The document can say, not express, that a new request's `needed_by` is today or later (JSON Schema has no
    relative dates): a generated past date is moved a year ahead so the positive run still checks the rest."""
    body = case.body if isinstance(case.body, dict) else {}
    value = body.get("needed_by")
    if isinstance(value, str) and len(value) == 10 and value < dt.datetime.now(dt.UTC).date().isoformat():
        body["needed_by"] = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=365)).isoformat()


def _state_of_the_type(case: Any) -> None:
    """The document says, not expresses, that a `state` filter must be a state of the chosen `type` (an
    improvement is never "closed": a 422, not an empty list): such a generated state is dropped so the
    positive run still checks the rest."""
    query = case.query if isinstance(case.query, dict) else {}
    item_type, state = query.get("type"), query.get("state")
    if isinstance(item_type, str) and item_type.strip() in WORKFLOWS and isinstance(state, str):
        chosen = [s.strip() for s in state.split(",") if s.strip()]
        if any(s not in workflow_states(item_type.strip()) for s in chosen):
            del query["state"]


@pytest.mark.parametrize("path, method, mode", CASES)
def test_api_conforms_to_its_openapi_document(api_app: Flask, item_id: str, path: str, method: str,
                                              mode: schemathesis.GenerationMode) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    operation = schema[path][method]
    fixed = {"path_parameters": {"item_id": item_id}} if "{item_id}" in path and mode.is_positive else {}

    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case: Any) -> None:
        excluded = [positive_data_acceptance] if (path, method) in STATEFUL else []
        if mode.is_positive and (path, method) == ("/work-items", "POST"):
            _future_needed_by(case)
        if mode.is_positive and (path, method) == ("/work-items", "GET"):
            _state_of_the_type(case)
        case.call_and_validate(headers=HEADERS, excluded_checks=excluded)

    check()
