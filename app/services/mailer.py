"""Email notifications: the inbox's notifications, also mailed, batched per person and item.

Design. Off unless SMTP_URL is set. One "deltadesk-mailer" thread per process reads what the notifier stored
(work_item_notifications), never anything inside a write, so a slow or down SMTP server never delays or fails
a user's request. Only the holder of the mail_lease row mails (renewed while it works, taken over by another
process once it expires), so several workers do not send the same mail. A notification is pending until
mail_log has its row. Pending notifications are grouped per (person, item): a group is mailed once its first
notification is MAIL_WINDOW_SECONDS old and the last mail about that item to that person is as old, so later
events fold into the same mail and nobody gets more than one mail per item per window. People who turned
email off on /settings get none, and a notification already read in the inbox is not mailed (both are
logged as skipped).

Delivery is at-least-once: the mail_log rows are written right after the server accepted the mail, so a
restart never resends what was logged; a crash between the two sends that one mail again (with the same
Message-ID). An SMTP failure is logged and retried with a backoff that grows up to the window.
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime as dt
import itertools
import logging
import threading
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

from app.models.mail import MAIL_PROCESS, MailRecord, SmtpSettings, parse_smtp_url
from app.models.notification import Notification
from app.services.clock import monotonic, utcnow
from app.services.mail_format import MailContext, build_mail, mail_id
from app.services.mailer_smtp import FAILURES, SmtpTransport

log = logging.getLogger(__name__)
HORIZON = dt.timedelta(days=1)  # a mailer that was down longer does not mail older news
Group = tuple[tuple[str, str], list[Notification]]
_MAILERS = itertools.count(1)  # several apps in one process (tests) are several lease owners


@dataclasses.dataclass(frozen=True, slots=True)
class MailerSettings:
    """The mailer's settings from the config (None when SMTP_URL is unset: no mail)."""

    smtp: SmtpSettings
    context: MailContext
    window: float = 60.0
    poll: float = 5.0

    @property
    def lease(self) -> dt.timedelta:
        return dt.timedelta(seconds=max(60.0, 6 * self.poll))

    @classmethod
    def from_config(cls, config: Any) -> MailerSettings | None:
        if not config["SMTP_URL"].strip():
            return None
        return cls(parse_smtp_url(config["SMTP_URL"]), MailContext.of(config["PUBLIC_URL"], config["SMTP_FROM"]),
                   float(config["MAIL_WINDOW_SECONDS"]), float(config["MAIL_POLL_SECONDS"]))


def addressable(user: str) -> bool:
    """A user id we can mail: one address, no blanks or line breaks (ids are the sign-in emails)."""
    local, _, domain = user.partition("@")
    return bool(local and "." in domain and not any(c.isspace() or c in "<>,;\"" for c in user))


def due_groups(pending: list[Notification], last: dict[tuple[str, str], dt.datetime], now: dt.datetime,
               window: dt.timedelta) -> list[Group]:
    """The (person, item) groups whose window has passed, oldest first."""
    groups: dict[tuple[str, str], list[Notification]] = {}
    for note in pending:
        groups.setdefault((note.user_email, note.item_id), []).append(note)
    ready = [(key, notes) for key, notes in groups.items()
             if notes[0].created_at + window <= now and (key not in last or last[key] + window <= now)]
    return sorted(ready, key=lambda group: group[1][0].created_at)


class Mailer:
    """Mails pending notifications in the background; `run_once()` does one pass now (tests)."""

    def __init__(self, store: Any, settings: MailerSettings,
                 send: Callable[[EmailMessage], None] | None = None, owner: str | None = None) -> None:
        self.store = store
        self.settings = settings
        self.send = send or SmtpTransport(settings.smtp).send
        self.owner = owner or f"{MAIL_PROCESS}#{next(_MAILERS)}"
        self._failures = 0
        self._retry_at = 0.0
        self._started: dt.datetime | None = None  # when mailing first ran (from the lease row)
        self._held_at: float | None = None  # when this mailer last took or renewed the lease
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start mailing in the background; the store stops it when it closes."""
        self._thread = threading.Thread(target=self._loop, name="deltadesk-mailer", daemon=True)
        self._thread.start()
        self.store.on_close(self.stop)
        atexit.register(self.stop)

    def stop(self) -> None:
        """End the thread and hand the lease back, so another process mails from now on."""
        if self._stop.is_set():
            return
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)
        if self._held_at is None:
            return
        try:
            self.store.release_mail_lease(self.owner, utcnow())
        except Exception:
            log.warning("could not hand back the mail lease; it expires by itself")

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:
                log.exception("mailing notifications failed; retrying")
            self._stop.wait(self.settings.poll)

    def run_once(self) -> int:
        """Mail every group that is due; returns the mails sent. Stops at the first SMTP failure (backoff).
        The lease is only written when there is mail to send (and then at most every third of its term), so an
        idle deployment adds no commits."""
        if monotonic() < self._retry_at or (self._started is None and not self._hold()):
            return 0
        if not self._due() or not self._hold():
            return 0
        sent = 0
        for (user, item_id), notes in self._due():  # read again under the lease: a former holder may have sent
            if self._stop.is_set() or not self._hold():
                break
            try:
                sent += self._deliver(user, item_id, notes)
            except FAILURES as exc:
                self._back_off(exc)
                return sent
        self._failures = 0
        return sent

    def _due(self) -> list[Group]:
        now = utcnow()
        assert self._started is not None
        pending, last = self.store.mail_pending(max(self._started, now - HORIZON))
        return due_groups(pending, last, now, dt.timedelta(seconds=self.settings.window))

    def _hold(self) -> bool:
        """Whether this mailer holds the lease, renewing it when a third of its term has passed."""
        term = self.settings.lease
        if self._held_at is not None and monotonic() - self._held_at < term.total_seconds() / 3:
            return True
        started = self.store.take_mail_lease(self.owner, utcnow(), term)
        self._held_at = None if started is None else monotonic()
        self._started = started or self._started
        return started is not None

    def _deliver(self, user: str, item_id: str, notes: list[Notification]) -> int:
        """Mail one group (or log it skipped); the log row is written only after the server took the mail."""
        item = self.store.get_item(item_id)
        unread = [n for n in notes if not n.read]  # read in the inbox already: no need to mail it
        if item is None or not unread or not addressable(user) or not self.store.email_enabled(user):
            self.store.record_mail([MailRecord(n.id, user, item_id, "", "skipped", utcnow(), self.owner)
                                    for n in notes])
            return 0
        events = {e.event_id: e for e in self.store.events_for(item_id)}
        self.send(build_mail(self.settings.context, user, item, unread, events))
        ident = mail_id(self.settings.context, unread)
        self.store.record_mail([MailRecord(n.id, user, item_id, ident if not n.read else "",
                                           "skipped" if n.read else "sent", utcnow(), self.owner) for n in notes])
        return 1

    def _back_off(self, exc: BaseException) -> None:
        self._failures += 1
        delay = min(self.settings.window, self.settings.poll * 2 ** (self._failures - 1))
        self._retry_at = monotonic() + delay
        log.warning("the mail server did not take a mail (%s: %s); trying again in %.1f s",
                    type(exc).__name__, exc, delay)


def start_mailer(config: Any, store: Any) -> Mailer | None:
    """The process's mailer, started; None (and no thread) when SMTP_URL is unset."""
    settings = MailerSettings.from_config(config)
    if settings is None:
        return None
    mailer = Mailer(store, settings)
    mailer.start()
    return mailer
