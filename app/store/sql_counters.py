"""Statements of the work_item_counters table (schemas/databricks/006_work_item_counters.sql).

Why a counters table: the warehouse gives row-level concurrency (deletion vectors on), under which two
concurrent insert-only MERGEs both commit, so "insert unless the key/seq/vote is taken" cannot keep
anything unique. Two writes that modify the same row do conflict. So each number is taken by a
compare-and-set of one existing row (`value = :seen + 1 WHERE value = :seen`): the per-type key row for
key numbers, the per-item seq row for every event of the item (comments and votes included, which is
also what serializes one user's votes). New rows are inserted only in a MERGE that also updates an
existing row (the gate), so two writers cannot both insert one. Values always travel as parameters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.models import ItemType
from app.store.ddl import SCHEMA_DIR, TableDef, table_defs

if TYPE_CHECKING:
    from app.store.sql_statements import Statements

SQL_ONLY_DIR = SCHEMA_DIR / "databricks"
COUNTER_COLUMNS = "name, value, pending_event, pending_id, updated_at, updated_by"
_STAMP = "updated_at = CAST(:updated_at AS TIMESTAMP), updated_by = :updated_by"
_INSERT = (f"WHEN NOT MATCHED THEN INSERT ({COUNTER_COLUMNS}) VALUES (s.name, s.value, s.pending_event, "
           f"s.pending_id, CAST(:updated_at AS TIMESTAMP), :updated_by)")
_VOTES = "e.event_type IN ('voted', 'unvoted')"


def sql_only_defs() -> dict[str, TableDef]:
    """Tables only the Databricks store has (db-init creates them; the embedded store and export do not)."""
    return table_defs(SQL_ONLY_DIR)


def key_name(item_type: str) -> str:
    return f"key:{item_type}"


def seq_name(item_id: str) -> str:
    return f"seq:{item_id}"


def _row(name: str, value: str, pending: str = "CAST(NULL AS STRING)", pending_id: str = "CAST(NULL AS STRING)") -> str:
    return f"SELECT CAST({name} AS STRING) AS name, CAST({value} AS BIGINT) AS value, {pending} AS pending_event, " \
           f"{pending_id} AS pending_id"


def add_counter_statements(s: Statements) -> None:
    """Set the counter statements on `s` (so Statements.all_fixed lists and tests parse them)."""
    s.counters = f"{s.catalog}.{s.schema}.`work_item_counters`"
    s.read_key = f"SELECT c.value FROM {s.counters} AS c WHERE c.name = :name"
    # Take key number :number (the row must still hold :seen) and create the new item's seq row, its
    # created event pending: one commit. The gate makes the source empty once the key row moved.
    s.claim_key = (
        f"MERGE INTO {s.counters} AS t USING (SELECT x.* FROM ({_row(':key_name', ':number')} UNION ALL "
        f"{_row(':seq_name', '1', 'CAST(:pending_event AS STRING)', 'CAST(:pending_id AS STRING)')}) AS x "
        f"WHERE EXISTS (SELECT 1 FROM {s.counters} AS k WHERE k.name = :key_name AND k.value = :seen)) AS s "
        f"ON t.name = s.name WHEN MATCHED THEN UPDATE SET value = s.value, pending_event = s.pending_event, "
        f"pending_id = s.pending_id, {_STAMP} {_INSERT}")
    s.sync_key = (f"UPDATE {s.counters} SET value = CAST(:number AS BIGINT), {_STAMP} "
                  f"WHERE name = :name AND value = :seen AND value < :number")
    s.read_seq = with_anchor(s, f"(SELECT max(m.seq) FROM {s.events} AS m WHERE m.item_id = :item_id "
                                f"AND m.event_id = :event_id) AS mine_seq")
    s.claim_seq = (f"UPDATE {s.counters} SET value = CAST(:next AS BIGINT), pending_event = :pending_event, "
                   f"pending_id = :pending_id, {_STAMP} WHERE name = :name AND value = :seen")
    s.release_seq = (f"UPDATE {s.counters} SET value = CAST(:seen AS BIGINT), pending_event = NULL, pending_id = NULL, "
                     f"{_STAMP} WHERE name = :name AND value = :next AND pending_id = :pending_id AND NOT EXISTS "
                     f"(SELECT 1 FROM {s.events} AS e WHERE e.event_id = :pending_id)")
    _add_seeding(s)
    _add_votes(s)


def _add_seeding(s: Statements) -> None:
    number = "CAST(substr(w.key, 5) AS BIGINT)"
    # An item without a seq row (imported, or written before counters existed): create it, gated on an
    # update of its type's key row, so concurrent seeders conflict instead of inserting it twice.
    s.seed_seq = (
        f"MERGE INTO {s.counters} AS t USING (SELECT x.* FROM (SELECT concat('key:', w.item_type) AS name, "
        f"CAST(0 AS BIGINT) AS value FROM {s.items} AS w WHERE w.id = :item_id UNION ALL SELECT CAST(:name AS STRING), "
        f"(SELECT coalesce(max(e.seq), CAST(0 AS BIGINT)) FROM {s.events} AS e WHERE e.item_id = :item_id)) AS x "
        f"WHERE EXISTS (SELECT 1 FROM {s.counters} AS k JOIN {s.items} AS w ON k.name = concat('key:', w.item_type) "
        f"WHERE w.id = :item_id)) AS s ON t.name = s.name WHEN MATCHED AND t.name <> :name THEN UPDATE SET {_STAMP} "
        f"WHEN NOT MATCHED AND s.name = :name THEN INSERT ({COUNTER_COLUMNS}) VALUES (s.name, s.value, NULL, NULL, "
        f"CAST(:updated_at AS TIMESTAMP), :updated_by)")
    types = " UNION ALL ".join(f"SELECT CAST(:type_{i} AS STRING) AS item_type" for i in range(len(ItemType)))
    # db-init (run alone): a key row per type and a seq row per item, or move them up to the data.
    s.seed_keys = (
        f"MERGE INTO {s.counters} AS t USING (SELECT concat('key:', x.item_type) AS name, "
        f"coalesce(max({number}), CAST(0 AS BIGINT)) AS value, CAST(NULL AS STRING) AS pending_event, "
        f"CAST(NULL AS STRING) AS pending_id FROM ({types}) AS x LEFT JOIN {s.items} AS w "
        f"ON w.item_type = x.item_type GROUP BY x.item_type) AS s ON t.name = s.name "
        f"WHEN MATCHED AND s.value > t.value THEN UPDATE SET value = s.value, {_STAMP} {_INSERT}")
    s.seed_seqs = (
        f"MERGE INTO {s.counters} AS t USING (SELECT concat('seq:', w.id) AS name, coalesce(max(e.seq), "
        f"CAST(0 AS BIGINT)) AS value, CAST(NULL AS STRING) AS pending_event, CAST(NULL AS STRING) AS pending_id "
        f"FROM {s.items} AS w LEFT JOIN {s.events} AS e ON e.item_id = w.id GROUP BY w.id) AS s "
        f"ON t.name = s.name WHEN MATCHED AND s.value > t.value THEN UPDATE SET value = s.value, {_STAMP} {_INSERT}")
    s.unstored_pending = (
        f"SELECT c.name, c.value, c.pending_event FROM {s.counters} AS c WHERE c.pending_id IS NOT NULL "
        f"AND c.updated_at < CAST(:before AS TIMESTAMP) AND NOT EXISTS "
        f"(SELECT 1 FROM {s.events} AS e WHERE e.event_id = c.pending_id)")


def with_anchor(s: Statements, columns: str) -> str:
    """`columns` beside the item's seq row (:name) and whether its pending event is stored; one row even
    when the seq row is missing (its columns are then NULL)."""
    anchor = (f"SELECT c.value, c.pending_id, c.pending_event, max(p.event_id) IS NOT NULL AS pending_stored "
              f"FROM {s.counters} AS c LEFT JOIN {s.events} AS p ON p.event_id = c.pending_id AND p.item_id = :item_id "
              f"WHERE c.name = :name GROUP BY c.value, c.pending_id, c.pending_event")
    return f"SELECT {columns}, a.* FROM (SELECT 1 AS one) AS o LEFT JOIN ({anchor}) AS a ON 1 = 1"


def _add_votes(s: Statements) -> None:
    """The vote state, read with the item's seq row: decided on the events (every earlier event is stored
    once the seq row's pending event is), so a vote row that is not written yet cannot mislead."""
    latest = (f"SELECT e.created_by, max_by(e.event_type, e.seq) AS last FROM {s.events} AS e "
              f"WHERE e.item_id = :item_id AND {_VOTES} GROUP BY e.created_by")
    s.vote_state = with_anchor(s, (
        f"(SELECT max(w.version) FROM {s.items} AS w WHERE w.id = :item_id) AS item_version, "
        f"(SELECT count(*) FROM ({latest}) AS x WHERE x.last = 'voted') AS n, "
        f"(SELECT max(x.last) FROM ({latest}) AS x WHERE x.created_by = :voter) AS last_vote"))
