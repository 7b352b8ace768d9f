"""The mail tables (user_settings, mail_log, mail_lease): the same behaviour on every store (conftest.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.models.mail import MailRecord
from tests.contract.builders import T0, create
from tests.contract.test_inbox_contract import BOB, note

MINUTE = dt.timedelta(minutes=1)


def test_email_is_on_until_turned_off_and_the_latest_choice_wins(two_instances: Any) -> None:
    first, second = two_instances
    assert first.email_enabled(BOB) is True
    first.set_email_enabled(BOB, False, T0)
    assert second.email_enabled(BOB) is False
    second.set_email_enabled(BOB, True, T0 + MINUTE)
    assert first.email_enabled(BOB) is True and first.email_enabled("ann@example.com") is True


def test_one_lease_holder_at_a_time_until_it_expires_or_is_released(two_instances: Any) -> None:
    first, second = two_instances
    ttl = dt.timedelta(seconds=30)
    started = first.take_mail_lease("one", T0, ttl)
    assert started == T0
    assert second.take_mail_lease("two", T0 + dt.timedelta(seconds=10), ttl) is None
    assert first.take_mail_lease("one", T0 + dt.timedelta(seconds=20), ttl) == T0  # renewed
    assert second.take_mail_lease("two", T0 + dt.timedelta(seconds=40), ttl) is None  # 20 + 30 not reached
    assert second.take_mail_lease("two", T0 + dt.timedelta(seconds=51), ttl) == T0  # expired: taken over
    second.release_mail_lease("two", T0 + dt.timedelta(seconds=52))
    assert first.take_mail_lease("one", T0 + dt.timedelta(seconds=53), ttl) == T0  # released: free at once


def test_pending_is_unlogged_notifications_since_and_logging_is_idempotent(two_instances: Any) -> None:
    first, second = two_instances
    item = create(first)
    rows = [note(item, BOB, m) for m in range(3)]
    first.save_notifications(rows, "p")
    pending, last = second.mail_pending(T0 + MINUTE)
    assert [n.id for n in pending] == [rows[1].id, rows[2].id] and last == {}
    sent_at = T0 + 3 * MINUTE
    record = MailRecord(rows[1].id, BOB, item.id, "m1@x", "sent", sent_at, "one")
    second.record_mail([record])
    second.record_mail([record])  # again (a retried batch): stored once
    first.record_mail([MailRecord(rows[2].id, BOB, item.id, "", "skipped", sent_at, "one")])
    pending, last = first.mail_pending(T0)
    assert [n.id for n in pending] == [rows[0].id]
    assert last == {(BOB, item.id): sent_at}
