"""What a notification mail says and which headers it carries (no server: tests/web sends real ones)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from app.models import Event, ItemType, WorkItem
from app.models.notification import Notification, notification_id
from app.services.mail_format import MailContext, build_mail
from tests.contract.test_inbox_contract import note as inbox_note

CTX = MailContext.of("https://desk.example.com/", "")
AT = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def item(title: str) -> WorkItem:
    return WorkItem(id="item-1", key="INC-12", item_type=ItemType.INCIDENT.value, title=title, description="",
                    state="new", priority="p2", platform=None, assignee=None, created_at=AT,
                    created_by="bob@example.com", updated_at=AT, updated_by="bob@example.com", version=1)


def note(event_id: str, kind: str, reason: str = "watching") -> Notification:
    base = inbox_note(item("Queue"), "bob@example.com", 0, reason)  # the inbox tests' builder, by field name
    return dataclasses.replace(base, id=notification_id(event_id, "bob@example.com"), event_id=event_id,
                               event_type=kind, created_at=AT, created_by="alice@example.com")


def event(event_id: str, kind: str, payload: dict) -> Event:
    return Event(event_id, "item-1", 2, kind, payload, 1, AT, "alice@example.com")


def test_a_hostile_title_and_comment_stay_text_and_the_subject_stays_one_line() -> None:
    hostile = item('<img src=x onerror="alert(1)">\nBcc: all@example.com')
    body = "<script>x()</script> [docs](https://evil.example/) [y](javascript:x)"
    mail = build_mail(CTX, "bob@example.com", hostile, [note("e1", "commented")],
                      {"e1": event("e1", "commented", {"body": body})})
    html = mail.get_body(("html",)).get_content()
    assert "<img" not in html and "<script" not in html and "evil.example" not in html
    assert 'href="javascript' not in html and "&lt;img src=x" in html and "&lt;/script&gt; docs" in html
    assert "\n" not in mail["Subject"] and mail["Bcc"] is None
    assert mail["From"] == "DeltaDesk <deltadesk@desk.example.com>"


def test_what_happened_is_told_per_kind_and_the_strongest_reason_is_named() -> None:
    notes = [note("e1", "state_changed"), note("e2", "updated", "assigned")]
    events = {"e1": event("e1", "state_changed", {"from": "new", "to": "triaged", "note": ""}),
              "e2": event("e2", "updated", {"changes": {"assignee": {"from": None, "to": "bob@example.com"}}})}
    mail = build_mail(CTX, "bob@example.com", item("Queue"), notes, events)
    text = mail.get_body(("plain",)).get_content()
    assert "alice@example.com moved it from new to triaged" in text and "alice@example.com changed assignee" in text
    assert "because it is assigned to you" in text and mail["Subject"] == "[DeltaDesk] INC-12 Queue: 2 updates"


def test_the_message_id_is_stable_for_the_same_notifications_and_the_thread_per_item() -> None:
    first = build_mail(CTX, "bob@example.com", item("Queue"), [note("e1", "commented")], {})
    again = build_mail(CTX, "bob@example.com", item("Queue"), [note("e1", "commented")], {})
    other = build_mail(CTX, "bob@example.com", dataclasses.replace(item("Queue")), [note("e2", "commented")], {})
    assert first["Message-ID"] == again["Message-ID"] != other["Message-ID"]  # a resend is recognisable
    assert first["References"] == other["References"] == "<item-item-1@desk.example.com>"
    assert first["List-Unsubscribe"] == "<https://desk.example.com/settings>"
