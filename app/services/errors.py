"""Domain errors raised by the services; each adapter maps them to a status code in one place."""

from __future__ import annotations

from app.models import Event, WorkItem

# re-exported: the adapters import every domain error from here
from app.models.errors import DomainError as DomainError
from app.store.errors import StorageFull as StorageFull
from app.store.errors import StoreUnavailable as StoreUnavailable
from app.store.errors import TableChanged as TableChanged


class ValidationError(DomainError):
    """Bad field values: `fields` maps field name to a message a person can act on."""

    code = "validation_error"
    status = 422

    def __init__(self, fields: dict[str, str], message: str = "Some fields need attention.") -> None:
        super().__init__(message, fields)
        self.fields = fields


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Unauthenticated(DomainError):
    code = "unauthenticated"
    status = 401


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class InvalidTransition(DomainError):
    """A state change the workflow does not allow; `allowed` lists what is allowed from here."""

    code = "invalid_transition"
    status = 400

    def __init__(self, message: str, allowed: list[str]) -> None:
        super().__init__(message, {"allowed_transitions": allowed})
        self.allowed = allowed


class VersionConflict(DomainError):
    """The caller's expected_version is stale: carries the current item and what happened since."""

    code = "version_conflict"
    status = 409

    def __init__(self, current: WorkItem, events_since: list[Event], expected_version: int) -> None:
        super().__init__(
            f"{current.key} changed since you loaded it (you had version {expected_version}, "
            f"it is now at version {current.version}).",
            {"current_version": current.version},
        )
        self.current = current
        self.events_since = events_since
        self.expected_version = expected_version
