"""Detail page and its writes: vote, comment, transition, edit, conflicts, permissions, CSRF."""

from __future__ import annotations

from app.core.context import services
from tests.web.helpers import ALICE, HTMX, TOKEN, post, sign_in


def test_detail_page_shows_the_item_and_one_merged_timeline(app, client, make_item):
    item = make_item(description="**Bold** start")
    service = services(app).work_items
    service.comment(ALICE, item.id, "First look: _queue_ depth")
    item = service.transition(ALICE, item.id, "triaged", item.version)
    html = client.get(f"/work-items/{item.id}").get_data(as_text=True)
    assert item.key in html and "Warehouse queue is slow" in html
    assert '<span class="badge state-triaged">triaged</span>' in html
    assert "<strong>Bold</strong> start" in html and "<em>queue</em>" in html
    assert html.index("created it") < html.index("First look") < html.index("moved it from new to triaged")
    assert 'aria-label="Breadcrumb"' in html and "Version</dt><dd>2<" in html
    # only the transitions alice may take now are offered
    assert "Move to investigating" in html and "Move to closed" not in html


def test_viewer_sees_no_write_controls(app, make_item):
    item = make_item()
    viewer = sign_in(app.test_client(), "auditor@example.com")
    html = viewer.get(f"/work-items/{item.id}").get_data(as_text=True)
    assert 'id="transition-menu"' not in html and 'id="edit-panel"' not in html
    assert "can read but not comment" in html


