"""Issue #12 item 9 in Chromium: the platform's required marker (and `required`) follows the type switch,
and the platform chosen before the switch stays chosen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_platform_marker_follows_the_type_switch(new_context):
    page = sign_in(new_context(), "bob@example.com")
    page.goto("/work-items/new")
    marker = page.locator('label[for="platform"] .required')
    expect(marker).to_have_count(1)
    page.select_option("#platform", "kafka")
    page.select_option("#item_type", "improvement")
    expect(page.locator("#problem")).to_be_visible()
    expect(marker).to_have_count(0)
    expect(page.locator("#platform")).not_to_have_attribute("required", "")
    expect(page.locator("#platform")).to_have_value("kafka")
    page.select_option("#item_type", "platform_request")
    expect(page.locator("#justification")).to_be_visible()
    expect(marker).to_have_count(1)
    expect(page.locator("#platform")).to_have_value("kafka")
