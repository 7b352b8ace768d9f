"""SMTP_URL and the other mail settings: parsed as documented, refused at start-up with a clear message."""

from __future__ import annotations

import pytest

from app.config import Config, ConfigError
from app.models.mail import SmtpSettings, parse_smtp_url
from app.services.mailer import MailerSettings

BASE = {"PUBLIC_URL": "https://desk.example.com"}


def test_smtp_urls_parse_into_scheme_port_tls_and_decoded_credentials() -> None:
    assert parse_smtp_url("smtp://mail.example.com") == SmtpSettings("mail.example.com", 25)
    assert parse_smtp_url("smtp://mail.example.com:587?starttls=1") == SmtpSettings("mail.example.com", 587,
                                                                                    starttls=True)
    secure = parse_smtp_url("smtps://desk%40example.com:p%40ss%3Aw0rd@mail.example.com")
    assert (secure.port, secure.tls, secure.username, secure.password) == (465, True, "desk@example.com",
                                                                           "p@ss:w0rd")
    assert "p@ss" not in repr(secure)  # the password stays out of logs and tracebacks


@pytest.mark.parametrize(("url", "message"), [
    ("http://mail.example.com", "smtp:// or smtps://"),
    ("mail.example.com:25", "smtp:// or smtps://"),
    ("smtp://:25", "names no host"),
    ("smtp://mail.example.com:99999", "port"),
    ("smtps://mail.example.com?starttls=1", "TLS already"),
    ("smtp://mail.example.com?tls=1", "unknown options: tls"),
])
def test_a_bad_smtp_url_stops_the_start_naming_the_problem(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Config.from_env({**BASE, "SMTP_URL": url})


def test_mail_needs_a_public_url_and_a_single_from_address() -> None:
    with pytest.raises(ConfigError, match="needs PUBLIC_URL"):
        Config.from_env({"SMTP_URL": "smtp://127.0.0.1:25", "PUBLIC_URL": ""})
    with pytest.raises(ConfigError, match="SMTP_FROM"):
        Config.from_env({**BASE, "SMTP_URL": "smtp://127.0.0.1:25", "SMTP_FROM": "desk\nBcc: all@example.com"})
    for name in ("MAIL_WINDOW_SECONDS", "MAIL_POLL_SECONDS"):
        with pytest.raises(ConfigError, match=name):
            Config.from_env({name: "soon"})
        with pytest.raises(ConfigError, match=name):
            Config.from_env({name: "0"})


def test_the_mailer_is_off_without_smtp_url_and_otherwise_built_from_the_settings() -> None:
    assert MailerSettings.from_config(Config.from_env({**BASE, "SMTP_URL": ""})) is None
    settings = MailerSettings.from_config(Config.from_env({**BASE, "SMTP_URL": "smtp://127.0.0.1:2525",
                                                           "MAIL_WINDOW_SECONDS": "30"}))
    assert settings is not None and settings.window == 30 and settings.smtp.port == 2525
    assert settings.context.sender == "DeltaDesk <deltadesk@desk.example.com>"
