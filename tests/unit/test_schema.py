"""The embedded store creates exactly the tables, columns and types that schemas/*.sql declare.

Tables only the Databricks store needs live in schemas/databricks/*.sql (work_item_counters: the rows that
keep keys, seq and votes unique under the warehouse's row-level concurrency). The embedded store, which
serializes its writers itself, neither creates nor exports them; they follow the same DDL rules."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot
from deltalake import DeltaTable
from sqlglot import expressions as exp

from app.store.delta_store import DeltaStore

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
DELTA_TYPE = {"STRING": "string", "BIGINT": "long", "INT": "integer", "TIMESTAMP": "timestamp",
              "DATE": "date", "BOOLEAN": "boolean", "DOUBLE": "double"}


def _declared(folder: Path = SCHEMAS) -> dict[str, tuple[list[tuple[str, str, bool]], dict[str, str]]]:
    """Parse the DDL with sqlglot's Databricks dialect: table -> ([(column, type, nullable)], properties)."""
    tables = {}
    for path in sorted(folder.glob("*.sql")):
        sql = path.read_text().replace("{catalog}.{schema}.", "")
        for stmt in sqlglot.parse(sql, read="databricks"):
            if not isinstance(stmt, exp.Create):
                continue
            columns = []
            for col in stmt.this.expressions:
                not_null = any(isinstance(c.kind, exp.NotNullColumnConstraint) for c in col.constraints)
                has_comment = any(isinstance(c.kind, exp.CommentColumnConstraint) for c in col.constraints)
                assert has_comment, f"{stmt.this.this.name}.{col.name} has no COMMENT"
                columns.append((col.name, col.args["kind"].sql("databricks").upper(), not not_null))
            props = {p.name: p.text("value") for p in stmt.find_all(exp.Property) if p.name.startswith("delta.")}
            assert not list(stmt.find_all(exp.PartitionedByProperty)), "tables stay unpartitioned"
            assert not list(stmt.find_all(exp.GeneratedAsIdentityColumnConstraint)), "ids come from the app"
            tables[stmt.this.this.name] = (columns, props)
    return tables


DECLARED = _declared()


def test_ddl_declares_the_core_tables_unpartitioned_with_cdf_and_deletion_vectors() -> None:
    assert {"work_items", "work_item_events", "work_item_comments", "work_item_votes"} <= set(DECLARED)
    for name, (columns, props) in DECLARED.items():
        assert props.get("delta.enableChangeDataFeed") == "true", name
        assert props.get("delta.enableDeletionVectors") == "true", name
        names = [c for c, _, _ in columns]
        assert {"created_at", "created_by"} <= set(names), f"{name} lacks audit columns"
    wi = [c for c, _, _ in DECLARED["work_items"][0]]
    assert {"updated_at", "updated_by", "version"} <= set(wi)


@pytest.mark.parametrize("table", sorted(DECLARED))
def test_embedded_tables_match_the_ddl(tmp_path: Path, table: str) -> None:
    DeltaStore(tmp_path / "data").close()
    schema = DeltaTable(str(tmp_path / "data" / table)).schema()
    actual = [(f.name, f.type.type, f.nullable) for f in schema.fields]
    expected = [(name, DELTA_TYPE[kind], nullable) for name, kind, nullable in DECLARED[table][0]]
    assert actual == expected
    config = DeltaTable(str(tmp_path / "data" / table)).metadata().configuration
    assert config.get("delta.enableChangeDataFeed") == "true"


def test_databricks_only_tables_follow_the_ddl_rules_and_stay_out_of_the_embedded_store(tmp_path: Path) -> None:
    sql_only = _declared(SCHEMAS / "databricks")
    assert set(sql_only) == {"work_item_counters"} and not set(sql_only) & set(DECLARED)
    for name, (_, props) in sql_only.items():
        assert props.get("delta.enableDeletionVectors") == "true", f"{name} needs row-level concurrency"
    DeltaStore(tmp_path / "data").close()
    assert not (tmp_path / "data" / "work_item_counters").exists()
