"""Email notifications: the SMTP settings parsed from SMTP_URL, and the rows the mailer keeps.

SMTP_URL is parsed here (pure standard library) so that app/config.py can refuse a bad value at start-up and
the mailer can use the parsed form, without either importing the other.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import socket
from urllib.parse import parse_qs, unquote, urlsplit

MAIL_PROCESS = f"mailer@{socket.gethostname()}:{os.getpid()}"  # who holds the lease and writes mail_log
SCHEMES = {"smtp": 25, "smtps": 465}


class SmtpUrlError(ValueError):
    """SMTP_URL cannot be used; the message says what is wrong without repeating the password."""


@dataclasses.dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where and how to send: implicit TLS (smtps), STARTTLS (smtp://...?starttls=1) or plain SMTP."""

    host: str
    port: int
    tls: bool = False
    starttls: bool = False
    username: str = ""
    password: str = dataclasses.field(default="", repr=False)


def parse_smtp_url(url: str) -> SmtpSettings:
    """smtp://host[:port][?starttls=1] or smtps://[user:pass@]host[:port]; user and password percent-decoded."""
    parts = urlsplit(url.strip())
    if parts.scheme not in SCHEMES:
        raise SmtpUrlError(f"SMTP_URL must start with smtp:// or smtps:// (got {parts.scheme or 'no'} scheme).")
    try:
        port = parts.port or SCHEMES[parts.scheme]
    except ValueError as exc:
        raise SmtpUrlError("SMTP_URL has a port that is not a number from 1 to 65535.") from exc
    if not parts.hostname:
        raise SmtpUrlError("SMTP_URL names no host (e.g. smtp://mail.example.com:25).")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(query) - {"starttls"}
    if unknown:
        raise SmtpUrlError(f"SMTP_URL has unknown options: {', '.join(sorted(unknown))} (only starttls=1).")
    starttls = query.get("starttls", ["0"])[-1].strip().lower() in ("1", "true", "yes", "on")
    if starttls and parts.scheme == "smtps":
        raise SmtpUrlError("SMTP_URL: smtps:// is TLS already; starttls=1 goes with smtp:// only.")
    return SmtpSettings(parts.hostname, port, parts.scheme == "smtps", starttls,
                        unquote(parts.username or ""), unquote(parts.password or ""))


@dataclasses.dataclass(frozen=True, slots=True)
class MailRecord:
    """One row of mail_log: what became of one notification (sent in mail `mail_id`, or skipped)."""

    notification_id: str
    user_email: str
    item_id: str
    mail_id: str
    outcome: str  # "sent" | "skipped"
    created_at: dt.datetime
    created_by: str = MAIL_PROCESS
