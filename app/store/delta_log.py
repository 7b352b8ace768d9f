"""Direct reads and trims of a local table's `_delta_log` folder, for what delta-rs makes slow.

A reader catching up on another process's commit only needs the rows those commits appended: reading
their log entries and added files takes about a millisecond, where refreshing the table state costs
far more. Old log entries are removed by version, not by age: KEEP_COMMITS behind the last checkpoint,
and never past the oldest version a live process has not folded yet (followers.py), so every reader catches
up incrementally whatever the write rate, and the log stays small beside the data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import time
from typing import Any, NamedTuple
from urllib.parse import unquote

import pyarrow as pa
import pyarrow.parquet as pq

KEEP_COMMITS = 100  # behind the last checkpoint; live readers further behind hold the log (followers.py)
ROWS_KEY = "deltadeskRows"  # commitInfo field with a copy of a blind append's rows (readers skip Parquet)
MAX_COPIED_ROWS = 256
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_EPOCH_NAIVE = dt.datetime(1970, 1, 1)
_MICRO = dt.timedelta(microseconds=1)


class Appended(NamedTuple):
    """What the commits after a version appended: rows (tuples in column order), the version they reach, and
    whether any of them changed the table's protocol or metadata (schema, constraints, properties)."""

    rows: list[tuple[Any, ...]]
    end: int
    table_changed: bool


def read_appended(path: str, names: list[str], version: int) -> Appended | None:
    """Rows (tuples in `names` order) that the commits after `version` appended, and the version they
    reach; None when a commit did more than append (use the change data feed then). A commit whose
    log entry carries a copy of its rows (see `portable_rows`) is read from the entry alone. Commits
    that only rearrange files (compaction: dataChange false) or only change metadata add no rows."""
    sources: list[str | list[dict[str, Any]]] = []
    end, changed = version, False
    while True:
        actions = read_commit(path, end + 1)
        if actions is None:
            break
        files, copied = [], None
        for action in actions:
            if "add" in action and action["add"].get("dataChange", True):
                files.append(unquote(action["add"]["path"]))
            elif "cdc" in action or ("remove" in action and action["remove"].get("dataChange", True)):
                return None
            elif "commitInfo" in action:
                copied = action["commitInfo"].get(ROWS_KEY)
            changed = changed or "metaData" in action or "protocol" in action
        sources.extend([copied] if copied is not None and len(files) == 1 else files)
        end += 1
    rows: list[tuple[Any, ...]] = []
    for source in sources:
        if isinstance(source, list):
            rows.extend(tuple(_decode(row.get(n)) for n in names) for row in source)
        else:
            table = pq.read_table(os.path.join(path, source), use_threads=False)
            rows.extend(zip(*(_column(table, n) for n in names), strict=True))
    return Appended(rows, end, changed)


def _column(table: pa.Table, name: str) -> list[Any]:
    """A column as Python values; a column another writer's file lacks reads as nulls, as in Delta."""
    return table[name].to_pylist() if name in table.column_names else [None] * table.num_rows


def read_commit(path: str, version: int) -> list[dict[str, Any]] | None:
    """The actions of commit `version`, or None when there is no such commit (yet, or any more)."""
    try:
        with open(os.path.join(path, "_delta_log", f"{version:020d}.json")) as fh:
            return [json.loads(line) for line in fh if line.strip()]
    except FileNotFoundError:
        return None


def portable_rows(rows: pa.Table) -> list[dict[str, Any]] | None:
    """The rows as JSON-ready dicts for a commit's log entry (strings, integers, booleans, timestamps and
    dates only; None for other types or more than MAX_COPIED_ROWS rows)."""
    if rows.num_rows > MAX_COPIED_ROWS or not all(_portable(field.type) for field in rows.schema):
        return None
    return [{name: _encode(value) for name, value in row.items()} for row in rows.to_pylist()]


def _portable(kind: pa.DataType) -> bool:
    return (pa.types.is_string(kind) or pa.types.is_integer(kind) or pa.types.is_boolean(kind)
            or pa.types.is_timestamp(kind) or pa.types.is_date32(kind))


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return {"us": (value - _EPOCH_NAIVE) // _MICRO}
        return {"us": (value - _EPOCH) // _MICRO, "utc": True}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "date" in value:
            return dt.date.fromisoformat(value["date"])
        return (_EPOCH if value.get("utc") else _EPOCH_NAIVE) + dt.timedelta(microseconds=value["us"])
    return value


def latest_version(path: str) -> int:
    """The newest committed version (-1 for no commit), from the last checkpoint on: versions are
    contiguous, so galloping then bisecting over the log file names takes a few stats."""
    log_dir = os.path.join(path, "_delta_log")

    def exists(version: int) -> bool:
        return os.path.exists(os.path.join(log_dir, f"{version:020d}.json"))

    try:
        with open(os.path.join(log_dir, "_last_checkpoint")) as fh:
            low = int(json.load(fh)["version"])
    except (FileNotFoundError, ValueError, KeyError):
        low = 0
    if not exists(low):
        return low if low > 0 else -1  # a checkpoint whose own entry was trimmed: nothing newer is kept
    step = 1
    while exists(low + step):
        low, step = low + step, step * 2
    high = low + step  # low exists, high does not
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if exists(middle) else (low, middle)
    return low


def trim(path: str, keep: int | None = None, floor: int | None = None) -> int:
    """Delete log entries and checkpoints older than the newest checkpoint at or before `keep` commits behind
    the last checkpoint (and at or before `floor`, the oldest version a live reader still needs); returns the
    files removed. That checkpoint stays, so every version the log still holds can be opened (time travel,
    the change data feed) and a lagging reader catches up from it."""
    log_dir = os.path.join(path, "_delta_log")
    try:
        with open(os.path.join(log_dir, "_last_checkpoint")) as fh:
            horizon = int(json.load(fh)["version"]) - max(KEEP_COMMITS if keep is None else keep, 0)
    except (FileNotFoundError, ValueError, KeyError):
        return 0
    if floor is not None:
        horizon = min(horizon, floor)
    names = os.listdir(log_dir)
    checkpoints = [v for v in (_version(n) for n in names if ".checkpoint." in n) if v is not None and v <= horizon]
    if not checkpoints:
        return 0  # nothing older can go: no checkpoint would stand in for it
    oldest_kept = max(checkpoints)
    removed = 0
    for name in names:
        version = _version(name)
        if version is not None and version < oldest_kept:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(log_dir, name))
                removed += 1
    return removed


def oldest_kept(path: str) -> int | None:
    """The oldest version the log can still open (its commit entry or checkpoint is kept); None for none."""
    versions = [v for v in (_version(n) for n in os.listdir(os.path.join(path, "_delta_log"))) if v is not None]
    return min(versions) if versions else None


def commit_age_seconds(path: str, version: int) -> float:
    """How long ago commit `version` was written (its entry's or checkpoint's modification time)."""
    log_dir = os.path.join(path, "_delta_log")
    for name in (f"{version:020d}.json", f"{version:020d}.checkpoint.parquet"):
        with contextlib.suppress(FileNotFoundError):
            return max(0.0, time.time() - os.stat(os.path.join(log_dir, name)).st_mtime)
    return 0.0


def _version(name: str) -> int | None:
    """The version a log file belongs to (commit entry, checkpoint part, .crc), or None for other files."""
    head = name.split(".", 1)[0]
    return int(head) if len(head) == 20 and head.isdigit() else None
