"""API tokens in the embedded store: the small api_tokens table, read whole and cached in memory.

Tokens live outside the event log. The cache reloads when the table's Delta version moves (a stat
per lookup), so a revocation made by another process counts at once.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

from app.models import ApiToken
from app.store.delta_tables import DeltaTableHandle, read_table
from app.store.intents import FileLock


class DeltaTokens:
    """TokenStore over one Delta table; writes hold the store's writer lock."""

    def __init__(self, handle: DeltaTableHandle, writer_lock: FileLock) -> None:
        self._handle = handle
        self._writer_lock = writer_lock
        self._tokens: dict[str, ApiToken] = {}
        self._version = -2
        self._mutex = threading.Lock()  # guards the cache and every use of the table handle

    def _cache(self) -> dict[str, ApiToken]:
        with self._mutex:
            if self._version < 0 or self._handle.has_commit(self._version + 1):
                table = self._handle.refresh()
                self._version = table.version()
                rows = read_table(table).to_pylist()
                self._tokens = {row["token_hash"]: ApiToken(**row) for row in rows}
            return self._tokens

    def add_token(self, token: ApiToken) -> None:
        with self._writer_lock.held(), self._mutex:
            self._handle.append([dataclasses.asdict(token)])
            self._version = -2

    def find_token(self, token_hash: str) -> ApiToken | None:
        return self._cache().get(token_hash)

    def list_tokens(self) -> list[ApiToken]:
        return sorted(self._cache().values(), key=lambda t: (t.created_at, t.id))

    def revoke_token(self, token_id: str, revoked_by: str, at: Any) -> bool:
        """Set revoked_at/by on an active token in one compare-and-set merge."""
        with self._writer_lock.held():
            current = next((t for t in self._cache().values() if t.id == token_id), None)
            if current is None or not current.active:
                return False
            row = dataclasses.asdict(dataclasses.replace(current, revoked_at=at, revoked_by=revoked_by))
            with self._mutex:
                metrics = (
                    self._handle.refresh()
                    .merge(self._handle.rows([row]), predicate="t.id = s.id AND t.revoked_at IS NULL",
                           source_alias="s", target_alias="t")
                    .when_matched_update(updates={"revoked_at": "s.revoked_at", "revoked_by": "s.revoked_by"})
                    .execute()
                )
                self._version = -2
            return int(metrics.get("num_target_rows_updated", 0)) == 1
