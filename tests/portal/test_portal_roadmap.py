"""Roadmap: improvements and platform requests grouped by state, most voted first, with a vote toggle."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from app.core.context import services
from app.services.portal import PortalService
from app.services.work_items import WorkItemService
from tests.portal.support import (
    REPORTER,
    Clock,
    improvement,
    incident,
    move,
    request_item,
    sign_in,
    votes,
)


def titles(portal: PortalService, actor=None) -> dict[str, list[str]]:  # noqa: ANN001
    return {c.key: [card.item.title for card in c.cards] for c in portal.roadmap(actor)}


def test_states_are_grouped_into_columns(portal: PortalService, items: WorkItemService) -> None:
    improvement(items, "proposed imp")
    move(items, improvement(items, "review imp"), "under_review")
    move(items, improvement(items, "planned imp"), "under_review", "planned")
    move(items, improvement(items, "doing imp"), "under_review", "planned", "in_progress")
    move(items, improvement(items, "done imp"), "under_review", "planned", "in_progress", "done")
    move(items, improvement(items, "declined imp"), "declined")
    request_item(items, "submitted req")
    move(items, request_item(items, "triaged req"), "triaged")
    move(items, request_item(items, "approved req"), "triaged", "approved")
    move(items, request_item(items, "doing req"), "triaged", "approved", "in_progress")
    move(items, request_item(items, "fulfilled req"), "triaged", "approved", "in_progress", "fulfilled")
    move(items, request_item(items, "rejected req"), "rejected")
    move(items, request_item(items, "cancelled req"), "cancelled")
    incident(items, "sev2")
    got = {key: sorted(names) for key, names in titles(portal).items()}
    assert got == {
        "under_review": ["proposed imp", "review imp", "submitted req", "triaged req"],
        "planned": ["approved req", "planned imp"],
        "in_progress": ["doing imp", "doing req"],
        "done": ["done imp", "fulfilled req"],
    }
    assert [c.label for c in portal.roadmap(None)] == ["Under review", "Planned", "In progress", "Done recently"]


def test_columns_sorted_by_votes_then_oldest_first(portal: PortalService, items: WorkItemService) -> None:
    a = improvement(items, "A two votes")
    b = request_item(items, "B five votes")
    c = improvement(items, "C two votes, newer")
    d = improvement(items, "D none")
    votes(items, a, 2)
    votes(items, b, 5)
    votes(items, c, 2)
    column = portal.roadmap(None)[0]
    assert [card.item.id for card in column.cards] == [b.id, a.id, c.id, d.id]
    assert [card.votes for card in column.cards] == [5, 2, 2, 0]
    votes(items, d, 6)
    assert portal.roadmap(None)[0].cards[0].item.id == d.id


def test_done_items_leave_after_30_days(portal: PortalService, items: WorkItemService, clock: Clock) -> None:
    move(items, improvement(items, "shipped"), "under_review", "planned", "in_progress", "done")
    clock.advance(days=29)
    assert titles(portal)["done"] == ["shipped"]
    clock.advance(days=2)
    assert titles(portal)["done"] == []


def test_my_votes_are_marked(portal: PortalService, items: WorkItemService) -> None:
    mine, other = improvement(items, "mine"), improvement(items, "other")
    items.vote(REPORTER, mine.id)
    cards = {card.item.id: card.my_vote for card in portal.roadmap(REPORTER)[0].cards}
    assert cards == {mine.id: True, other.id: False}
    assert all(not card.my_vote for card in portal.roadmap(None)[0].cards)


def test_roadmap_page_shows_counts_and_read_only_votes_for_anonymous(client: FlaskClient,
                                                                      live_items: WorkItemService) -> None:
    item = improvement(live_items, "Cost dashboard per team")
    votes(live_items, item, 3)
    page = client.get("/roadmap").get_data(as_text=True)
    assert "Cost dashboard per team" in page and 'aria-current="page">Roadmap' in page
    assert f'id="vote-{item.id}" class="pt-vote pt-vote--readonly"' in page
    assert '<span class="pt-vote-count">3</span>' in page
    assert "Sign in</a> to vote" in page


def test_vote_toggle_with_htmx(client: FlaskClient, live_items: WorkItemService) -> None:
    item = improvement(live_items, "Alert on lag")
    token = sign_in(client)
    page = client.get("/roadmap").get_data(as_text=True)
    assert f'hx-post="/roadmap/{item.id}/vote"' in page and 'aria-pressed="false"' in page
    htmx = {"HX-Request": "true", "HX-Request-Type": "partial", "X-CSRF-Token": token}
    response = client.post(f"/roadmap/{item.id}/vote", data={"voted": "1"}, headers=htmx)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and 'aria-pressed="true"' in body
    assert '<span class="pt-vote-count">1</span>' in body and 'name="voted" value="0"' in body
    assert live_items.get(item.id, REPORTER).my_vote is True
    response = client.post(f"/roadmap/{item.id}/vote", data={"voted": "0"}, headers=htmx)
    assert '<span class="pt-vote-count">0</span>' in response.get_data(as_text=True)
    assert live_items.get(item.id, REPORTER).vote_count == 0


def test_vote_form_without_javascript_redirects_back(client: FlaskClient, live_items: WorkItemService) -> None:
    item = improvement(live_items, "Templates for DAGs")
    token = sign_in(client)
    response = client.post(f"/roadmap/{item.id}/vote", data={"voted": "1", "csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/roadmap#card-{item.id}")
    assert live_items.get(item.id, None).vote_count == 1


def test_vote_needs_csrf_token(client: FlaskClient, live_items: WorkItemService) -> None:
    item = improvement(live_items, "No CSRF")
    sign_in(client)
    response = client.post(f"/roadmap/{item.id}/vote", data={"voted": "1"})
    assert response.status_code == 400
    assert live_items.get(item.id, None).vote_count == 0


def test_vote_needs_sign_in_and_known_item(client: FlaskClient, live_items: WorkItemService) -> None:
    item = improvement(live_items, "Anon")
    with client.session_transaction() as session:
        session["csrf_token"] = "t"
    response = client.post(f"/roadmap/{item.id}/vote", data={"csrf_token": "t"})
    assert response.status_code == 401 and "Sign in" in response.get_data(as_text=True)
    token = sign_in(client)
    assert client.post("/roadmap/nope/vote", data={"csrf_token": token}).status_code == 404


def test_vote_is_rate_limited(make_app) -> None:  # noqa: ANN001
    app: Flask = make_app(RATELIMIT_VOTE="2/minute")
    client = app.test_client()
    item = improvement(services(app).work_items, "Limited")
    token = sign_in(client)
    codes = [client.post(f"/roadmap/{item.id}/vote", data={"csrf_token": token}).status_code for _ in range(3)]
    assert codes == [303, 303, 429]


def test_column_shows_top_cards_and_counts_all(portal: PortalService, items: WorkItemService,
                                               monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr("app.services.portal.COLUMN_LIMIT", 2)
    made = [improvement(items, f"idea {n}") for n in range(3)]
    votes(items, made[2], 1)
    column = portal.roadmap(None)[0]
    assert column.total == 3 and [c.item.title for c in column.cards] == ["idea 2", "idea 0"]


def test_vote_value_must_be_yes_or_no(client: FlaskClient, live_items: WorkItemService) -> None:
    item = improvement(live_items, "Strict")
    token = sign_in(client)
    response = client.post(f"/roadmap/{item.id}/vote", data={"csrf_token": token, "voted": "maybe"})
    assert response.status_code == 422 and "voted=1" in response.get_data(as_text=True)
    assert live_items.get(item.id, None).vote_count == 0


def test_viewers_see_read_only_votes_not_a_button_that_refuses(client: FlaskClient,
                                                               live_items: WorkItemService) -> None:
    item = improvement(live_items, "Quota alerts per team")
    sign_in(client, "viewer@example.com")
    page = client.get("/roadmap").get_data(as_text=True)
    assert f'id="vote-{item.id}" class="pt-vote pt-vote--readonly" title="Reporters and above can vote"' in page
    assert f'hx-post="/roadmap/{item.id}/vote"' not in page
