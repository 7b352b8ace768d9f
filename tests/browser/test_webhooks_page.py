"""An admin manages webhooks in a real browser: a refused URL is explained beside the field, a new webhook shows
its secret once, and Delete removes it, all swapped in place by htmx under the production CSP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import browser_app, serve, sign_in
from tests.fixtures import close_app
from tests.webhooks.receiver import Receiver


@pytest.fixture
def base(tmp_path: Path) -> Iterator[str]:
    app = browser_app(tmp_path, WEBHOOK_ALLOWED_HOSTS="127.0.0.1", WEBHOOK_DISPATCH="0")
    yield from serve(app)
    close_app(app)


def test_an_admin_adds_and_deletes_a_webhook(browser: Browser, base: str) -> None:
    context = browser.new_context(base_url=base)
    context.set_default_timeout(5000)
    errors: list[str] = []
    context.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page = sign_in(context, "root@example.com")
    page.goto("/admin/webhooks")
    expect(page.locator("#webhooks-count")).to_have_text("No webhooks yet.")
    page.get_by_label("URL").fill("http://169.254.169.254/latest")
    page.get_by_label("every event").check()
    page.get_by_role("button", name="Add webhook").click()
    expect(page.locator("#webhook-url-error")).to_contain_text("link-local")
    expect(page.get_by_label("URL")).to_have_value("http://169.254.169.254/latest")
    with Receiver() as receiver:
        page.get_by_label("URL").fill(receiver.url)
        page.get_by_role("button", name="Add webhook").click()
        expect(page.locator("#webhook-secret")).to_contain_text("whsec_")
        expect(page.locator("#webhooks-count")).to_have_text("1 webhook.")
        page.get_by_role("button", name=f"Delete the webhook for {receiver.url}").click()
        expect(page.locator("#webhooks-count")).to_have_text("No webhooks yet.")
    assert page.url.endswith("/admin/webhooks")
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
