"""A local stand-in for a Databricks SQL warehouse: a DB-API connection that runs each Databricks
statement on DuckDB after translating it with sqlglot (test infrastructure only).

Every statement is first parsed with the databricks dialect (a syntax error fails the test), then
transpiled to DuckDB; `:name` parameters become `$name`. Statements run one at a time under a lock,
like single Delta commits. What DuckDB cannot do is emulated narrowly: table properties
(TBLPROPERTIES / SHOW TBLPROPERTIES) are recorded per table, and `<catalog>.information_schema`
maps to DuckDB's information_schema. `fail_next` injects Delta-style concurrent-modification errors.
"""

from __future__ import annotations

import functools
import re
import threading
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


class ServerOperationError(Exception):
    """Named like the connector's error for a statement the warehouse rejected."""


@functools.lru_cache(maxsize=1024)
def translate(operation: str) -> tuple[bool, str]:
    """(is it DML, DuckDB text) for a Databricks statement; parsing it with the databricks dialect
    first, so invalid Databricks SQL raises here."""
    parsed = sqlglot.parse_one(operation, read="databricks")
    duck = sqlglot.transpile(operation, read="databricks", write="duckdb")[0]
    return isinstance(parsed, _DML), _INFO.sub("information_schema.", duck)


def _name(text: str) -> str:
    return text.replace("`", "").lower()


class EmulatedWarehouse:
    """One DuckDB database file whose name is the catalog; hands out DB-API connections."""

    def __init__(self, folder: Path, catalog: str) -> None:
        Path(folder).mkdir(parents=True, exist_ok=True)
        self.path = Path(folder) / f"{catalog}.duckdb"
        self.db = duckdb.connect(str(self.path))
        self.lock = threading.RLock()
        self.properties: dict[str, dict[str, str]] = {}
        self.failures: list[list[Any]] = []
        self.executed: list[str] = []

    def connect(self) -> EmulatedConnection:
        return EmulatedConnection(self)

    def fail_next(self, fragment: str, times: int = 1,
                  message: str = "[DELTA_CONCURRENT_APPEND] Files were added by a concurrent update.",
                  after: bool = False) -> None:
        """The next `times` statements containing `fragment` fail with `message`: before running (nothing
        written) or, with after=True, once they ran (the reply is lost: the caller cannot tell)."""
        self.failures.append([fragment, times, message, after])

    def _injected(self, sql: str, after: bool) -> str | None:
        for failure in self.failures:
            if failure[0] in sql and failure[1] > 0 and failure[3] == after:
                failure[1] -= 1
                return failure[2]
        return None

    def close(self) -> None:
        self.db.close()


class EmulatedConnection:
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
        self.rowcount = -1
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
        is_dml, sql = translate(operation)
        with warehouse.lock:
            warehouse.executed.append(operation)
            failure = warehouse._injected(operation, after=False)
            if failure:
                raise ServerOperationError(failure)
            if self._emulate_properties(operation):
                return self
            used = set(re.findall(r"\$(\w+)", sql))
            params = {k: v for k, v in (parameters or {}).items() if k in used}
            result = self.connection.duck.execute(sql, params)
            if is_dml:
                self.rowcount = int(result.fetchall()[0][0])
                self.description, self._rows = None, []
            else:
                self.description = result.description
                self._rows = result.fetchall() if result.description else []
                self.rowcount = len(self._rows)
            lost_reply = warehouse._injected(operation, after=True)
            if lost_reply:
                raise ServerOperationError(lost_reply)
        return self

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
            self.description, self._rows, self.rowcount = None, [], 0
            return True
        create = _CREATE.match(operation.strip())
        found = _PROPS.search(operation)
        if create and found:
            props.setdefault(_name(create.group(1)), {}).update(_PROP.findall(found.group(1)))
        return False
