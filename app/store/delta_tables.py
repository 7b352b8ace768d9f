"""Thin helpers over deltalake for the embedded store: create, read, append, compare-and-set."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from deltalake import CommitProperties, DeltaTable, PostCommitHookProperties, write_deltalake
from deltalake.exceptions import DeltaError, DeltaProtocolError, SchemaMismatchError, TableNotFoundError

from app.store import blind_append, delta_log
from app.store.ddl import TableDef
from app.store.errors import TableChanged

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
REFRESH_TRIES = 5
COMPACT_COMMIT_RETRIES = 50  # a compaction never conflicts with appends; it only has to find a free version


def column_lists(table: pa.Table, strings: dict[str, str], interned: tuple[str, ...] = (),
                 micros: tuple[str, ...] = (), order: pa.Array | None = None) -> dict[str, list[Any]]:
    """The table as Python lists per column, fast: pyarrow's own conversion of tz-aware timestamps
    costs ~20 us a value (1M votes: 20 s), so timestamps go through int64 (kept as epoch microseconds
    for the `micros` columns). Values of `interned` columns share one str object per distinct value
    through `strings`, which saves memory for ids repeated across millions of rows. `order` (row
    indices) sorts the rows without materializing a sorted copy of the whole table."""
    out: dict[str, list[Any]] = {}
    for name in table.column_names:
        column = table[name] if order is None else table[name].take(order)  # one sorted column at a time
        if pa.types.is_timestamp(column.type):
            ints = column.cast(pa.int64()).to_pylist()
            out[name] = ints if name in micros else [None if v is None else from_micros(v) for v in ints]
        elif name in interned:
            out[name] = [strings.setdefault(v, v) for v in column.to_pylist()]
        else:
            out[name] = column.to_pylist()
    return out


def list_runs(keys: list[Any]) -> list[tuple[Any, int, int]]:
    """(value, start, end) of each run of equal values in a sorted list."""
    out: list[tuple[Any, int, int]] = []
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            out.append((keys[start], start, i))
            start = i
    return out


def from_micros(value: int) -> dt.datetime:
    """UTC datetime from epoch microseconds (exact, no float rounding)."""
    return _EPOCH + dt.timedelta(microseconds=value)


def to_micros(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // dt.timedelta(microseconds=1)


# Compaction targets: tables with updates/deletes keep files small (a change rewrites its whole file);
# append-only tables only get their small files packed, the bulk-loaded ones are left as they are.
COMPACT_TARGET_BYTES: dict[str, int] = {
    "work_items": 400 * 1024,
    "work_item_votes": 1024 * 1024,
    "work_item_events": 4 * 1024 * 1024,
    "work_item_comments": 4 * 1024 * 1024,
}


class DeltaTableHandle:
    """One Delta table under the data folder, with its declared schema."""

    def __init__(self, root: Path, definition: TableDef) -> None:
        self.definition = definition
        self.path = str(root / definition.name)
        self._dt: DeltaTable | None = None
        self._blind: bool | None = None

    @property
    def schema(self) -> pa.Schema:
        return self.definition.schema

    def ensure(self) -> None:
        """Create the table with its declared columns and properties when missing."""
        wanted = embedded_properties(self.definition)
        try:
            self._dt = DeltaTable(self.path)
        except TableNotFoundError:
            write_deltalake(self.path, self.schema.empty_table(), mode="append", configuration=wanted)
            self._dt = DeltaTable(self.path)
        current = self._dt.metadata().configuration
        if any(current.get(k) != v for k, v in wanted.items()):  # tables made before a property was added
            self._dt.alter.set_table_properties(wanted, raise_if_not_exists=False)

    @property
    def table(self) -> DeltaTable:
        if self._dt is None:
            self.ensure()
        assert self._dt is not None
        return self._dt

    def refresh(self) -> DeltaTable:
        """The table at its newest version. Listing `_delta_log` while another writer adds entries can see
        a later entry but not the one just before it (a directory listing is not a snapshot), which delta-rs
        reports as a gap; and a trim may have removed the entries after this handle's version. Either way
        the state is read again from the newest checkpoint, a few times before giving up."""
        for attempt in range(REFRESH_TRIES):
            try:
                if attempt:
                    self._dt = DeltaTable(self.path)
                else:
                    self.table.update_incremental()  # `table` creates the table when it is missing
                return self.table
            except DeltaError:
                if attempt == REFRESH_TRIES - 1:
                    raise
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    def version(self) -> int:
        return self.table.version()

    def has_commit(self, version: int) -> bool:
        """Whether commit `version` exists on disk; a stat, far cheaper than reloading the table."""
        return os.path.exists(os.path.join(self.path, "_delta_log", f"{version:020d}.json"))

    def read_all(self, columns: list[str] | None = None) -> pa.Table:
        return read_table(self.refresh(), columns=columns)

    def compact(self, target_size: int | None = None) -> dict[str, Any]:
        """Pack files smaller than `target_size` (default: this table's target) into files of about that size
        (never into one huge file: merges rewrite whole files, and every extra file costs planning time on
        each merge). Files already bigger are left alone. Caller holds the lock."""
        target = target_size or COMPACT_TARGET_BYTES.get(self.definition.name)
        retries = CommitProperties(max_commit_retries=COMPACT_COMMIT_RETRIES)  # appends may land meanwhile
        return self.refresh().optimize.compact(target_size=target, commit_properties=retries)

    def rows(self, data: list[dict[str, Any]]) -> pa.Table:
        return pa.Table.from_pylist(data, schema=self.schema)

    def append(self, data: list[dict[str, Any]], checkpoint: bool = True) -> None:
        """Append rows in one commit; checkpoint=False leaves checkpoints to the background projector."""
        hooks = None if checkpoint else PostCommitHookProperties(create_checkpoint=False, cleanup_expired_logs=False)
        write_deltalake(self.refresh(), self.rows(data), mode="append", post_commithook_properties=hooks)

    def append_after(self, data: list[dict[str, Any]], read_version: int) -> int:
        """Append rows in one commit after `read_version` and return its version: a millisecond blind
        append where the table's protocol allows it (see blind_append), delta-rs otherwise. When another
        writer changed the table's protocol or metadata in between, the choice is made again on the new
        table state first, so a new constraint or invariant is checked before any row is written."""
        for _ in range(8):
            if self._blind is None:
                self._blind = blind_append.supports(self.refresh(), self.schema)
            if not self._blind:
                return self._checked_append(data)
            try:
                return blind_append.append(self.path, self.rows(data), read_version)
            except blind_append.TableMoved:
                self.table_changed()
        raise TableChanged("The events table keeps changing under the app; nothing was written. Try again.")

    def table_changed(self) -> None:
        """Another writer changed the protocol or metadata: decide how to append again before the next write."""
        self._blind = None

    def _checked_append(self, data: list[dict[str, Any]]) -> int:
        """delta-rs's own append, which enforces the table's constraints and invariants."""
        try:
            self.append(data, checkpoint=False)
        except (DeltaProtocolError, SchemaMismatchError) as exc:
            raise TableChanged(f"The {self.definition.name} table no longer accepts this change ({exc}); "
                               "nothing was written.") from exc
        except DeltaError as exc:
            if any(word in str(exc).lower() for word in ("invariant", "constraint", "failed validation")):
                first = str(exc).splitlines()[0]
                raise TableChanged(f"The {self.definition.name} table refuses this change: a rule another tool "
                                   f"added to it is not met ({first}); nothing was written.") from exc
            raise
        return self.version()

    def changes_since(self, version: int) -> tuple[list[tuple[Any, ...]], int]:
        """Rows inserted by commits after `version` (change data feed), in commit order, as tuples
        in schema column order; and the version they reach."""
        table = self.refresh()
        end = table.version()
        cdf = pa.table(table.load_cdf(starting_version=version + 1, ending_version=end).read_all())
        names = self.schema.names
        rows = [
            (r["_commit_version"], tuple(r[n] for n in names))
            for r in cdf.to_pylist()
            if r["_change_type"] == "insert"
        ]
        rows.sort(key=lambda pair: pair[0])
        return [row for _, row in rows], end

    def appended_since(self, version: int) -> delta_log.Appended | None:
        """Rows that the commits after `version` appended, straight from the log (see delta_log); a commit
        that changed the protocol or metadata makes the next append decide its way again."""
        found = delta_log.read_appended(self.path, self.schema.names, version)
        if found is None or found.table_changed:
            self.table_changed()
        return found

    def _merge(self, rows: list[dict[str, Any]], predicate: str, extra: dict[str, pa.Array] | None = None):
        source = self.rows(rows)
        for name, values in (extra or {}).items():
            source = source.append_column(name, values)
        return self.refresh().merge(source, predicate=predicate, source_alias="s", target_alias="t",
                                    streamed_exec=False)  # materialized source: its stats prune target files

    def upsert_newer(self, rows: list[dict[str, Any]], key: str = "id") -> dict[str, Any]:
        """Insert rows, or replace stored rows with a lower version (idempotent, order-independent).
        Values travel as data in the merge source, never as SQL text."""
        updates = {c: f"s.{c}" for c in self.schema.names}
        return (
            self._merge(rows, f"t.{key} = s.{key}")
            .when_matched_update(updates=updates, predicate="t.version < s.version")
            .when_not_matched_insert(updates=updates)
            .execute()
        )

    def insert_missing(self, rows: list[dict[str, Any]], keys: list[str]) -> dict[str, Any]:
        """Insert the rows whose keys are not stored yet (idempotent append)."""
        predicate = " AND ".join(f"t.{k} = s.{k}" for k in keys)
        return self._merge(rows, predicate).when_not_matched_insert_all().execute()

    def sync_presence(self, rows: list[dict[str, Any]], present: list[bool], keys: list[str]) -> None:
        """Make each row exist (present) or not exist (absent) in the table. Two merges, because one
        merge with a conditional insert checks NOT NULL on the rows it does not insert (delta-rs)."""
        predicate = " AND ".join(f"t.{k} = s.{k}" for k in keys)
        wanted = [row for row, keep in zip(rows, present, strict=True) if keep]
        gone = [row for row, keep in zip(rows, present, strict=True) if not keep]
        if gone:
            self._merge(gone, predicate).when_matched_delete().execute()
        if wanted:
            self._merge(wanted, predicate).when_not_matched_insert_all().execute()


def read_table(table: DeltaTable, columns: list[str] | None = None, where: pc.Expression | None = None) -> pa.Table:
    """Read a Delta table into Arrow on the calling thread. Arrow's threaded scan leaves pool threads
    that abort short processes at exit ("terminate called without an active exception")."""
    return table.to_pyarrow_dataset().to_table(columns=columns, filter=where, use_threads=False)


# delta-rs lists the whole _delta_log folder on each refresh, so the log must stay short: the projector
# trims it by version (delta_log.trim); delta-rs's own clean-up by age only removes what is older than this.
LOG_RETENTION = "interval 1 hours"


def embedded_properties(definition: TableDef) -> dict[str, str]:
    """The DDL's table properties minus deletion vectors (delta-rs rewrites files instead of writing
    deletion vectors, and its Arrow reader refuses tables that enable them), plus a short log retention."""
    props = {k: v for k, v in definition.properties.items() if k != "delta.enableDeletionVectors"}
    return {**props, "delta.logRetentionDuration": LOG_RETENTION, "delta.enableExpiredLogCleanup": "true"}
