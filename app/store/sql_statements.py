"""Every SQL statement the Databricks store sends, as text with native `:name` parameters (those of the
counters table, which make keys, seq and votes unique under concurrent writers, are in sql_counters.py).

Table names come from validated config identifiers; values always travel as parameters. The list
query is assembled from fixed fragments only (which filters are present), never from user text.
"""

from __future__ import annotations

from app.store.base import ItemQuery
from app.store.ddl import table_defs
from app.store.sql_connection import identifier
from app.store.sql_counters import add_counter_statements
from app.store.sql_triage import PRIORITY_SQL, triage_keys

ITEM_COLUMNS = [c for c in table_defs()["work_items"].columns if c != "pending_event"]
EVENT_COLUMNS = table_defs()["work_item_events"].columns
TOKEN_COLUMNS = table_defs()["api_tokens"].columns
CONTENT = ("title", "description", "state", "priority", "platform", "assignee", "severity", "impact", "problem",
           "proposed_benefit", "justification", "needed_by")
CHANGING = "('created', 'updated', 'state_changed')"
_CASTS = {"created_at": "TIMESTAMP", "updated_at": "TIMESTAMP", "revoked_at": "TIMESTAMP",
          "needed_by": "DATE", "version": "BIGINT", "seq": "BIGINT"}
_SORT_KEYS = {
    "created_at": ["w.created_at"],
    "updated_at": ["w.updated_at"],
    "votes": ["coalesce(vc.n, 0)", "w.created_at"],
    "priority": [f"-{PRIORITY_SQL}", "w.created_at"],
}


def param(column: str) -> str:
    """The parameter marker for a column value, cast to the column's type (a NULL parameter is untyped)."""
    return f"CAST(:{column} AS {_CASTS.get(column, 'STRING')})"


def select_list(columns: list[str], alias: str) -> str:
    return ", ".join(f"{alias}.{c}" for c in columns)


