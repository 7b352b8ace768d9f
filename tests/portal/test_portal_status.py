"""Status: platform condition from the worst active incident; resolved incidents drop out and are listed 14 days."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.core.context import services
from app.services.portal import PortalService, condition_for
from app.services.work_items import WorkItemService
from tests.portal.support import PLATFORMS, REPORTER, TRIAGER, Clock, incident, move


def conditions(portal: PortalService) -> dict[str, str]:
    return {row.platform: row.condition for row in portal.status(None).platforms}


def test_no_incidents_every_platform_operational(portal: PortalService) -> None:
    board = portal.status(None)
    assert [row.platform for row in board.platforms] == PLATFORMS
    assert {row.condition for row in board.platforms} == {"operational"}
    assert board.overall == "operational" and board.resolved == []


@pytest.mark.parametrize(("severity", "expected"), [
    ("sev1", "major_outage"), ("sev2", "partial_outage"), ("sev3", "degraded"), ("sev4", "degraded"),
])
def test_each_severity_sets_condition_of_its_platform_only(portal: PortalService, items: WorkItemService,
                                                           severity: str, expected: str) -> None:
    incident(items, severity, platform="kafka")
    assert conditions(portal) == {"sql-warehouse": "operational", "kafka": expected, "airflow": "operational"}
    assert portal.status(None).overall == expected


def test_worst_open_severity_wins(portal: PortalService, items: WorkItemService) -> None:
    incident(items, "sev4", platform="airflow")
    incident(items, "sev2", platform="airflow")
    incident(items, "sev3", platform="airflow")
    row = next(r for r in portal.status(None).platforms if r.platform == "airflow")
    assert row.condition == "partial_outage" and row.label == "Partial outage"
    assert [e.item.severity for e in row.incidents] == ["sev2", "sev3", "sev4"]  # worst first


def test_condition_mapping_function() -> None:
    assert condition_for([]) == "operational"
    assert condition_for(["sev4", "sev1", "sev3"]) == "major_outage"
    assert condition_for([None]) == "degraded"


@pytest.mark.parametrize("path", [("triaged",), ("triaged", "investigating"),
                                  ("triaged", "investigating", "mitigated")])
def test_every_open_state_counts(portal: PortalService, items: WorkItemService, path: tuple[str, ...]) -> None:
    move(items, incident(items, "sev1"), *path)
    assert conditions(portal)["kafka"] == "major_outage"


def test_resolved_incident_leaves_condition_and_is_listed_for_14_days(
        portal: PortalService, items: WorkItemService, clock: Clock) -> None:
    item = move(items, incident(items, "sev1", title="Queue stuck"), "triaged", "investigating", "resolved")
    board = portal.status(None)
    assert conditions(portal)["kafka"] == "operational"
    assert [e.item.id for e in board.resolved] == [item.id]
    assert board.resolved[0].latest.payload["to"] == "resolved"
    move(items, item, "closed")
    clock.advance(days=13)
    assert [e.item.id for e in portal.status(None).resolved] == [item.id]  # closed since, still recent
    clock.advance(days=2)
    assert portal.status(None).resolved == []


def test_reopened_incident_counts_again(portal: PortalService, items: WorkItemService) -> None:
    item = move(items, incident(items, "sev2"), "triaged", "investigating", "resolved")
    move(items, item, "investigating", actor=REPORTER)  # the author may reopen
    board = portal.status(None)
    assert conditions(portal)["kafka"] == "partial_outage" and board.resolved == []


def test_closed_without_resolution_is_not_listed_as_resolved(portal: PortalService, items: WorkItemService) -> None:
    move(items, incident(items, "sev3"), "closed")
    board = portal.status(None)
    assert board.resolved == [] and conditions(portal)["kafka"] == "operational"


def test_latest_timeline_entry_ignores_votes(portal: PortalService, items: WorkItemService) -> None:
    item = incident(items, "sev3")
    items.comment(TRIAGER, item.id, "Looking into the broker logs")
    items.vote(REPORTER, item.id)
    entry = next(r for r in portal.status(None).platforms if r.platform == "kafka").incidents[0]
    assert entry.latest.event_type == "commented" and entry.latest.payload["body"] == "Looking into the broker logs"


def test_status_page_changes_as_soon_as_incident_is_transitioned(client: FlaskClient,
                                                                 live_items: WorkItemService) -> None:
    items = live_items
    item = incident(items, "sev1", platform="sql-warehouse", title="Warehouse down")
    items.comment(TRIAGER, item.id, "Scaling out the cluster")
    page = client.get("/status").get_data(as_text=True)
    assert 'id="platform-sql-warehouse" data-condition="major_outage"' in page
    assert "Warehouse down" in page and "Comment: Scaling out the cluster" in page
    assert 'aria-current="page">Status' in page
    move(items, item, "triaged", "investigating", "resolved")
    page = client.get("/status").get_data(as_text=True)
    assert 'id="platform-sql-warehouse" data-condition="operational"' in page
    assert f'id="resolved-{item.id}"' in page


def test_status_partial_for_htmx_polling(client: FlaskClient) -> None:
    response = client.get("/status", headers={"HX-Request": "true", "HX-Request-Type": "partial"})
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="status-board"') and "<html" not in body
    assert "HX-Request" in response.headers["Vary"]


def test_anonymous_status_needs_sign_in_when_reading_is_restricted(make_app) -> None:  # noqa: ANN001
    client = make_app(ALLOW_ANONYMOUS_READ="0").test_client()
    response = client.get("/status")
    assert response.status_code == 401 and "Sign in" in response.get_data(as_text=True)


def test_incidents_of_unconfigured_platforms_get_an_other_row(app, clock: Clock) -> None:  # noqa: ANN001
    store = services(app).store
    legacy = WorkItemService(store, [*PLATFORMS, "hadoop"], clock=clock)
    incident(legacy, "sev2", platform="hadoop", title="Old cluster down")
    board = PortalService(WorkItemService(store, PLATFORMS, clock=clock), clock=clock).status(None)
    assert [row.platform for row in board.platforms] == [*PLATFORMS, "other"]
    assert board.platforms[-1].condition == "partial_outage"


def test_data_version_moves_with_every_change(portal: PortalService, items: WorkItemService) -> None:
    before = portal.data_version()
    item = incident(items, "sev3")
    after_create = portal.data_version()
    items.vote(REPORTER, item.id)
    assert len({before, after_create, portal.data_version()}) == 3
    assert portal.data_version(REPORTER) != portal.data_version()  # a signed-in viewer gets its own variant
