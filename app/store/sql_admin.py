"""Catalog objects for the Databricks store: create them from schemas/*.sql and check the live ones."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from app.models import ItemType
from app.store.ddl import TableDef, table_defs
from app.store.sql_counters import sql_only_defs

if TYPE_CHECKING:
    from app.store.sql_store import SqlStore

_COMMENT_LINE = re.compile(r"^\s*--.*$", re.M)
_END = re.compile(r";\s*$", re.M)  # statement ends: a semicolon closing a line (comments may hold ";")


def all_defs() -> dict[str, TableDef]:
    """The shared tables (schemas/*.sql) and the Databricks-only ones (schemas/databricks/*.sql)."""
    return {**table_defs(), **sql_only_defs()}


def table_ddl(store: SqlStore) -> dict[str, str]:
    """CREATE TABLE IF NOT EXISTS per table, from schemas/*.sql with {catalog}.{schema} filled in."""
    out: dict[str, str] = {}
    for name, definition in all_defs().items():
        text = _COMMENT_LINE.sub("", definition.sql)
        text = text.replace("{catalog}", store.sql.catalog).replace("{schema}", store.sql.schema)
        for statement in _END.split(text):
            if f".{name} (" in statement:
                out[name] = statement.strip()
    return out


def property_statements(store: SqlStore) -> dict[str, str]:
    """ALTER TABLE ... SET TBLPROPERTIES per table: brings properties of existing tables up to date."""
    out = {}
    for name, definition in all_defs().items():
        props = ", ".join(f"'{k}' = '{v}'" for k, v in definition.properties.items())
        out[name] = f"ALTER TABLE {_table(store, name)} SET TBLPROPERTIES ({props})"
    return out


def schema_statement(store: SqlStore) -> str:
    return (f"CREATE SCHEMA IF NOT EXISTS {store.sql.catalog}.{store.sql.schema} "
            f"COMMENT 'DeltaDesk tickets: work items, events, comments, votes, API tokens'")


def existing_tables_statement(store: SqlStore) -> str:
    return (f"SELECT table_name FROM {store.sql.catalog}.information_schema.tables "
            f"WHERE table_schema = :schema")


def columns_statement(store: SqlStore) -> str:
    return (f"SELECT table_name, column_name FROM {store.sql.catalog}.information_schema.columns "
            f"WHERE table_schema = :schema")


def show_properties_statement(store: SqlStore, name: str) -> str:
    return f"SHOW TBLPROPERTIES {_table(store, name)}"


def _table(store: SqlStore, name: str) -> str:
    return f"{store.sql.catalog}.{store.sql.schema}.`{name}`"


def _schema_name(store: SqlStore) -> str:
    return store.sql.schema.strip("`")


def existing_tables(store: SqlStore) -> set[str]:
    rows, _ = store.run(existing_tables_statement(store), {"schema": _schema_name(store)})
    return {r["table_name"] for r in rows}


def db_init(store: SqlStore) -> list[str]:
    """Create the schema and every table (idempotent); returns one line per thing done."""
    store.run(schema_statement(store))
    done = [f"schema {store.sql.catalog}.{store.sql.schema} ready"]
    before = existing_tables(store)
    alters = property_statements(store)
    for name, ddl in table_ddl(store).items():
        if name in before:
            store.run(alters[name])
            done.append(f"table {name} exists: properties ensured")
        else:
            store.run(ddl)
            done.append(f"table {name} created")
    seed_counters(store)
    done.append("counters seeded from the items and events")
    return done


def seed_counters(store: SqlStore) -> None:
    """A key row per item type and a seq row per item, or move them up to the stored data (idempotent;
    db-init runs alone, so these inserts need no gate: see sql_counters.py)."""
    stamp = {"updated_at": dt.datetime.now(dt.UTC), "updated_by": "db-init"}
    store.run(store.sql.seed_keys, {**stamp, **{f"type_{i}": t.value for i, t in enumerate(ItemType)}})
    store.run(store.sql.seed_seqs, stamp)


def db_check(store: SqlStore) -> list[str]:
    """Problems with the live tables (missing tables, columns or table properties); empty when fine."""
    rows, _ = store.run(columns_statement(store), {"schema": _schema_name(store)})
    live: dict[str, set[str]] = {}
    for row in rows:
        live.setdefault(row["table_name"], set()).add(row["column_name"])
    problems = []
    for name, definition in all_defs().items():
        if name not in live:
            problems.append(f"table {name} is missing (run `flask --app wsgi db-init`)")
            continue
        missing = [c for c in definition.columns if c not in live[name]]
        if missing:
            problems.append(f"table {name} lacks columns: {', '.join(missing)}")
        props_rows, _ = store.run(show_properties_statement(store, name))
        props = {r["key"]: str(r["value"]) for r in props_rows}
        for key, value in definition.properties.items():
            if props.get(key, "").lower() != value.lower():
                problems.append(f"table {name}: property {key} is {props.get(key)!r}, expected {value!r}")
    return problems
