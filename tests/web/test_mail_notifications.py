"""Notification mails through a real SMTP server (aiosmtpd on 127.0.0.1), from a real app on real Delta tables.

The mailer's window and poll are shortened through MAIL_WINDOW_SECONDS / MAIL_POLL_SECONDS so that the tests
run in seconds; the notifier is drained by hand after the writes so that every notification is stored before
the window closes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from app.core.context import services
from tests.fixtures import close_app
from tests.web.helpers import ALICE, BOB, post, sign_in
from tests.web.smtp_server import SmtpServer

PUBLIC = "https://desk.example.com"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def mail_settings(server: SmtpServer, window: float = 1.0) -> dict[str, Any]:
    return {"SMTP_URL": server.url, "PUBLIC_URL": PUBLIC, "SMTP_FROM": "DeltaDesk <desk@example.com>",
            "MAIL_WINDOW_SECONDS": str(window), "MAIL_POLL_SECONDS": "0.1"}


@pytest.fixture
def app(make_app: Callable[..., Flask], smtp: SmtpServer) -> Flask:
    return make_app(**mail_settings(smtp))


def comment_as(app: Flask, item_id: str, text: str, who: str = ALICE.id) -> Any:
    return post(sign_in(app.test_client(), who), f"/work-items/{item_id}/comments", {"body": text})


def watched_item(app: Flask, make_item: Any) -> Any:
    services(app).notifier.drain()  # the notifier's cursor starts before the item
    return make_item()  # by Bob, who watches it as its author


def test_a_comment_on_a_watched_item_is_mailed_to_the_watcher_never_the_actor(app: Flask, make_item: Any,
                                                                               smtp: SmtpServer) -> None:
    item = watched_item(app, make_item)
    assert comment_as(app, item.id, "Restarted the <b>warehouse</b>, **looks** better").status_code == 303
    services(app).notifier.drain()
    [(recipients, mail)] = smtp.inbox.wait_for(1)
    assert recipients == [BOB.id] and ALICE.id not in mail["To"]
    assert mail["Subject"] == f"[DeltaDesk] {item.key} {item.title}: {ALICE.id} commented: Restarted the " \
                              "<b>warehouse</b>, looks better"  # markdown's marks go; the rest is plain text
    assert mail.get_content_type() == "multipart/alternative"
    text, html = (mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content())
    link = f"{PUBLIC}/work-items/{item.id}"
    assert link in text and f'href="{link}"' in html
    assert "<b>" not in html and "Restarted the &lt;b&gt;warehouse&lt;/b&gt;, looks better" in html  # inert
    assert mail["List-Unsubscribe"] == f"<{PUBLIC}/settings>"
    assert mail["Message-ID"].endswith("@desk.example.com>")
    assert mail["In-Reply-To"] == mail["References"] == f"<item-{item.id}@desk.example.com>"


def test_three_events_within_the_window_fold_into_one_mail_and_the_next_mail_keeps_the_thread(
        make_app: Callable[..., Flask], smtp: SmtpServer, rbac_file: str) -> None:
    app = make_app(**mail_settings(smtp, window=2.0))
    services(app).notifier.drain()
    item = services(app).work_items.create(BOB, {"item_type": "incident", "title": "Slow queue", "severity": "sev2",
                                                 "platform": "sql-warehouse"})
    for n in range(3):
        services(app).work_items.comment(ALICE, item.id, f"update {n}")
    services(app).notifier.drain()
    [(_, mail)] = smtp.inbox.wait_for(1)
    assert mail["Subject"] == f"[DeltaDesk] {item.key} Slow queue: 3 updates"
    body = mail.get_body(("plain",)).get_content()
    assert f"3 updates on {item.key}" in body and all(f"update {n}" in body for n in range(3))
    time.sleep(2.5)
    assert len(smtp.inbox.mails) == 1  # nothing more to say: no second mail
    services(app).work_items.comment(ALICE, item.id, "one more")
    services(app).notifier.drain()
    later = smtp.inbox.wait_for(2)[1][1]
    assert later["References"] == mail["References"] and later["Message-ID"] != mail["Message-ID"]


def test_no_mail_for_someone_who_turned_email_off(app: Flask, make_item: Any, smtp: SmtpServer) -> None:
    bob = sign_in(app.test_client(), BOB.id)
    assert post(bob, "/settings/email", {"email": "0"}).status_code == 303
    item = watched_item(app, make_item)
    services(app).work_items.update(ALICE, item.id, 1, {"assignee": "tess@example.com"})
    services(app).notifier.drain()
    [(recipients, _)] = smtp.inbox.wait_for(1)  # the new assignee is told; Bob is not
    assert recipients == ["tess@example.com"]
    time.sleep(1.5)
    assert [r for r, _ in smtp.inbox.mails] == [["tess@example.com"]]


def test_a_down_mail_server_never_slows_the_write_and_the_mail_comes_once_it_is_up(
        make_app: Callable[..., Flask]) -> None:
    server = SmtpServer()  # not started: connections are refused
    app = make_app(**mail_settings(server, window=0.5))
    services(app).notifier.drain()
    item = services(app).work_items.create(BOB, {"item_type": "incident", "title": "Disk full", "severity": "sev2",
                                                 "platform": "sql-warehouse"})
    started = time.monotonic()
    assert comment_as(app, item.id, "cleaning up").status_code == 303
    assert time.monotonic() - started < 1.0
    services(app).notifier.drain()
    time.sleep(1.5)  # the mailer has tried and failed by now
    server.start()
    try:
        [(recipients, mail)] = server.inbox.wait_for(1)
        assert recipients == [BOB.id] and "cleaning up" in mail["Subject"]
    finally:
        close_app(app)
        server.stop()


def test_a_restarted_mailer_does_not_send_again(make_app: Callable[..., Flask], smtp: SmtpServer) -> None:
    app = make_app(**mail_settings(smtp, window=0.3))
    services(app).notifier.drain()
    item = services(app).work_items.create(BOB, {"item_type": "incident", "title": "Once", "severity": "sev2",
                                                 "platform": "sql-warehouse"})
    services(app).work_items.comment(ALICE, item.id, "said once")
    services(app).notifier.drain()
    smtp.inbox.wait_for(1)
    close_app(app)
    assert not any(t.name == "deltadesk-mailer" and t.is_alive() for t in __import__("threading").enumerate())
    again = make_app(**mail_settings(smtp, window=0.3))  # same data folder: a restart
    time.sleep(1.5)
    assert len(smtp.inbox.mails) == 1
    services(again).work_items.comment(ALICE, item.id, "said later")
    services(again).notifier.drain()
    assert "said later" in smtp.inbox.wait_for(2)[1][1]["Subject"]


def test_without_smtp_url_there_is_no_mailer(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    assert services(app).mailer is None
    page = sign_in(app.test_client(), BOB.id).get("/settings").get_data(as_text=True)
    assert "sends no mail yet" in page
