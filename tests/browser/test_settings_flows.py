"""/settings and notification mails in real Chromium, on this module's own live server with a real SMTP
server (aiosmtpd on 127.0.0.1): the box saves on change with htmx, and the plain form works without JS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import expect

from app.core.context import services
from app.models import Actor, Role
from tests.browser.conftest import BOB, browser_app, serve, shot, sign_in
from tests.fixtures import close_app
from tests.web.smtp_server import SmtpServer

pytestmark = pytest.mark.browser
ALICE = Actor("alice@example.com", Role.TRIAGER)


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def mail_app(tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer) -> Iterator[Flask]:
    app = browser_app(tmp_path_factory.mktemp("mail"), SMTP_URL=smtp.url, PUBLIC_URL="https://desk.example.com",
                      MAIL_WINDOW_SECONDS="0.5", MAIL_POLL_SECONDS="0.1")
    yield app
    close_app(app)


@pytest.fixture(scope="module")
def base_url(mail_app: Flask) -> Iterator[str]:
    yield from serve(mail_app)


def test_a_comment_typed_in_the_browser_is_mailed_and_the_box_turns_mail_off_in_place(new_context, mail_app,
                                                                                       smtp):
    services(mail_app).notifier.drain()
    item = services(mail_app).work_items.create(BOB, {"item_type": "improvement", "title": "Nightly report"})
    alice = sign_in(new_context(), ALICE.id)
    alice.goto(f"/work-items/{item.id}")
    alice.locator("textarea[name=body]").fill("Report is ready")
    alice.get_by_role("button", name="Comment").click()
    expect(alice.locator("#timeline")).to_contain_text("Report is ready")
    services(mail_app).notifier.drain()
    [(recipients, mail)] = smtp.inbox.wait_for(1)
    assert recipients == [BOB.id] and "Report is ready" in mail["Subject"]

    bob = sign_in(new_context(), BOB.id)
    bob.get_by_role("link", name="Settings").click()
    box = bob.get_by_label("Email me about notifications")
    expect(box).to_be_checked()
    url = bob.url
    box.uncheck()
    expect(bob.locator("#email-settings [role=status]")).to_have_text("Saved: mails are off.")
    assert bob.url == url and services(mail_app).store.email_enabled(BOB.id) is False
    shot(bob, "settings-mail-off")
    assert not bob.context.console_errors  # type: ignore[attr-defined]


def test_without_javascript_the_save_button_turns_mail_back_on(new_context, mail_app):
    services(mail_app).store.set_email_enabled(ALICE.id, False, services(mail_app).settings.clock())
    page = sign_in(new_context(), ALICE.id)
    plain = new_context(java_script_enabled=False, storage_state=page.context.storage_state()).new_page()
    plain.goto("/settings")
    plain.get_by_label("Email me about notifications").check()
    plain.get_by_role("button", name="Save").click()
    plain.wait_for_url("**/settings?saved=1")
    expect(plain.locator("#email-settings [role=status]")).to_have_text("Saved: mails are on.")
    assert services(mail_app).store.email_enabled(ALICE.id) is True
