"""Handing one mail to the SMTP server of SMTP_URL, with timeouts (smtplib; TLS verified by default)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from app.models.mail import SmtpSettings

TIMEOUT_SECONDS = 10.0  # connect and every reply: a hung server costs the mailer thread this, never a request
FAILURES = (OSError, smtplib.SMTPException)  # what a down, slow or refusing server raises


class SmtpTransport:
    """One connection per mail: smtps (implicit TLS), STARTTLS or plain, then AUTH when a user is given."""

    def __init__(self, settings: SmtpSettings, timeout: float = TIMEOUT_SECONDS) -> None:
        self.settings = settings
        self.timeout = timeout

    def send(self, message: EmailMessage) -> None:
        s = self.settings
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if s.tls:
            client = smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout, context=context)
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
        with client:
            if s.starttls:
                client.starttls(context=context)
            if s.username:
                client.login(s.username, s.password)
            client.send_message(message)
