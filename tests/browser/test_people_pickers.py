"""People pickers in real Chromium (issue #13): the assignee combobox by keyboard, @mention autocomplete in the
comment box, and "Assign to me" on the triage queue; on this module's own live server."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import expect

from app.core.context import services
from tests.browser.conftest import BOB, own_live_app, sign_in

pytestmark = pytest.mark.browser


people_app, base_url = own_live_app("people_app")  # this module's own app and live server


def _item(app: Flask, title: str) -> str:
    return services(app).work_items.create(BOB, {"item_type": "improvement", "title": title}).id


def test_assignee_combobox_is_keyboard_operable(new_context, people_app):
    item_id = _item(people_app, "Combobox target")
    page = sign_in(new_context(), "alice@example.com")
    page.goto(f"/work-items/{item_id}")
    page.locator("#edit-panel summary").click()
    box = page.get_by_role("combobox", name="Assignee")
    box.fill("")
    box.press_sequentially("tri")
    options = page.locator("#edit-assignee-listbox [role=option]")
    expect(options).to_have_count(1)
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "edit-assignee-listbox-0")
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("Enter")  # picks the person; does not submit the form
    expect(box).to_have_value("triager@example.com")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.fill("")
    box.press("ArrowDown")  # an empty field opens on ArrowDown with the first people
    expect(options.first).to_have_attribute("data-value", "ada@example.com")
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#edit-panel")).to_have_attribute("open", "")  # Esc closed the list, not the panel
    box.fill("someone.new@corp.io")  # free text still allowed
    box.press("Enter")  # nothing highlighted: the form is submitted
    expect(page.locator(".meta")).to_contain_text("someone.new@corp.io")


def test_mention_autocomplete_inserts_the_handle(new_context, people_app):
    item_id = _item(people_app, "Mention target")
    page = sign_in(new_context(), "alice@example.com")
    page.goto(f"/work-items/{item_id}")
    body = page.get_by_label("Add a comment")
    body.click()
    body.press_sequentially("Please look, @au")
    listbox = page.locator("#comment-body-mentions")
    expect(listbox).to_be_visible()
    expect(listbox.locator("[role=option]").first).to_have_attribute("aria-selected", "true")
    expect(body).to_have_attribute("aria-activedescendant", "comment-body-mentions-0")
    body.press("Tab")
    expect(body).to_have_value("Please look, @auditor ")
    expect(listbox).to_be_hidden()
    expect(body).to_be_focused()
    body.press_sequentially("and @b")
    expect(listbox).to_be_visible()
    body.press("Escape")
    expect(listbox).to_be_hidden()
    body.press_sequentially("o")
    expect(listbox).to_be_visible()
    body.press("Enter")
    expect(body).to_have_value("Please look, @auditor and @bob ")
    page.get_by_role("button", name="Comment").click()
    expect(page.locator("a.mention", has_text="@bob")).to_have_attribute("href", "/work-items?assignee=bob@example.com")


def test_assign_to_me_on_the_triage_queue_swaps_the_row(new_context, people_app):
    item_id = _item(people_app, "Queue target")
    page = sign_in(new_context(), "alice@example.com")
    page.goto("/work-items?view=triage")
    row = page.locator(f"#row-{item_id}")
    row.get_by_role("button", name="to me").click()
    expect(row.locator(".assign-cell")).to_have_text("You")
    assert services(people_app).store.get_item(item_id).assignee == "alice@example.com"
