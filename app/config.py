"""Every setting in one typed place, read from the environment (README's table mirrors SETTINGS)."""

from __future__ import annotations

import dataclasses
import os
import secrets
from pathlib import Path
from typing import Any

from app.models.flags import flag_or_none, parse_flag
from app.models.mail import SmtpUrlError, parse_smtp_url
from app.models.work_item import Role

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PLATFORMS = "databricks-workspace,sql-warehouse,unity-catalog,jobs,delta-live-tables,mlflow,kafka,airflow"

# name: (default, description) — the README configuration table is checked against this by a test.
SETTINGS: dict[str, tuple[str, str]] = {
    "ENV": ("development", "Only `development` or `production`; production refuses dev sign-in, needs SECRET_KEY"),
    "SECRET_KEY": ("", "Signs session cookies and CSRF tokens; required, at least 32 characters, when ENV=production"),
    "STORE": ("embedded", "`embedded` (local Delta tables) or `databricks` (Unity Catalog via a SQL warehouse)"),
    "DATA_DIR": ("./data", "Folder of the embedded Delta tables"),
    "PLATFORMS": (DEFAULT_PLATFORMS, "Comma-separated platforms an item can be filed against"),
    "AUTH_MODE": ("dev", "`dev` (sign-in page), `proxy` (trust X-Forwarded-Email) or `token` (bearer only)"),
    "ALLOW_ANONYMOUS_READ": ("1", "Let callers without identity read (writes always need one)"),
    "RBAC_FILE": ("", "TOML file mapping users to roles (default_role, [roles])"),
    "DEFAULT_ROLE": ("reporter", "Role of authenticated users without an RBAC entry when no RBAC_FILE is set"),
    "USE_MOCK_DATA": ("0", "Seed demo data into an empty store (`make run` sets 1)"),
    "MOCK_SCENARIO": ("default", "`default`, `empty` or `large` (50 000 items)"),
    "RATELIMIT_ENABLED": ("1", "Switch rate limits on or off"),
    "RATELIMIT_STORAGE_URI": ("sqlite://", "Rate-limit counts: `sqlite://` (a file in DATA_DIR shared by the "
                              "workers), `sqlite:///file`, `redis://host:6379` (several instances) or `memory://` "
                              "(one process only)"),
    "RATELIMIT_CREATE": ("20/minute;200/day", "Limit for creating items, per user"),
    "RATELIMIT_COMMENT": ("30/minute;1000/day", "Limit for comments, per user"),
    "RATELIMIT_VOTE": ("60/minute;2000/day", "Limit for votes, per user"),
    "RATELIMIT_TRANSITION": ("120/minute;5000/day", "Limit for transitions and edits, per user"),
    "EMBED_ALLOWED_ORIGINS": ("", "Comma-separated origins allowed to embed /embed fragments (CORS, frame-ancestors)"),
    "FRAME_ANCESTORS": ("'none'", "frame-ancestors for normal pages"),
    "CONTENT_DIR": (str(ROOT / "content"), "Folder of markdown pages for Docs and Glossary"),
    "MAX_CONTENT_LENGTH": ("262144", "Largest accepted request body in bytes"),
    "PUBLIC_URL": ("", "Absolute base URL used in embeds and links (defaults to the request's host)"),
    "DATABRICKS_HOST": ("", "Workspace host (or DATABRICKS_SERVER_HOSTNAME)"),
    "DATABRICKS_SERVER_HOSTNAME": ("", "Alias of DATABRICKS_HOST"),
    "DATABRICKS_HTTP_PATH": ("", "SQL warehouse HTTP path (or DATABRICKS_WAREHOUSE_ID)"),
    "DATABRICKS_WAREHOUSE_ID": ("", "SQL warehouse id; the HTTP path is derived from it"),
    "DATABRICKS_CATALOG": ("main", "Unity Catalog catalog of the tables"),
    "DATABRICKS_SCHEMA": ("deltadesk", "Schema of the tables"),
    "DATABRICKS_TOKEN": ("", "Personal access token (else the service principal's OAuth M2M is used)"),
    "DATABRICKS_CLIENT_ID": ("", "Service principal client id (set by Databricks Apps)"),
    "DATABRICKS_CLIENT_SECRET": ("", "Service principal secret (set by Databricks Apps)"),
    "LOG_LEVEL": ("INFO", "Python logging level"),
    "WEBHOOK_DISPATCH": ("1", "Run the webhook dispatcher thread in this process (0: never deliver from it)"),
    "WEBHOOK_ALLOWED_HOSTS": ("", "Comma-separated hosts webhooks may call although they resolve to private, "
                                  "loopback or link-local addresses"),
    "WEBHOOK_POLL_SECONDS": ("1", "How often the dispatcher looks for new events and due retries"),
    "WEBHOOK_RETRY_BASE_SECONDS": ("5", "First retry delay; doubled after every failed attempt (capped at 1 h)"),
    "WEBHOOK_GIVE_UP_SECONDS": ("86400", "A delivery still failing this long after it was queued is marked failed"),
    "WEBHOOK_LEASE_SECONDS": ("30", "How long the dispatcher lease lasts unless renewed (another process then "
                                    "takes over)"),
    "WEBHOOK_GRACE_SECONDS": ("60", "Events are re-read this far behind the cursor, so a write committed late "
                                    "is still delivered"),
    "LIVE_POLL_SECONDS": ("1", "Databricks store: seconds between the one events query per process that feeds "
                          "every live page (the embedded store needs none)"),
    "LIVE_HEARTBEAT_SECONDS": ("15", "Seconds of quiet before a live stream sends a heartbeat (keeps proxies "
                               "from closing it)"),
    "LIVE_STREAM_SECONDS": ("600", "A live stream then ends and the browser reconnects (Last-Event-ID, any worker)"),
    "LIVE_MAX_STREAMS": ("10", "Open live pages per person (more answer 429)"),
    "LIVE_WORKER_STREAMS": ("", "Live streams one worker process holds (more answer 503); empty: gunicorn "
                            "`--threads` minus 4, at least half of them"),
    "WEBHOOK_KEEP_DAYS": ("30", "Delivered and failed webhook deliveries older than this many days are deleted "
                                "(hourly; each webhook's last 100 stay listed)"),
    "SMTP_URL": ("", "Mail notifications through this server: `smtp://host:25`, `smtp://host:587?starttls=1` or "
                 "`smtps://user:pass@host:465` (percent-encoded); unset: no mail. Needs PUBLIC_URL"),
    "SMTP_FROM": ("", "From address of notification mails (default `deltadesk@` the PUBLIC_URL host)"),
    "MAIL_WINDOW_SECONDS": ("60", "Events on one item within this many seconds fold into one mail per person"),
    "MAIL_POLL_SECONDS": ("5", "How often the mailer looks for new notifications"),
}


