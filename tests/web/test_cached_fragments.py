"""Rows, timeline entries and item facts are reused across requests and users, yet every page shows
the current state: a change anywhere is visible on the next view, and nothing one user sees leaks
into another user's page."""

from __future__ import annotations

from app.bounded_cache import BoundedCache
from app.core.context import services
from tests.web.helpers import ALICE, BOB, post, sign_in, strong_email


def _row(html: str, item_id: str) -> str:
    start = html.index(f'id="row-{item_id}"')
    return html[start:html.index("</tr>", start)]


def test_list_rows_follow_edits_transitions_and_votes(app, client, make_item):
    item = make_item(title="Queue is slow")
    service = services(app).work_items
    assert "Queue is slow" in _row(client.get("/work-items").get_data(as_text=True), item.id)
    item = service.update(ALICE, item.id, item.version, {"title": "Queue is very slow"})
    service.transition(ALICE, item.id, "triaged", item.version)
    service.vote(BOB, item.id)
    row = _row(client.get("/work-items").get_data(as_text=True), item.id)
    assert "Queue is very slow" in row and "state-triaged" in row and '<td data-label="Votes" class="num">1</td>' in row
    service.vote(BOB, item.id, voted=False)
    assert '<td data-label="Votes" class="num">0</td>' in _row(client.get("/work-items").get_data(as_text=True),
                                                               item.id)


def test_detail_facts_and_timeline_follow_changes_but_the_vote_button_is_per_user(app, client, make_item):
    item = make_item()
    service = services(app).work_items
    client.get(f"/work-items/{item.id}")  # cache this version's fragments
    service.vote(BOB, item.id)
    mine = sign_in(app.test_client(), "bob@example.com").get(f"/work-items/{item.id}").get_data(as_text=True)
    theirs = client.get(f"/work-items/{item.id}").get_data(as_text=True)
    for html in (mine, theirs):
        assert '<dd id="meta-votes">1</dd>' in html and strong_email("bob@example.com") + " voted for it" in html
    assert 'aria-pressed="true"' in mine and 'aria-pressed="false"' in theirs
    service.vote(ALICE, item.id)
    service.comment(ALICE, item.id, "Looking into it")
    again = client.get(f"/work-items/{item.id}").get_data(as_text=True)
    assert '<dd id="meta-votes">2</dd>' in again and 'aria-pressed="true"' in again and "Looking into it" in again
    assert f"{strong_email('bob@example.com')} and {strong_email('alice@example.com')} voted for it" in again, \
        "the folded vote line grew: a new entry, not the cached one"


def test_filter_form_keeps_each_requests_choices(client, make_item):
    make_item()
    kafka = client.get("/work-items?platform=kafka").get_data(as_text=True)
    jobs = client.get("/work-items?platform=jobs").get_data(as_text=True)
    assert '<option value="kafka" selected>' in kafka and '<option value="jobs" selected>' not in kafka
    assert '<option value="jobs" selected>' in jobs and '<option value="kafka" selected>' not in jobs


def test_a_rejected_comment_keeps_its_text_and_the_next_view_has_a_blank_field(client, make_item):
    item = make_item()
    client.get(f"/work-items/{item.id}")  # the blank comment field is now cached
    too_long = "x" * 10_001
    rejected = post(client, f"/work-items/{item.id}/comments", {"body": too_long}, htmx=True)
    assert rejected.status_code == 422 and too_long in rejected.get_data(as_text=True)
    html = client.get(f"/work-items/{item.id}").get_data(as_text=True)
    field = html[html.index('<textarea id="comment-body"'):html.index("</textarea>", html.index('id="comment-body"'))]
    assert field.endswith(">") and "aria-invalid" not in field and "x" * 100 not in html


def test_links_follow_the_mount_point_of_each_request(client, make_item):
    item = make_item()
    at_root = client.get(f"/work-items/{item.id}").get_data(as_text=True)
    mounted = client.get(f"/work-items/{item.id}", base_url="http://localhost/desk").get_data(as_text=True)
    assert f'action="/work-items/{item.id}/comments"' in at_root
    assert f'action="/desk/work-items/{item.id}/comments"' in mounted and 'href="/desk/static/css/app.css' in mounted
    assert f'action="/work-items/{item.id}/comments"' not in mounted, "a link cached at the root leaked into /desk"


def test_caches_stay_under_their_bound_and_keep_the_newest_entries():
    cache: BoundedCache[str] = BoundedCache(max_entries=10)
    for n in range(25):
        cache.put(("row", n), f"<tr>{n}</tr>")
        assert len(cache) <= 10
    assert cache.get(("row", 24)) == "<tr>24</tr>" and cache.get(("row", 0)) is None
