"""Connections to a Databricks SQL warehouse: settings, credentials, one connection per thread, retries.

The connector's connections are not thread-safe (threadsafety = 1), so every thread gets its own,
opened lazily. Statements use native named parameters (`:name` with a dict), never SQL built from
values. A Delta concurrent-modification error is retried by the caller (see `is_concurrency_error`).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from typing import Any

from app.store.errors import StoreUnavailable

log = logging.getLogger(__name__)

Connect = Callable[[], Any]
CONNECTOR_RETRIES = {"_retry_stop_after_attempts_count": 10, "_retry_stop_after_attempts_duration": 90.0}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
_CONCURRENCY_MARKERS = (
    "DELTA_CONCURRENT", "CONCURRENTAPPEND", "CONCURRENTDELETE", "CONCURRENTTRANSACTION",
    "CONCURRENTMODIFICATION", "METADATACHANGED", "PROTOCOLCHANGED",
)


def identifier(name: str, what: str) -> str:
    """A catalog/schema/table name from config, checked to be a plain identifier, backquoted."""
    if not _IDENTIFIER.match(name or ""):
        raise ValueError(f"{what} {name!r} is not a valid identifier (letters, digits, underscore).")
    return f"`{name}`"


def is_concurrency_error(exc: BaseException) -> bool:
    """Whether a Delta commit lost a race (safe to re-run the whole read-modify-write)."""
    text = f"{type(exc).__name__} {exc}".upper().replace("_", "").replace(" ", "")
    return any(marker.replace("_", "") in text for marker in _CONCURRENCY_MARKERS)


def affected_rows(rows: list[dict[str, Any]], rowcount: int) -> int:
    """How many rows a DML statement changed. The warehouse answers every UPDATE/DELETE/MERGE/INSERT with
    one row holding `num_affected_rows` (a MERGE also `num_updated_rows`, `num_deleted_rows`,
    `num_inserted_rows`); that row decides. `cursor.rowcount` is filled only by some connector versions
    and backends, so it is the fallback when no such row came back (and -1, "unknown", for queries)."""
    if len(rows) == 1 and "num_affected_rows" in rows[0]:
        return int(rows[0]["num_affected_rows"] or 0)
    return rowcount


def connect_kwargs(settings: dict[str, str]) -> dict[str, Any]:
    """Arguments for databricks.sql.connect from DATABRICKS_* settings (token, else OAuth M2M)."""
    host = (settings.get("DATABRICKS_SERVER_HOSTNAME") or settings.get("DATABRICKS_HOST") or "").strip()
    host = re.sub(r"^https?://", "", host).rstrip("/")
    if not host:
        raise RuntimeError("STORE=databricks needs DATABRICKS_HOST (or DATABRICKS_SERVER_HOSTNAME).")
    http_path = (settings.get("DATABRICKS_HTTP_PATH") or "").strip()
    warehouse = (settings.get("DATABRICKS_WAREHOUSE_ID") or "").strip()
    if not http_path and warehouse:
        http_path = f"/sql/1.0/warehouses/{warehouse}"
    if not http_path:
        raise RuntimeError("STORE=databricks needs DATABRICKS_HTTP_PATH or DATABRICKS_WAREHOUSE_ID.")
    # Timestamps are stored and read as UTC whatever the warehouse's default time zone is. The connector
    # retries an unreachable warehouse for 15 minutes by default; a web request gives up after 90 s.
    kwargs: dict[str, Any] = {"server_hostname": host, "http_path": http_path, "user_agent_entry": "deltadesk",
                              "session_configuration": {"TIMEZONE": "UTC"}, **CONNECTOR_RETRIES}
    token = (settings.get("DATABRICKS_TOKEN") or "").strip()
    if token:
        kwargs["access_token"] = token
    else:
        kwargs["credentials_provider"] = service_principal_provider(host, settings)
    return kwargs


def service_principal_provider(host: str, settings: dict[str, str]) -> Callable[[], Any]:
    """OAuth M2M for the app's service principal through databricks-sdk (it refreshes tokens).

    The SDK Config is built on first use (it may call the workspace), so the app starts even when
    the workspace is unreachable; connecting then fails as StoreUnavailable and is retried later.
    """
    configs: list[Any] = []
    guard = threading.Lock()

    def provider() -> Callable[[], dict[str, str]]:
        with guard:
            if not configs:
                from databricks.sdk.core import Config

                configs.append(Config(host=f"https://{host}", client_id=settings.get("DATABRICKS_CLIENT_ID") or None,
                                      client_secret=settings.get("DATABRICKS_CLIENT_SECRET") or None))
        return configs[0].authenticate

    return provider


def databricks_connector(settings: dict[str, str]) -> Connect:
    """A zero-argument function opening one new connection to the configured warehouse."""
    from databricks import sql

    kwargs = connect_kwargs(settings)

    def connect() -> Any:
        return sql.connect(**kwargs)

    return connect


class ConnectionPool:
    """One connection per thread; runs statements and counts them (round trips are the cost)."""

    def __init__(self, connect: Connect) -> None:
        self._connect = connect
        self._local = threading.local()
        self._all: list[Any] = []
        self._guard = threading.Lock()
        self.statements = 0

    def _connection(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = self._connect()
            except Exception as exc:  # the connector raises many kinds; all mean "no warehouse now"
                log.exception("cannot connect to the SQL warehouse")
                raise StoreUnavailable("The ticket database is not reachable. Try again shortly.") from exc
            self._local.conn = conn
            with self._guard:
                self._all.append(conn)
        return conn

    def run(self, sql: str, params: dict[str, Any] | None = None) -> tuple[list[dict[str, Any]], int]:
        """Execute one statement; returns (rows as dicts, affected row count: see affected_rows)."""
        conn = self._connection()
        with self._guard:
            self.statements += 1
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql, params or {})
                names = [d[0] for d in cursor.description or ()]
                rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()] if names else []
                return rows, affected_rows(rows, cursor.rowcount)
        except Exception as exc:
            if not is_concurrency_error(exc):
                self._drop()
            raise

    def _drop(self) -> None:
        """Forget this thread's connection after an error (it may be broken); the next call reopens."""
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with self._guard:
                if conn in self._all:
                    self._all.remove(conn)
            try:
                conn.close()
            except Exception:  # closing a broken connection can fail in many ways; nothing to do
                log.debug("closing a failed connection raised", exc_info=True)

    def close(self) -> None:
        with self._guard:
            conns, self._all = self._all, []
        for conn in conns:
            try:
                conn.close()
            except Exception:
                log.debug("closing a connection raised", exc_info=True)
