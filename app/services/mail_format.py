"""One notification mail: subject, plain text and HTML, and the headers that thread and unsubscribe it.

A mail covers one person's notifications about one item within the mailer's window ("3 updates on INC-12").
What a comment or note says is shown as a plain excerpt (app/services/excerpts.py): the words only, escaped in
the HTML part like every other value, so no user-written HTML or markdown markup ever reaches a mail reader;
the link leads to the item, where the full text is rendered. The Message-ID is derived from the notifications
the mail carries, so a mail sent again after a crash (at-least-once) has the same id and readers can fold it;
In-Reply-To and References name one id per item, so every mail about an item lands in one thread.
"""

from __future__ import annotations

import dataclasses
import hashlib
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from urllib.parse import urlsplit

from markupsafe import escape

from app.models import Event, EventType, WorkItem
from app.models.notification import Notification
from app.services.excerpts import plain_excerpt

SUBJECT_TITLE = 80  # characters of the title in the subject
WHY = {"assigned": "it is assigned to you", "mentioned": "you were mentioned on it", "author": "you filed it",
       "watching": "you watch it"}


@dataclasses.dataclass(frozen=True, slots=True)
class MailContext:
    """What every mail needs beside its notifications: the app's public address and the sender."""

    base_url: str  # PUBLIC_URL without its trailing slash
    sender: str  # the From header

    @property
    def domain(self) -> str:
        return urlsplit(self.base_url).hostname or "deltadesk.invalid"

    @classmethod
    def of(cls, base_url: str, sender: str) -> MailContext:
        base = base_url.strip().rstrip("/")
        host = urlsplit(base).hostname or "localhost"
        return cls(base, sender.strip() or formataddr(("DeltaDesk", f"deltadesk@{host}")))


def what_happened(note: Notification, event: Event | None) -> str:
    """One line: who did what (the event's own words where it has them)."""
    who = note.created_by
    payload = event.payload if event is not None else {}
    kind = note.event_type
    if kind == EventType.COMMENTED:
        excerpt = plain_excerpt(payload.get("body") if isinstance(payload.get("body"), str) else None, 120)
        return f"{who} commented: {excerpt}" if excerpt else f"{who} commented"
    if kind == EventType.STATE_CHANGED:
        return f"{who} moved it from {payload.get('from', '?')} to {payload.get('to', '?')}"
    if kind == EventType.UPDATED:
        fields = sorted((payload.get("changes") or {}).keys()) if isinstance(payload.get("changes"), dict) else []
        return f"{who} changed {', '.join(fields)}" if fields else f"{who} updated it"
    if kind == EventType.CREATED:
        return f"{who} created it"
    return f"{who}: {kind}"


def item_url(ctx: MailContext, item: WorkItem) -> str:
    return f"{ctx.base_url}/work-items/{item.id}"


def mail_id(ctx: MailContext, notes: list[Notification]) -> str:
    """The Message-ID (without brackets): the same for the same notifications, so a resend is recognisable."""
    digest = hashlib.sha256("\n".join(sorted(n.id for n in notes)).encode()).hexdigest()[:32]
    return f"{digest}@{ctx.domain}"


def subject(item: WorkItem, lines: list[str]) -> str:
    title = item.title if len(item.title) <= SUBJECT_TITLE else item.title[:SUBJECT_TITLE - 1] + "…"
    what = lines[0] if len(lines) == 1 else f"{len(lines)} updates"
    return " ".join(f"[DeltaDesk] {item.key} {title}: {what}".split())  # no line breaks in a header


def build_mail(ctx: MailContext, recipient: str, item: WorkItem, notes: list[Notification],
               events: dict[str, Event]) -> EmailMessage:
    """The multipart/alternative mail telling `recipient` about `notes` (one item, oldest first)."""
    lines = [what_happened(n, events.get(n.event_id)) for n in notes]
    link, settings = item_url(ctx, item), f"{ctx.base_url}/settings"
    message = EmailMessage()
    message["Subject"] = subject(item, lines)
    message["From"] = ctx.sender
    message["To"] = recipient
    message["Date"] = format_datetime(notes[-1].created_at)
    message["Message-ID"] = f"<{mail_id(ctx, notes)}>"
    thread = f"<item-{item.id}@{ctx.domain}>"
    message["In-Reply-To"] = thread
    message["References"] = thread
    message["List-Unsubscribe"] = f"<{settings}>"
    message["Auto-Submitted"] = "auto-generated"
    why = _why(notes)
    message.set_content(_text(item, lines, link, settings, why))
    message.add_alternative(_html(item, lines, link, settings, why), subtype="html")
    return message


def _why(notes: list[Notification]) -> str:
    """Why the person is told, the strongest reason of the mail's notifications (WHY is strongest first)."""
    known = [n.reason for n in notes if n.reason in WHY]
    return WHY[min(known, key=list(WHY).index)] if known else WHY["watching"]


def _heading(item: WorkItem, lines: list[str]) -> str:
    return f"{len(lines)} updates on {item.key}" if len(lines) > 1 else f"Update on {item.key}"


def _text(item: WorkItem, lines: list[str], link: str, settings: str, why: str) -> str:
    body = "\n".join(f"- {line}" for line in lines)
    return (f"{_heading(item, lines)}: {item.title}\n\n{body}\n\nOpen {item.key}: {link}\n\n"
            f"-- \nYou get this because {why}. Turn these mails off: {settings}\n")


def _html(item: WorkItem, lines: list[str], link: str, settings: str, why: str) -> str:
    rows = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return (f"<!doctype html><html><body><h1 style=\"font-size:1.1em\">{escape(_heading(item, lines))}: "
            f"{escape(item.title)}</h1><ul>{rows}</ul><p><a href=\"{escape(link)}\">Open {escape(item.key)}</a></p>"
            f"<hr><p style=\"color:#555\">You get this because {escape(why)}. "
            f"<a href=\"{escape(settings)}\">Turn these mails off</a>.</p></body></html>")
