"""A local stand-in for a Databricks SQL warehouse: a DB-API connection that runs each Databricks
statement on DuckDB after translating it with sqlglot (test infrastructure only).

Every statement is first parsed with the databricks dialect (a syntax error fails the test), then
transpiled to DuckDB; `:name` parameters become `$name`. Connections run concurrently, as sessions
of a warehouse do: each one is its own DuckDB connection, and each DML statement is one transaction
(one Delta commit), so Delta's conflict rules with row-level concurrency hold for what the store
relies on:

* two statements that UPDATE/DELETE/MERGE-modify the same row: the later one fails with a Delta-style
  concurrent-modification error (DuckDB's "Conflict on update", mapped), and nothing of it is written;
* concurrent INSERTs and insert-only MERGEs never conflict: both commit, even when each checked that
  the other's row was absent (so a MERGE alone cannot keep a key unique; see tests/unit/test_sql_races.py).

`commit_delay` / `pause` hold a DML statement's transaction open before it commits, which widens the
windows in which races happen. Like the warehouse, a DML statement answers with one row
(`num_affected_rows`, and for MERGE `num_updated_rows`, `num_deleted_rows`, `num_inserted_rows`) and
leaves `cursor.rowcount` at -1. What DuckDB cannot do is emulated narrowly: table properties are
recorded per table, and `<catalog>.information_schema` maps to DuckDB's information_schema.
`fail_next` injects errors before or after a statement runs.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp

_PROPS = re.compile(r"TBLPROPERTIES\s*\((.*)\)\s*$", re.S | re.I)
_PROP = re.compile(r"'([\w.]+)'\s*=\s*'([^']*)'")
_CREATE = re.compile(r"CREATE TABLE IF NOT EXISTS\s+([`\w.]+)", re.I)
_ALTER = re.compile(r"ALTER TABLE\s+([`\w.]+)\s+SET TBLPROPERTIES", re.I)
_SHOW = re.compile(r"SHOW TBLPROPERTIES\s+([`\w.]+)\s*$", re.I)
_INFO = re.compile(r"[`\"\w]+\.information_schema\.", re.I)
_DML = (exp.Insert, exp.Update, exp.Delete, exp.Merge)
CONFLICT = ("[DELTA_CONCURRENT_APPEND] ConcurrentModificationException: a concurrent transaction modified "
            "a row this one modifies (emulated from DuckDB: {0})")
MERGE_COLUMNS = ("num_affected_rows", "num_updated_rows", "num_deleted_rows", "num_inserted_rows")


class ServerOperationError(Exception):
    """Named like the connector's error for a statement the warehouse rejected."""


@functools.lru_cache(maxsize=1024)
def translate(operation: str) -> tuple[str, str]:
    """(kind, DuckDB text) for a Databricks statement, kind being MERGE/UPDATE/DELETE/INSERT or "" for
    anything else; parsing it with the databricks dialect first, so invalid Databricks SQL raises here."""
    parsed = sqlglot.parse_one(operation, read="databricks")
    duck = _INFO.sub("information_schema.", sqlglot.transpile(operation, read="databricks", write="duckdb")[0])
    if isinstance(parsed, exp.Merge):
        return "MERGE", f"{duck} RETURNING merge_action"
    return (type(parsed).__name__.upper() if isinstance(parsed, _DML) else ""), duck


def _name(text: str) -> str:
    return text.replace("`", "").lower()


class EmulatedWarehouse:
    """One DuckDB database file whose name is the catalog; hands out DB-API connections."""

    def __init__(self, folder: Path, catalog: str, commit_delay: float = 0.0) -> None:
        Path(folder).mkdir(parents=True, exist_ok=True)
        self.path = Path(folder) / f"{catalog}.duckdb"
        self.db = duckdb.connect(str(self.path))
        self.lock = threading.RLock()  # DDL and the bookkeeping below; DML and queries run concurrently
        self.commit_delay = commit_delay
        self.pauses: list[tuple[str, float]] = []
        self.properties: dict[str, dict[str, str]] = {}
        self.failures: list[list[Any]] = []
        self.executed: list[str] = []
        self.conflicts = 0

    def connect(self) -> EmulatedConnection:
        return EmulatedConnection(self)

    def fail_next(self, fragment: str, times: int = 1,
                  message: str = "[DELTA_CONCURRENT_APPEND] Files were added by a concurrent update.",
                  after: bool = False) -> None:
        """The next `times` statements containing `fragment` fail with `message`: before running (nothing
        written) or, with after=True, once they ran (the reply is lost: the caller cannot tell)."""
        with self.lock:
            self.failures.append([fragment, times, message, after])

    def pause(self, fragment: str, seconds: float) -> None:
        """DML statements containing `fragment` hold their transaction open `seconds` before committing."""
        with self.lock:
            self.pauses.append((fragment, seconds))

    def delay_for(self, sql: str) -> float:
        return max([s for f, s in self.pauses if f in sql], default=self.commit_delay)

    def injected(self, sql: str, after: bool) -> str | None:
        with self.lock:
            for failure in self.failures:
                if failure[0] in sql and failure[1] > 0 and failure[3] == after:
                    failure[1] -= 1
                    return failure[2]
        return None

    def close(self) -> None:
        self.db.close()


