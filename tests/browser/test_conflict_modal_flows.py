"""The conflict modal in real Chromium (issue #12, items 3 and 4), on this module's own live server so the items
it adds and moves leave the shared server's counts and triage queue alone.

Item 3: two triagers both click "Move to planned"; the second is told it already happened and offered nothing.
Item 4: a stale edit at a 900 px-high viewport lists only the field the user touched, shows the long titles
whole, and keeps its buttons on screen (the modal's body scrolls).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, expect

from app.core.context import services
from app.models import Actor, Role
from tests.browser.conftest import BOB, own_live_app, shot, sign_in

pytestmark = pytest.mark.browser

ROOT, TESS = Actor("root@example.com", Role.ADMIN), Actor("tess@example.com", Role.TRIAGER)
VIEWPORT = {"width": 1280, "height": 900}
PREFIX = "Nightly ingestion of the finance ledger into the lakehouse fails after the schema change, "
LOADED, THEIRS, MINE = PREFIX + "part one", PREFIX + "part two", PREFIX + "part three"


conflict_app, base_url = own_live_app("conflict_app")  # this module's own app and live server


def _on_screen(button: Locator, height: int = VIEWPORT["height"]) -> bool:
    box = button.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def test_the_same_move_made_by_someone_else_is_reported_and_not_offered_again(new_context, conflict_app):
    service = services(conflict_app).work_items
    item = service.create(BOB, {"item_type": "improvement", "title": "Cost dashboard per team"})
    service.transition(TESS, item.id, "under_review", 1)
    root = sign_in(new_context(), "root@example.com")
    alice = sign_in(new_context(), "alice@example.com")
    for page in (root, alice):
        page.goto(f"/work-items/{item.id}")
        page.locator("#transition-menu summary").click()
    root.get_by_role("button", name="Move to planned").click()
    expect(root.locator(".item-status .badge")).to_have_text("planned")
    alice.get_by_role("button", name="Move to planned").click()
    dialog = alice.locator("#conflict-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("root@example.com already moved it to planned")
    expect(dialog.get_by_role("button", name="Re-apply", exact=False)).to_have_count(0)
    shot(alice, "conflict-already-done", full_page=False)
    dialog.get_by_role("button", name="Show the latest").click()
    expect(alice.locator("#conflict-dialog")).to_have_count(0)
    expect(alice.locator(".item-status .badge")).to_have_text("planned")


def test_a_stale_edit_lists_only_the_touched_field_and_keeps_its_buttons_on_screen(new_context, conflict_app):
    service = services(conflict_app).work_items
    item = service.create(BOB, {"item_type": "improvement", "title": LOADED, "problem": "Finance reports are late"})
    alice = sign_in(new_context(viewport=VIEWPORT), "alice@example.com")
    alice.goto(f"/work-items/{item.id}")
    service.update(ROOT, item.id, 1, {"title": THEIRS})
    for version in range(2, 10):  # a busy afternoon: the list of what changed since is long
        service.update(ROOT, item.id, version, {"problem": f"Finance reports are late, {version} days this month. "
                                                           + "The close cannot start before the ledger lands. " * 3})
    alice.locator("#edit-panel summary").click()
    alice.fill("#edit-title", MINE)
    alice.get_by_role("button", name="Save changes").click()
    dialog = alice.locator("#conflict-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#reapply-form .field")).to_have_count(1)
    expect(dialog.locator("#reapply-title")).to_have_value(MINE)
    expect(dialog.locator("#reapply-problem, #reapply-priority, #reapply-proposed_benefit")).to_have_count(0)
    expect(dialog.locator(".changes")).to_contain_text(f"title from {LOADED} to {THEIRS}")
    reapply = dialog.get_by_role("button", name="Re-apply my change to version 10")
    discard = dialog.get_by_role("button", name="Discard my change and show the latest")
    assert _on_screen(reapply) and _on_screen(discard), (reapply.bounding_box(), discard.bounding_box())
    shot(alice, "conflict-edit-900", full_page=False)
    reapply.click()
    expect(alice.locator("#conflict-dialog")).to_have_count(0)
    expect(alice.locator("h1")).to_have_text(MINE)
