"""Errors the stores raise; the services let them through and the adapters map them like any DomainError."""

from __future__ import annotations

from app.models.errors import DomainError


class StoreUnavailable(DomainError):
    """The store could not complete a write after retries; nothing was written."""

    code = "store_unavailable"
    status = 503


class StorageFull(StoreUnavailable):
    """The disk under the embedded store is full: nothing was written, and none will be until space is freed."""

    code = "storage_full"
    status = 507


class TableChanged(StoreUnavailable):
    """Another writer changed a table's protocol or constraints in a way this app cannot honour; nothing was
    written (the blind append never writes past a feature it does not know)."""

    code = "table_changed"
    status = 503
