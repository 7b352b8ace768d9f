"""The conflict modal's HTML (issue #12, items 3 and 4): a move someone else already made offers nothing to
re-apply; a stale edit lists only what the user changed, with whole values, and its actions outside the
scrolling body."""

from __future__ import annotations

import re

from app.core.context import services
from app.models import Actor, Role
from tests.web.helpers import ALICE, post

ROOT = Actor("root@example.com", Role.ADMIN)
PREFIX = "Nightly ingestion of the finance ledger into the lakehouse fails after the schema change, "
LOADED, THEIRS, MINE = PREFIX + "part one", PREFIX + "part two", PREFIX + "part three"


def _section(html: str, css_class: str) -> str:
    """The markup of the first element with this class, up to the next element of the modal's layout."""
    start = html.index(f'class="{css_class}"')
    ends = [i for i in (html.find('class="modal-body"', start + 1), html.find('class="modal-actions"', start + 1))
            if i > 0]
    return html[start:min(ends) if ends else len(html)]


def test_a_move_the_other_person_already_made_is_reported_and_not_offered_again(app, client, make_item):
    item = make_item(item_type="improvement", title="Cost dashboard per team")
    service = services(app).work_items
    service.transition(ALICE, item.id, "under_review", 1)
    service.transition(ROOT, item.id, "planned", 2)
    modal = post(client, f"/work-items/{item.id}/transition", {"to_state": "planned", "expected_version": 2},
                 htmx=True)
    html = modal.get_data(as_text=True)
    assert modal.status_code == 409 and modal.headers["HX-Retarget"] == "#modal-root"
    assert "root@example.com already moved it to planned" in re.sub(r"<[^>]+>", "", html)
    assert "Re-apply" not in html and 'id="reapply-form"' not in html
    assert "Show the latest" in html


def test_a_stale_edit_lists_only_the_field_the_user_changed_with_whole_values(app, client, make_item):
    item = make_item(title=LOADED)
    services(app).work_items.update(ROOT, item.id, 1, {"title": THEIRS})
    form = {"expected_version": 1, "title": MINE, "priority": "p3", "severity": "sev2", "platform": "sql-warehouse",
            "assignee": "", "impact": "", "description": ""}  # the whole edit form, as the browser sends it
    modal = post(client, f"/work-items/{item.id}/edit", form, htmx=True)
    html = modal.get_data(as_text=True)
    assert modal.status_code == 409
    reapply = html.split('id="reapply-form"')[1].split("</form>")[0]
    assert re.findall(r'name="(\w+)"', reapply) == ["csrf_token", "expected_version", "title"]
    assert "(yours; now sev2)" not in html and "Severity" not in reapply
    assert f'value="{MINE}"' in reapply and f"now {THEIRS}" in reapply
    changes = html.split('class="changes"')[1].split("</ul>")[0]
    assert f"title from {LOADED} to {THEIRS}" in changes and "…" not in changes


def test_the_actions_sit_outside_the_scrolling_body(app, client, make_item):
    item = make_item()
    services(app).work_items.update(ROOT, item.id, 1, {"priority": "p1"})
    modal = post(client, f"/work-items/{item.id}/edit", {"expected_version": 1, "assignee": "dave@example.com"},
                 htmx=True)
    html = modal.get_data(as_text=True)
    body, actions = _section(html, "modal-body"), _section(html, "modal-actions")
    assert 'id="reapply-form"' in body and "Re-apply my change" not in body
    assert 'form="reapply-form"' in actions and "Re-apply my change to version 2" in actions
    assert "Discard my change and show the latest" in actions


def test_an_edit_that_changed_nothing_the_user_loaded_offers_nothing_to_reapply(app, client, make_item):
    item = make_item()
    services(app).work_items.update(ROOT, item.id, 1, {"priority": "p1"})
    modal = post(client, f"/work-items/{item.id}/edit", {"expected_version": 1, "priority": "p3", "severity": "sev2"},
                 htmx=True)
    html = modal.get_data(as_text=True)
    assert modal.status_code == 409
    assert "Re-apply" not in html and "nothing to re-apply" in html
    assert "Left as the other person set them: priority" in html