def test_vote_toggles_in_place_with_out_of_band_count(client, make_item):
    item = make_item()
    response = post(client, f"/work-items/{item.id}/vote", {"voted": "1"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<form id="vote"') and 'aria-pressed="true"' in html
    assert '<dd id="meta-votes" hx-swap-oob="true">1</dd>' in html
    undo = post(client, f"/work-items/{item.id}/vote", {"voted": "0"}, htmx=True).get_data(as_text=True)
    assert 'aria-pressed="false"' in undo and '<dd id="meta-votes" hx-swap-oob="true">0</dd>' in undo
    plain = post(client, f"/work-items/{item.id}/vote", {"voted": "1"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith(f"/work-items/{item.id}")


def test_comment_appends_to_the_timeline_and_clears_the_form(client, make_item):
    item = make_item()
    response = post(client, f"/work-items/{item.id}/comments", {"body": "Looking at it *now*"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<form id="comment-form"') and "Looking at it" not in html.split("</form>")[0]
    assert '<ol id="timeline" class="timeline" hx-swap-oob="true">' in html and "<em>now</em>" in html


def test_empty_comment_is_422_with_the_message_beside_the_field(client, make_item):
    item = make_item()
    response = post(client, f"/work-items/{item.id}/comments", {"body": "   "}, htmx=True)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="body-error"' in html and "This field is required." in html and 'aria-invalid="true"' in html


def test_transition_with_required_note(client, make_item):
    item = make_item()
    missing = post(client, f"/work-items/{item.id}/transition",
                   {"to_state": "closed", "expected_version": item.version, "note": ""}, htmx=True)
    assert missing.status_code == 422
    assert "Reason is required to move to Closed." in missing.get_data(as_text=True)
    done = post(client, f"/work-items/{item.id}/transition",
                {"to_state": "closed", "expected_version": item.version, "note": "Duplicate of INC-9"}, htmx=True)
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and html.lstrip().startswith('<article id="item-main"')
    assert "state-closed" in html and "Duplicate of INC-9" in html
    assert '<div id="modal-root" hx-swap-oob="true"></div>' in html


def test_plain_post_transition_redirects_and_422_renders_the_page(client, make_item):
    item = make_item()
    bad = post(client, f"/work-items/{item.id}/transition", {"to_state": "closed", "expected_version": 1})
    assert bad.status_code == 422 and bad.get_data(as_text=True).startswith("<!doctype html>")
    ok = post(client, f"/work-items/{item.id}/transition", {"to_state": "triaged", "expected_version": 1})
    assert ok.status_code == 303


def test_triager_edit_of_priority_and_assignee(client, make_item):
    item = make_item()
    response = post(client, f"/work-items/{item.id}/edit",
                    {"expected_version": 1, "priority": "p1", "assignee": "carol@example.com"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and ('Assignee</dt><dd><span class="email" title="carol@example.com">'
                                               '<span>carol</span><wbr><span>@example.com</span>') in html
    assert "priority from p3 to p1" in html and "assignee from (none) to carol@example.com" in html
    bad = post(client, f"/work-items/{item.id}/edit", {"expected_version": 2, "assignee": "not-an-email"}, htmx=True)
    assert bad.status_code == 422
    assert 'value="not-an-email"' in bad.get_data(as_text=True)
    assert "Must be an email address" in bad.get_data(as_text=True)


def test_stale_write_answers_409_with_the_conflict_modal(app, client, make_item):
    item = make_item()
    service = services(app).work_items
    service.update(ALICE, item.id, 1, {"priority": "p1"})
    response = post(client, f"/work-items/{item.id}/transition",
                    {"to_state": "closed", "expected_version": 1, "note": "My carefully typed reason"}, htmx=True)
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#modal-root" and response.headers["HX-Reswap"] == "innerHTML"
    html = response.get_data(as_text=True)
    assert '<dialog id="conflict-dialog"' in html and "data-open-modal" in html
    assert "version 2" in html and "changed priority from p3 to p1" in html
    assert ">My carefully typed reason</textarea>" in html
    assert 'name="expected_version" value="2"' in html and 'name="to_state" value="closed"' in html
    assert "Discard my change" in html
    # the re-apply form works against the new version
    again = post(client, f"/work-items/{item.id}/transition",
                 {"to_state": "closed", "expected_version": 2, "note": "My carefully typed reason"}, htmx=True)
    assert again.status_code == 200 and "state-closed" in again.get_data(as_text=True)


def test_stale_edit_reapplies_only_what_the_user_changed(app, client, make_item):
    item = make_item()
    services(app).work_items.update(ALICE, item.id, 1, {"priority": "p1"})
    response = post(client, f"/work-items/{item.id}/edit",
                    {"expected_version": 1, "priority": "p3", "assignee": "dave@example.com"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and html.startswith("<!doctype html>")
    assert 'name="assignee" value="dave@example.com"' in html
    assert 'name="priority"' not in html.split('class="reapply-form"')[1].split("</form>")[0]
    assert "Left as the other person set them: priority" in html


def test_csrf_is_required_for_writes(client, make_item):
    item = make_item()
    response = client.post(f"/work-items/{item.id}/vote", data={"voted": "1"}, headers=HTMX)
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)
    ok = client.post(f"/work-items/{item.id}/vote", data={"voted": "1"}, headers={**HTMX, "X-CSRF-Token": TOKEN})
    assert ok.status_code == 200


def test_forbidden_and_not_found_are_friendly(app, make_item):
    item = make_item()
    viewer = sign_in(app.test_client(), "auditor@example.com")
    refused = post(viewer, f"/work-items/{item.id}/comments", {"body": "hi"}, htmx=True)
    assert refused.status_code == 403 and refused.headers["HX-Retarget"] == "#flash"
    assert "may not comment" in refused.get_data(as_text=True)
    page = viewer.get("/work-items/does-not-exist")
    assert page.status_code == 404 and "Not found" in page.get_data(as_text=True)
    assert page.get_data(as_text=True).startswith("<!doctype html>")


def test_anonymous_write_asks_to_sign_in(anon, make_item):
    item = make_item()
    response = post(anon, f"/work-items/{item.id}/vote", {"voted": "1"}, htmx=True)
    assert response.status_code == 401 and "Sign in" in response.get_data(as_text=True)
    page = anon.get("/work-items/new")
    assert "before you can create a work item" in page.get_data(as_text=True)


def test_reapply_that_is_no_longer_allowed_reports_inside_the_modal(app, client, make_item):
    item = make_item()
    services(app).work_items.transition(ALICE, item.id, "triaged", 1)
    modal = post(client, f"/work-items/{item.id}/transition", {"to_state": "closed", "expected_version": 1,
                                                               "note": "kept"}, htmx=True)
    assert modal.status_code == 409 and 'id="conflict-flash"' in modal.get_data(as_text=True)
    headers = {"HX-Source": "form#reapply-form"}
    again = post(client, f"/work-items/{item.id}/transition", {"to_state": "closed", "expected_version": 2,
                                                               "note": "kept"}, htmx=True, headers=headers)
    assert again.status_code == 400 and again.headers["HX-Retarget"] == "#conflict-flash"
    message = again.get_data(as_text=True)
    assert "Not possible now" in message and "Allowed now: Investigating." in message


def test_consecutive_votes_fold_into_one_timeline_line(app, client, make_item):
    from app.models import Actor, Role

    item = make_item()
    service = services(app).work_items
    for who in ("dave@example.com", "erin@example.com", "frank@example.com"):
        service.vote(Actor(who, Role.REPORTER), item.id)
    html = client.get(f"/work-items/{item.id}").get_data(as_text=True)
    assert ("<strong>dave@example.com</strong>, <strong>erin@example.com</strong> and "
            "<strong>frank@example.com</strong> voted for it") in html


def test_detail_and_new_serve_fragments_to_htmx(client, make_item):
    item = make_item()
    detail = client.get(f"/work-items/{item.id}", headers=HTMX)
    assert detail.get_data(as_text=True).lstrip().startswith('<article id="item-main"')
    assert {"HX-Request", "HX-Request-Type"} <= set(detail.vary)
    form = client.get("/work-items/new?item_type=improvement", headers=HTMX).get_data(as_text=True)
    assert form.lstrip().startswith('<form id="item-form"') and 'name="problem"' in form


def test_reapplied_choice_fields_are_selects_with_the_users_value(app, client, make_item):
    item = make_item()
    services(app).work_items.update(ALICE, item.id, 1, {"assignee": "erin@example.com"})
    html = post(client, f"/work-items/{item.id}/edit", {"expected_version": 1, "priority": "p2"},
                htmx=True).get_data(as_text=True)
    assert '<select id="reapply-priority" name="priority">' in html
    assert '<option value="p2" selected>p2</option>' in html