class Statements:
    """The statements for one catalog.schema."""

    def __init__(self, catalog: str, schema: str) -> None:
        self.catalog = identifier(catalog, "DATABRICKS_CATALOG")
        self.schema = identifier(schema, "DATABRICKS_SCHEMA")
        prefix = f"{self.catalog}.{self.schema}"
        self.items = f"{prefix}.`work_items`"
        self.events = f"{prefix}.`work_item_events`"
        self.comments = f"{prefix}.`work_item_comments`"
        self.votes = f"{prefix}.`work_item_votes`"
        self.tokens = f"{prefix}.`api_tokens`"
        self._build()

    def _build(self) -> None:
        cols = select_list(ITEM_COLUMNS, "w")
        self.get_item = f"SELECT {cols}, w.pending_event FROM {self.items} AS w WHERE w.id = :id"
        self.get_item_by_key = f"SELECT {cols}, w.pending_event FROM {self.items} AS w WHERE w.key = :key"
        self.detail_head = (
            f"SELECT {cols}, (SELECT count(*) FROM {self.votes} AS v WHERE v.item_id = :id) AS vote_count, "
            f"(SELECT count(*) FROM {self.comments} AS c WHERE c.item_id = :id) AS comment_count, "
            f"EXISTS (SELECT 1 FROM {self.votes} AS m WHERE m.item_id = :id AND m.voter = :viewer) AS my_vote "
            f"FROM {self.items} AS w WHERE w.id = :id")
        ev = select_list(EVENT_COLUMNS, "e")
        self.detail_history = (
            f"SELECT 'event' AS kind, {ev} FROM {self.events} AS e WHERE e.item_id = :id "
            f"UNION ALL SELECT 'comment' AS kind, c.id, c.item_id, CAST(NULL AS BIGINT), CAST(NULL AS STRING), "
            f"c.body, CAST(NULL AS BIGINT), c.created_at, c.created_by FROM {self.comments} AS c "
            f"WHERE c.item_id = :id")
        self.events_for = (f"SELECT {ev} FROM {self.events} AS e WHERE e.item_id = :id AND e.version > :after "
                           f"ORDER BY e.seq, e.created_at, e.event_id")
        self.data_version = f"SELECT count(*) AS n, max(e.created_at) AS last FROM {self.events} AS e"
        self.known_actors = (  # the people directory: what the embedded store's read model holds (actors.py)
            f"SELECT lower(w.created_by) AS who FROM {self.items} AS w UNION SELECT lower(w.updated_by) "
            f"FROM {self.items} AS w UNION SELECT lower(w.assignee) FROM {self.items} AS w WHERE w.assignee "
            f"IS NOT NULL UNION SELECT lower(c.created_by) FROM {self.comments} AS c "
            f"UNION SELECT lower(v.voter) FROM {self.votes} AS v")
        self.max_number = (f"SELECT max(CAST(substr(w.key, 5) AS BIGINT)) AS n FROM {self.items} AS w "
                           f"WHERE w.item_type = :item_type")
        self._build_writes()
        self._build_reconcile()
        self._build_tokens()
        add_counter_statements(self)

    def _build_writes(self) -> None:
        all_cols = ITEM_COLUMNS + ["pending_event"]
        source = ", ".join(f"{param(c)} AS {c}" for c in all_cols)
        self.insert_item = (
            f"MERGE INTO {self.items} AS t USING (SELECT {source}) AS s "
            f"ON (t.item_type = s.item_type AND t.key = s.key) OR t.id = s.id "
            f"WHEN NOT MATCHED THEN INSERT ({', '.join(all_cols)}) VALUES ({select_list(all_cols, 's')})")
        sets = ", ".join(f"{c} = {param(c)}" for c in (*CONTENT, "updated_at", "updated_by", "version",
                                                          "pending_event"))
        self.update_item = (
            f"UPDATE {self.items} SET {sets} WHERE id = :id AND version = :expected_version "
            f"AND (pending_event IS NULL OR EXISTS (SELECT 1 FROM {self.events} AS e WHERE e.item_id = :id "
            f"AND e.version = :expected_version AND e.event_type IN {CHANGING}))")
        # seq comes from the item's seq row (sql_claims.py), so a MERGE on event_id only makes re-runs harmless
        ev_source = ", ".join(f"{param(c)} AS {c}" for c in EVENT_COLUMNS)
        self.insert_event = (
            f"MERGE INTO {self.events} AS t USING (SELECT {ev_source}) AS s ON t.event_id = s.event_id "
            f"WHEN NOT MATCHED THEN INSERT ({', '.join(EVENT_COLUMNS)}) VALUES ({select_list(EVENT_COLUMNS, 's')})")
        ccols = table_defs()["work_item_comments"].columns
        self.insert_comment = (
            f"MERGE INTO {self.comments} AS t USING (SELECT {', '.join(f'{param(c)} AS {c}' for c in ccols)}) AS s "
            f"ON t.id = s.id WHEN NOT MATCHED THEN INSERT ({', '.join(ccols)}) VALUES ({select_list(ccols, 's')})")
        self._build_votes()

    def _build_votes(self) -> None:
        vcols = table_defs()["work_item_votes"].columns
        self.insert_vote = (
            f"MERGE INTO {self.votes} AS t USING (SELECT {', '.join(f'{param(c)} AS {c}' for c in vcols)}) AS s "
            f"ON t.item_id = s.item_id AND t.voter = s.voter "
            f"WHEN NOT MATCHED THEN INSERT ({', '.join(vcols)}) VALUES ({select_list(vcols, 's')})")
        self.delete_vote = f"DELETE FROM {self.votes} WHERE item_id = :item_id AND voter = :voter"

    def _build_reconcile(self) -> None:
        self.unflushed_outboxes = (
            f"SELECT w.id, w.pending_event FROM {self.items} AS w WHERE w.pending_event IS NOT NULL "
            f"AND NOT EXISTS (SELECT 1 FROM {self.events} AS e WHERE e.item_id = w.id AND e.version = w.version "
            f"AND e.event_type IN {CHANGING})")
        self.missing_comments = (
            f"SELECT e.event_id, e.item_id, e.payload, e.created_at, e.created_by FROM {self.events} AS e "
            f"WHERE e.event_type = 'commented' AND NOT EXISTS "
            f"(SELECT 1 FROM {self.comments} AS c WHERE c.id = e.event_id)")
        self.vote_drift = (
            f"SELECT x.event_id, x.item_id, x.voter, x.event_type, x.seq FROM (SELECT e.event_id, e.item_id, "
            f"e.created_by AS voter, e.event_type, e.seq, row_number() OVER "
            f"(PARTITION BY e.item_id, e.created_by ORDER BY e.seq DESC) AS rn FROM {self.events} AS e "
            f"WHERE e.event_type IN ('voted', 'unvoted')) AS x LEFT JOIN {self.votes} AS v "
            f"ON v.item_id = x.item_id AND v.voter = x.voter WHERE x.rn = 1 AND "
            f"((x.event_type = 'voted' AND v.voter IS NULL) OR (x.event_type = 'unvoted' AND v.voter IS NOT NULL))")
        latest = (f"NOT EXISTS (SELECT 1 FROM {self.events} AS x WHERE x.item_id = e.item_id AND x.created_by = "
                  f"e.created_by AND x.event_type IN ('voted', 'unvoted') AND x.seq > e.seq)")
        self.insert_vote_if_latest = (
            f"MERGE INTO {self.votes} AS t USING (SELECT e.item_id, e.created_by AS voter, e.created_at, e.created_by "
            f"FROM {self.events} AS e WHERE e.event_id = :event_id AND e.event_type = 'voted' AND {latest}) AS s "
            f"ON t.item_id = s.item_id AND t.voter = s.voter WHEN NOT MATCHED THEN INSERT "
            f"(item_id, voter, created_at, created_by) VALUES (s.item_id, s.voter, s.created_at, s.created_by)")
        self.delete_vote_if_latest = (
            f"DELETE FROM {self.votes} WHERE item_id = :item_id AND voter = :voter AND NOT EXISTS "
            f"(SELECT 1 FROM {self.events} AS e WHERE e.item_id = :item_id AND e.created_by = :voter "
            f"AND e.event_type = 'voted' AND e.seq > :seq)")

    def _build_tokens(self) -> None:
        cols = ", ".join(TOKEN_COLUMNS)
        self.insert_token = (
            f"MERGE INTO {self.tokens} AS t USING (SELECT {', '.join(f'{param(c)} AS {c}' for c in TOKEN_COLUMNS)}) "
            f"AS s ON t.id = s.id WHEN NOT MATCHED THEN INSERT ({cols}) VALUES ({select_list(TOKEN_COLUMNS, 's')})")
        self.find_token = f"SELECT {cols} FROM {self.tokens} WHERE token_hash = :token_hash"
        self.list_tokens = f"SELECT {cols} FROM {self.tokens} ORDER BY created_at, id"
        self.revoke_token = (f"UPDATE {self.tokens} SET revoked_at = CAST(:revoked_at AS TIMESTAMP), "
                             f"revoked_by = :revoked_by WHERE id = :id AND revoked_at IS NULL")

    def all_fixed(self) -> dict[str, str]:
        """Every fixed statement by name (the list query is built per request: see list_items)."""
        return {k: v for k, v in vars(self).items() if isinstance(v, str) and v.lstrip().startswith(
            ("SELECT", "MERGE", "UPDATE", "INSERT", "DELETE"))}

    def list_items(self, q: ItemQuery) -> tuple[str, dict[str, object]]:
        """The page query: rows, their vote and comment counts, and the total of all matches."""
        where, params = self._filters(q)
        descending = q.descending and q.sort != "triage"  # the triage order has one direction
        direction = "DESC" if descending else "ASC"
        keys = triage_keys(params) if q.sort == "triage" else _SORT_KEYS[q.sort]
        order = ", ".join(f"{k} {direction}" for k in [*keys, "w.id"])
        # LIMIT/OFFSET take integer literals (older runtimes accept markers only in expressions); both are
        # ints computed here, never text from a request.
        limit, offset = int(q.page_size), (int(q.page) - 1) * int(q.page_size)
        sql = (
            f"SELECT {select_list(ITEM_COLUMNS, 'w')}, coalesce(vc.n, 0) AS vote_count, "
            f"coalesce(cc.n, 0) AS comment_count, count(*) OVER () AS total_count FROM {self.items} AS w "
            f"LEFT JOIN (SELECT item_id, count(*) AS n FROM {self.votes} GROUP BY item_id) AS vc ON vc.item_id = w.id "
            f"LEFT JOIN (SELECT item_id, count(*) AS n FROM {self.comments} GROUP BY item_id) AS cc "
            f"ON cc.item_id = w.id WHERE {where} ORDER BY {order} LIMIT {limit} OFFSET {offset}")
        return sql, params

    def count_items(self, q: ItemQuery) -> tuple[str, dict[str, object]]:
        """Total matches alone (needed only when the page asked for lies past the end)."""
        where, params = self._filters(q)
        return f"SELECT count(*) AS n FROM {self.items} AS w WHERE {where}", params

    def _filters(self, q: ItemQuery) -> tuple[str, dict[str, object]]:
        where, params = list_filters(q)
        if q.voted_by:
            where += f" AND w.id IN (SELECT vb.item_id FROM {self.votes} AS vb WHERE vb.voter = :voted_by)"
            params["voted_by"] = q.voted_by
        return where, params


def list_filters(q: ItemQuery) -> tuple[str, dict[str, object]]:
    """WHERE clause and parameters for the query's filters (fixed fragments, values as params)."""
    clauses: list[str] = ["1 = 1"]
    params: dict[str, object] = {}
    for column, value in (("item_type", q.item_type), ("platform", q.platform), ("assignee", q.assignee),
                          ("created_by", q.author)):
        if value:
            clauses.append(f"w.{column} = :{column}")
            params[column] = value
    if q.states:
        names = [f"state_{i}" for i in range(len(q.states))]
        clauses.append(f"w.state IN ({', '.join(':' + n for n in names)})")
        params.update(zip(names, q.states, strict=True))
    if q.updated_since:
        clauses.append("w.updated_at >= CAST(:updated_since AS TIMESTAMP)")
        params["updated_since"] = q.updated_since
    if q.q:
        clauses.append("(instr(lower(w.key), lower(:q)) > 0 OR instr(lower(w.title), lower(:q)) > 0 "
                       "OR instr(lower(coalesce(w.description, '')), lower(:q)) > 0)")
        params["q"] = q.q
    return " AND ".join(clauses), params
