"""Every statement the Databricks store can send parses as Databricks SQL and uses only named parameters."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
import sqlglot
from sqlglot import exp

from app.store.base import SORT_FIELDS, ItemQuery
from app.store.export import _insert_sql, read_tables
from app.store.sql_admin import (
    columns_statement,
    existing_tables_statement,
    property_statements,
    schema_statement,
    show_properties_statement,
    table_ddl,
)
from app.store.sql_connection import identifier
from app.store.sql_statements import Statements


class _Recorder:
    """Stands in for a store to capture the statements admin and export code would send."""

    def __init__(self) -> None:
        self.sql = Statements("main", "deltadesk")
        self.sent: list[str] = []

    def run(self, sql: str, params: dict[str, object] | None = None) -> tuple[list[dict[str, object]], int]:
        self.sent.append(sql)
        return [], 0


def every_statement() -> list[str]:
    rec = _Recorder()
    statements = list(rec.sql.all_fixed().values())
    filters = [{}, {"item_type": "incident"}, {"states": ("new", "triaged")}, {"platform": "kafka"},
               {"assignee": "a@x"}, {"author": "b@x"}, {"q": "50% off_"}, {"voted_by": "c@x"},
               {"updated_since": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}]
    for f, sort, desc in itertools.product(filters, SORT_FIELDS, (False, True)):
        query = ItemQuery(sort=sort, descending=desc, page=2, **f)  # type: ignore[arg-type]
        statements += [rec.sql.list_items(query)[0], rec.sql.count_items(query)[0]]
    statements += list(table_ddl(rec).values()) + list(property_statements(rec).values())  # type: ignore[arg-type]
    statements += [schema_statement(rec), existing_tables_statement(rec), columns_statement(rec)]  # type: ignore[arg-type]
    for name in ("work_items", "work_item_events", "work_item_comments", "work_item_votes", "api_tokens"):
        _insert_sql(rec, name, [{}] * 3)
    list(read_tables(rec))
    return statements + rec.sent


def test_the_statement_inventory_is_complete() -> None:
    fixed = Statements("main", "deltadesk").all_fixed()
    assert {"get_item", "detail_head", "detail_history", "events_for", "data_version", "max_number",
            "insert_item", "update_item", "insert_event", "insert_comment", "vote_state", "insert_vote",
            "delete_vote", "unflushed_outboxes", "missing_comments", "vote_drift", "delete_vote_if_latest",
            "insert_token", "find_token", "list_tokens", "revoke_token", "read_key", "claim_key", "sync_key",
            "read_seq", "claim_seq", "release_seq", "seed_seq", "seed_keys", "seed_seqs",
            "unstored_pending"} <= set(fixed)


def test_uniqueness_never_rests_on_an_insert_only_merge() -> None:
    """Under row-level concurrency two insert-only MERGEs both commit: numbers are taken by a compare-and-set
    UPDATE of a counter row, or by a MERGE whose source is gated on a counter row it also updates."""
    sql = Statements("main", "deltadesk")
    assert "value = :seen" in sql.claim_seq and sql.claim_seq.startswith("UPDATE")
    assert "k.value = :seen" in sql.claim_key and "WHEN MATCHED THEN UPDATE" in sql.claim_key
    assert "max(x.seq)" not in sql.insert_event and "CAST(:seq AS BIGINT)" in sql.insert_event


@pytest.mark.parametrize("sql", every_statement())
def test_statement_parses_as_databricks_sql(sql: str) -> None:
    tree = sqlglot.parse_one(sql, read="databricks", error_level=sqlglot.ErrorLevel.RAISE)
    assert not isinstance(tree, exp.Command), f"fell back to an unparsed command: {sql[:80]}"
    assert "%s" not in sql and "?" not in sql and "{" not in sql
    for value in ("a@x", "b@x", "c@x", "50% off_", "'kafka'", "'triaged'"):
        assert value not in sql, "values must travel as parameters"


def test_show_tblproperties_is_the_one_command_statement() -> None:
    sql = show_properties_statement(_Recorder(), "work_items")  # type: ignore[arg-type]
    assert sql == "SHOW TBLPROPERTIES `main`.`deltadesk`.`work_items`"


@pytest.mark.parametrize("bad", ["", "main; DROP TABLE x", "a-b", "`x`", "1abc", "a.b", "x" * 200])
def test_config_identifiers_are_validated(bad: str) -> None:
    with pytest.raises(ValueError):
        identifier(bad, "DATABRICKS_SCHEMA")
    with pytest.raises(ValueError):
        Statements("main", bad)


def test_list_query_uses_one_parameter_per_value() -> None:
    sql, params = Statements("main", "deltadesk").list_items(ItemQuery(states=("new", "closed"), q="x"))
    assert params == {"state_0": "new", "state_1": "closed", "q": "x"}
    assert set(re.findall(r":(\w+)", sql)) == set(params)
    assert sql.endswith("LIMIT 25 OFFSET 0")