# Enum-like settings: anything else refuses to start (a typo such as ENV=prod must not mean "development").
CHOICES: dict[str, tuple[str, ...]] = {
    "ENV": ("development", "production"),
    "STORE": ("embedded", "databricks"),
    "AUTH_MODE": ("dev", "proxy", "token"),
    "MOCK_SCENARIO": ("default", "empty", "large"),
    "DEFAULT_ROLE": tuple(role.name.lower() for role in Role),
    "LOG_LEVEL": ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
}
FLAGS = ("ALLOW_ANONYMOUS_READ", "USE_MOCK_DATA", "RATELIMIT_ENABLED")
SECONDS = ("LIVE_POLL_SECONDS", "LIVE_HEARTBEAT_SECONDS", "LIVE_STREAM_SECONDS")  # positive numbers
COUNTS = ("LIVE_MAX_STREAMS", "LIVE_WORKER_STREAMS")  # whole numbers (LIVE_WORKER_STREAMS may be empty)
MIN_SECRET_KEY = 32
RATELIMIT_FILE = ".ratelimits.sqlite3"


class ConfigError(RuntimeError):
    """A setting has a value the app cannot run with; the message names the variable and what it accepts."""


def _canonical_choice(name: str, value: str) -> str:
    """The allowed spelling of an enum-like value (case and surrounding blanks ignored), else ConfigError."""
    allowed = CHOICES[name]
    for choice in allowed:
        if value.strip().lower() == choice.lower():
            return choice
    raise ConfigError(f"{name}={value!r} is not known: use one of {', '.join(allowed)}.")


def validate(values: dict[str, str]) -> dict[str, str]:
    """Check every enum-like, boolean and numeric setting and the production SECRET_KEY; return canonical values."""
    checked = dict(values)
    for name in CHOICES:
        checked[name] = _canonical_choice(name, values[name])
    for name in FLAGS:
        if flag_or_none(values[name]) is None:
            raise ConfigError(f"{name}={values[name]!r} is not a switch: use one of 1, 0, true, false, yes, no, "
                              "on, off.")
    if not values["MAX_CONTENT_LENGTH"].strip().isdigit() or int(values["MAX_CONTENT_LENGTH"]) <= 0:
        raise ConfigError(f"MAX_CONTENT_LENGTH={values['MAX_CONTENT_LENGTH']!r} must be a whole number of bytes.")
    _check_live(values)
    if checked["ENV"] == "production":
        _check_secret_key(values["SECRET_KEY"])
    _check_mail(values)
    return checked


