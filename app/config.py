"""Every setting in one typed place, read from the environment (README's table mirrors SETTINGS)."""

from __future__ import annotations

import dataclasses
import os
import secrets
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PLATFORMS = "databricks-workspace,sql-warehouse,unity-catalog,jobs,delta-live-tables,mlflow,kafka,airflow"

# name: (default, description) — the README configuration table is checked against this by a test.
SETTINGS: dict[str, tuple[str, str]] = {
    "ENV": ("development", "`development` or `production`; production refuses dev sign-in and needs SECRET_KEY"),
    "SECRET_KEY": ("", "Signs session cookies and CSRF tokens; required outside development"),
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
    "RATELIMIT_STORAGE_URI": ("memory://", "flask-limiter storage; e.g. redis://host:6379 for several instances"),
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
}


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclasses.dataclass
class Config:
    """Typed settings; `from_env` reads SETTINGS' names, tests pass overrides."""

    values: dict[str, str]

    @classmethod
    def from_env(cls, overrides: dict[str, Any] | None = None) -> Config:
        values = {name: os.environ.get(name, default) for name, (default, _) in SETTINGS.items()}
        values.update({k: str(v) for k, v in (overrides or {}).items()})
        return cls(values)

    def __getitem__(self, name: str) -> str:
        return self.values[name]

    def flag(self, name: str) -> bool:
        return _flag(self.values[name])

    @property
    def production(self) -> bool:
        return self.values["ENV"].strip().lower() == "production"

    @property
    def platforms(self) -> list[str]:
        return [p.strip() for p in self.values["PLATFORMS"].split(",") if p.strip()]

    @property
    def data_dir(self) -> Path:
        return Path(self.values["DATA_DIR"]).resolve()

    @property
    def embed_origins(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.values["EMBED_ALLOWED_ORIGINS"].split(",") if o.strip()]

    def secret_key(self) -> str:
        """SECRET_KEY, or a per-process random key in development."""
        key = self.values["SECRET_KEY"]
        if key:
            return key
        if self.production:
            raise RuntimeError("SECRET_KEY must be set when ENV=production")
        return secrets.token_hex(32)
