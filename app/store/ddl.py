"""Reads the Databricks DDL in schemas/*.sql so the embedded store creates exactly those tables."""

from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path

import pyarrow as pa

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"

ARROW_TYPES: dict[str, pa.DataType] = {
    "STRING": pa.string(),
    "BIGINT": pa.int64(),
    "INT": pa.int32(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us", tz="UTC"),
    "DOUBLE": pa.float64(),
}

_TABLE_RE = re.compile(r"CREATE TABLE IF NOT EXISTS\s+\{catalog\}\.\{schema\}\.(\w+)\s*\((.*?)\)\s*USING DELTA", re.S)
_COLUMN_RE = re.compile(r"^\s*(\w+)\s+([A-Z]+)(\s+NOT NULL)?", re.M)
_PROP_RE = re.compile(r"'([\w.]+)'\s*=\s*'([^']*)'")


@dataclasses.dataclass(frozen=True)
class TableDef:
    name: str
    schema: pa.Schema
    properties: dict[str, str]
    sql: str

    @property
    def columns(self) -> list[str]:
        return self.schema.names


@functools.cache
def table_defs(schema_dir: Path = SCHEMA_DIR) -> dict[str, TableDef]:
    """Every table declared in schema_dir/*.sql, by name, in file order."""
    defs: dict[str, TableDef] = {}
    for path in sorted(schema_dir.glob("*.sql")):
        sql = path.read_text()
        for match in _TABLE_RE.finditer(sql):
            name, body = match.group(1), match.group(2)
            fields = [
                pa.field(col, ARROW_TYPES[typ], nullable=not notnull)
                for col, typ, notnull in _COLUMN_RE.findall(body)
            ]
            tail = sql[match.end():]
            props = dict(_PROP_RE.findall(tail.split(";", 1)[0]))
            defs[name] = TableDef(name, pa.schema(fields), props, sql)
    return defs


def table_def(name: str) -> TableDef:
    return table_defs()[name]