def _check_live(values: dict[str, str]) -> None:
    """The live pages' intervals are positive numbers of seconds and their limits whole numbers: a typo must
    not start a poller that spins or a worker that refuses every stream."""
    for name in SECONDS:
        try:
            ok = 0 < float(values[name]) < float("inf")
        except ValueError:
            ok = False
        if not ok:
            raise ConfigError(f"{name}={values[name]!r} must be a positive number of seconds.")
    for name in COUNTS:
        text = values[name].strip()
        if not (text.isascii() and text.isdigit()) and not (name == "LIVE_WORKER_STREAMS" and not text):
            raise ConfigError(f"{name}={values[name]!r} must be a whole number"
                              + (" (or empty for the default)." if name == "LIVE_WORKER_STREAMS" else "."))
    if int(values["LIVE_MAX_STREAMS"]) < 1:
        raise ConfigError("LIVE_MAX_STREAMS must be at least 1.")


def _check_mail(values: dict[str, str]) -> None:
    """Mail settings: positive intervals always; with SMTP_URL set, a usable URL, an absolute PUBLIC_URL for the
    links in mails (no request to take a host from) and a From address without line breaks."""
    for name in ("MAIL_WINDOW_SECONDS", "MAIL_POLL_SECONDS"):
        try:
            ok = 0 < float(values[name]) <= 86_400
        except ValueError:
            ok = False
        if not ok:
            raise ConfigError(f"{name}={values[name]!r} must be a number of seconds above 0 (at most 86400).")
    if not values["SMTP_URL"].strip():
        return
    try:
        parse_smtp_url(values["SMTP_URL"])
    except SmtpUrlError as exc:
        raise ConfigError(str(exc)) from exc
    if not values["PUBLIC_URL"].strip().startswith(("http://", "https://")):
        raise ConfigError("SMTP_URL needs PUBLIC_URL (e.g. https://desk.example.com): mails link to the app.")
    sender = values["SMTP_FROM"]
    if sender.strip() and ("@" not in sender or any(c in sender for c in "\r\n")):
        raise ConfigError(f"SMTP_FROM={sender!r} must be one mail address (e.g. DeltaDesk <desk@example.com>).")


def _check_secret_key(key: str) -> None:
    """Production signs sessions and CSRF tokens with SECRET_KEY: it must be set and long enough to resist guessing."""
    if not key.strip():
        raise ConfigError("SECRET_KEY must be set when ENV=production (e.g. `python -c 'import secrets; "
                          "print(secrets.token_hex(32))'`).")
    if len(key.strip()) < MIN_SECRET_KEY:
        raise ConfigError(f"SECRET_KEY is too short for ENV=production: use at least {MIN_SECRET_KEY} characters "
                          f"(it has {len(key.strip())}).")


@dataclasses.dataclass
class Config:
    """Typed settings; `from_env` reads SETTINGS' names, tests pass overrides."""

    values: dict[str, str]

    @classmethod
    def from_env(cls, overrides: dict[str, Any] | None = None) -> Config:
        values = {name: os.environ.get(name, default) for name, (default, _) in SETTINGS.items()}
        values.update({k: str(v) for k, v in (overrides or {}).items()})
        return cls(validate(values))

    def __getitem__(self, name: str) -> str:
        return self.values[name]

    def flag(self, name: str) -> bool:
        return parse_flag(self.values[name])

    @property
    def auth_mode(self) -> str:
        """AUTH_MODE as validate() spelled it: dev, proxy or token."""
        return self.values["AUTH_MODE"]

    @property
    def production(self) -> bool:
        return self.values["ENV"] == "production"

    @property
    def platforms(self) -> list[str]:
        return [p.strip() for p in self.values["PLATFORMS"].split(",") if p.strip()]

    @property
    def data_dir(self) -> Path:
        return Path(self.values["DATA_DIR"]).resolve()

    @property
    def ratelimit_storage_uri(self) -> str:
        """RATELIMIT_STORAGE_URI, with the bare default `sqlite://` meaning DATA_DIR/.ratelimits.sqlite3."""
        uri = self.values["RATELIMIT_STORAGE_URI"].strip()
        if uri in ("sqlite://", ""):
            return f"sqlite://{self.data_dir / RATELIMIT_FILE}"
        return uri

    @property
    def embed_origins(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.values["EMBED_ALLOWED_ORIGINS"].split(",") if o.strip()]

    def secret_key(self) -> str:
        """SECRET_KEY, or a per-process random key in development (validate() has checked production's)."""
        key = self.values["SECRET_KEY"]
        if key.strip():
            return key
        if self.production:
            _check_secret_key(key)
        return secrets.token_hex(32)
