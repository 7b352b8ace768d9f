"""sql.connect gets the right arguments for a token and for the app's service principal (no network)."""

from __future__ import annotations

from typing import Any

import pytest
from databricks import sql

from app import create_app
from app.config import Config
from app.core.context import services
from app.store.sql_connection import ConnectionPool, connect_kwargs, databricks_connector, is_concurrency_error
from app.store.sql_store import SqlStore

BASE = {"DATABRICKS_HOST": "https://adb-123.4.azuredatabricks.net/", "DATABRICKS_WAREHOUSE_ID": "abc123",
        "DATABRICKS_CATALOG": "main", "DATABRICKS_SCHEMA": "deltadesk"}


class FakeConnection:
    def close(self) -> None:
        pass


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []

    def fake_connect(**kwargs: Any) -> FakeConnection:
        seen.append(kwargs)
        return FakeConnection()

    monkeypatch.setattr(sql, "connect", fake_connect)
    return seen


def test_token_credentials(calls: list[dict[str, Any]]) -> None:
    connect = databricks_connector({**BASE, "DATABRICKS_TOKEN": "dapi-secret"})
    connect()
    assert calls == [{"server_hostname": "adb-123.4.azuredatabricks.net", "http_path": "/sql/1.0/warehouses/abc123",
                      "access_token": "dapi-secret", "user_agent_entry": "deltadesk",
                      "session_configuration": {"TIMEZONE": "UTC"}, "_retry_stop_after_attempts_count": 10,
                      "_retry_stop_after_attempts_duration": 90.0}]


def test_service_principal_oauth_m2m(calls: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    from databricks.sdk.core import Config as SdkConfig

    headers_seen: list[str] = []

    def fake_authenticate(self: SdkConfig) -> dict[str, str]:
        headers_seen.append(f"{self.client_id}:{self.client_secret}@{self.host}")
        return {"Authorization": "Bearer sp-token"}

    monkeypatch.setattr(SdkConfig, "authenticate", fake_authenticate)
    monkeypatch.setattr(SdkConfig, "init_auth", lambda self: None)
    monkeypatch.setattr(SdkConfig, "_resolve_host_metadata", lambda self: None)
    settings = {**BASE, "DATABRICKS_HTTP_PATH": "/sql/1.0/warehouses/explicit", "DATABRICKS_CLIENT_ID": "sp-id",
                "DATABRICKS_CLIENT_SECRET": "sp-secret"}
    databricks_connector(settings)()
    [kwargs] = calls
    assert "access_token" not in kwargs
    assert kwargs["server_hostname"] == "adb-123.4.azuredatabricks.net"
    assert kwargs["http_path"] == "/sql/1.0/warehouses/explicit"
    header_factory = kwargs["credentials_provider"]()
    assert header_factory() == {"Authorization": "Bearer sp-token"}
    assert headers_seen == ["sp-id:sp-secret@https://adb-123.4.azuredatabricks.net"]


def test_server_hostname_alias_and_missing_settings() -> None:
    kwargs = connect_kwargs({"DATABRICKS_SERVER_HOSTNAME": "dbc-1.cloud.databricks.com",
                             "DATABRICKS_HTTP_PATH": "/sql/1.0/warehouses/w", "DATABRICKS_TOKEN": "t"})
    assert kwargs["server_hostname"] == "dbc-1.cloud.databricks.com"
    with pytest.raises(RuntimeError, match="DATABRICKS_HOST"):
        connect_kwargs({"DATABRICKS_WAREHOUSE_ID": "w"})
    with pytest.raises(RuntimeError, match="DATABRICKS_HTTP_PATH or DATABRICKS_WAREHOUSE_ID"):
        connect_kwargs({"DATABRICKS_HOST": "h"})


def test_store_databricks_selects_the_sql_store(calls: list[dict[str, Any]], tmp_path: Any) -> None:
    app = create_app({**BASE, "STORE": "databricks", "DATABRICKS_TOKEN": "t", "DATA_DIR": str(tmp_path)})
    store = services(app).store
    assert isinstance(store, SqlStore)
    assert store.sql.items == "`main`.`deltadesk`.`work_items`"
    assert store.reconciler is not None  # start-up recovery runs in the background, not in create_app
    store.close()
    assert Config.from_env({"STORE": "databricks"})["STORE"] == "databricks"


def test_each_thread_gets_its_own_connection() -> None:
    import threading

    opened: list[object] = []

    def connect() -> object:
        conn = FakeConnection()
        opened.append(conn)
        return conn

    pool = ConnectionPool(connect)
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(pool._connection())) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(map(id, seen))) == 3 and len(opened) == 3
    assert pool._connection() is pool._connection()


@pytest.mark.parametrize("message", [
    "[DELTA_CONCURRENT_APPEND] Files were added to the root of the table by a concurrent update",
    "io.delta.exceptions.ConcurrentAppendException: Files were added",
    "[DELTA_CONCURRENT_DELETE_READ] This transaction attempted to read one or more files that were deleted",
    "ConcurrentTransactionException",
])
def test_concurrency_errors_are_recognised(message: str) -> None:
    assert is_concurrency_error(Exception(message))


def test_other_errors_are_not_concurrency_errors() -> None:
    assert not is_concurrency_error(Exception("[TABLE_OR_VIEW_NOT_FOUND] work_items"))
