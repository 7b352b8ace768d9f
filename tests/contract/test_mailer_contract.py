"""The mailer over every store (conftest.py): one sender among several workers, nothing sent twice, a person
who turned email off gets nothing. Mails are captured instead of sent (the SMTP path: tests/web)."""

from __future__ import annotations

import dataclasses
import time
from email.message import EmailMessage
from typing import Any

from app.models.mail import SmtpSettings
from app.models.notification import Notification
from app.services.clock import utcnow
from app.services.mail_format import MailContext
from app.services.mailer import Mailer, MailerSettings
from tests.contract.builders import create
from tests.contract.test_inbox_contract import BOB, note

SETTINGS = MailerSettings(SmtpSettings("127.0.0.1", 1), MailContext.of("https://desk.example.com", ""),
                          window=0.2, poll=0.05)


def notify(store: Any, item: Any, user: str = BOB, count: int = 1) -> list[Notification]:
    rows = [dataclasses.replace(note(item, user, 0), created_at=utcnow()) for _ in range(count)]
    store.save_notifications(rows, "p")
    time.sleep(SETTINGS.window + 0.05)  # the window passes
    return rows


def mailer(store: Any) -> tuple[Mailer, list[EmailMessage]]:
    sent: list[EmailMessage] = []
    found = Mailer(store, SETTINGS, sent.append)
    found.run_once()  # the first pass takes the lease (and learns when mailing started)
    return found, sent


def test_of_two_workers_one_mails_and_the_other_takes_over_when_it_stops(two_instances: Any) -> None:
    first, second = two_instances
    (a, sent_a), (b, sent_b) = mailer(first), mailer(second)
    item = create(first)
    notify(first, item, count=3)
    for _ in range(3):
        b.run_once()
        a.run_once()
    assert (len(sent_a), len(sent_b)) == (1, 0)  # one mail for the three, from the lease holder
    assert sent_a[0]["To"] == BOB and "3 updates" in sent_a[0]["Subject"]
    a.stop()  # hands the lease back
    notify(second, item)
    time.sleep(SETTINGS.window)  # the last mail to Bob about the item is a window old
    assert b.run_once() == 1 and len(sent_b) == 1
    c, sent_c = mailer(second)  # a restart: everything sent is in mail_log
    b.stop()
    c.run_once()
    assert sent_c == []


def test_nobody_is_mailed_who_turned_email_off_nor_about_what_they_already_read(store: Any) -> None:
    store.set_email_enabled(BOB, False, utcnow())
    found, sent = mailer(store)
    item = create(store)
    notify(store, item)
    notify(store, item, user="tess@example.com")
    [seen] = notify(store, item, user="rita@example.com")
    store.mark_read("rita@example.com", [seen.id], utcnow())  # read in the inbox within the window
    found.run_once()
    assert [m["To"] for m in sent] == ["tess@example.com"]
    assert found.run_once() == 0 and store.mail_pending(utcnow().replace(year=2000))[0] == []  # skipped is logged