class EmulatedConnection:
    """One warehouse session: its own DuckDB connection to the shared database."""

    def __init__(self, warehouse: EmulatedWarehouse) -> None:
        self.warehouse = warehouse
        with warehouse.lock:
            self.duck = warehouse.db.cursor()
            self.duck.execute("SET TimeZone = 'UTC'")
        self.closed = False

    def cursor(self) -> EmulatedCursor:
        return EmulatedCursor(self)

    def close(self) -> None:
        self.closed = True


class EmulatedCursor:
    def __init__(self, connection: EmulatedConnection) -> None:
        self.connection = connection
        self.description: list[tuple[Any, ...]] | None = None
        self.rowcount = -1  # like the connector, whose rowcount is not guaranteed; DML answers with a row
        self._rows: list[tuple[Any, ...]] = []

    def __enter__(self) -> EmulatedCursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._rows = []

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self._rows)

    def execute(self, operation: str, parameters: dict[str, Any] | None = None) -> EmulatedCursor:
        warehouse = self.connection.warehouse
        if self.connection.closed:
            raise ServerOperationError("connection is closed")
        kind, sql = translate(operation)
        warehouse.executed.append(operation)
        failure = warehouse.injected(operation, after=False)
        if failure:
            raise ServerOperationError(failure)
        used = set(re.findall(r"\$(\w+)", sql))
        params = {k: v for k, v in (parameters or {}).items() if k in used}
        if kind:
            self._commit(kind, sql, params, warehouse.delay_for(operation))
        else:
            with warehouse.lock:
                handled = self._emulate_properties(operation)
            if not handled:
                self._query(operation, sql, params)
        lost_reply = warehouse.injected(operation, after=True)
        if lost_reply:
            raise ServerOperationError(lost_reply)
        return self

    def _query(self, operation: str, sql: str, params: dict[str, Any]) -> None:
        """A query, or DDL (under the warehouse lock: db-init runs alone)."""
        if operation.lstrip().upper().startswith(("SELECT", "WITH")):
            result = self.connection.duck.execute(sql, params)
        else:
            with self.connection.warehouse.lock:
                result = self.connection.duck.execute(sql, params)
        self.description = result.description
        self._rows = result.fetchall() if result.description else []

    def _commit(self, kind: str, sql: str, params: dict[str, Any], delay: float) -> None:
        """One DML statement as one transaction (one Delta commit), held open `delay` seconds; a write-write
        conflict with a concurrent statement becomes the Delta error, with nothing written."""
        duck = self.connection.duck
        try:
            duck.execute("BEGIN TRANSACTION")
            rows = duck.execute(sql, params).fetchall()
            if delay:
                time.sleep(delay)
            duck.execute("COMMIT")
        except duckdb.TransactionException as exc:
            try:
                duck.execute("ROLLBACK")
            except duckdb.Error:
                pass  # DuckDB already ended the failed transaction
            with self.connection.warehouse.lock:
                self.connection.warehouse.conflicts += 1
            raise ServerOperationError(CONFLICT.format(exc)) from exc
        if kind == "MERGE":
            actions = [r[0] for r in rows]
            counts = [actions.count(a) for a in ("UPDATE", "DELETE", "INSERT")]
            self.description, self._rows = [(c,) for c in MERGE_COLUMNS], [(len(actions), *counts)]
        elif kind == "INSERT":
            self.description, self._rows = [("num_affected_rows",), ("num_inserted_rows",)], [(rows[0][0],) * 2]
        else:
            self.description, self._rows = [("num_affected_rows",)], [(int(rows[0][0]),)]

    def _emulate_properties(self, operation: str) -> bool:
        """Record TBLPROPERTIES of CREATE/ALTER and answer SHOW TBLPROPERTIES; True when fully handled."""
        props = self.connection.warehouse.properties
        show = _SHOW.match(operation.strip())
        if show:
            self.description = [("key",), ("value",)]
            self._rows = list(props.get(_name(show.group(1)), {}).items())
            return True
        alter = _ALTER.match(operation.strip())
        if alter:
            props.setdefault(_name(alter.group(1)), {}).update(_PROP.findall(operation))
            self.description, self._rows = None, []
            return True
        create = _CREATE.match(operation.strip())
        found = _PROPS.search(operation)
        if create and found:
            props.setdefault(_name(create.group(1)), {}).update(_PROP.findall(found.group(1)))
        return False
