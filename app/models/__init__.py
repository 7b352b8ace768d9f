"""Domain vocabulary: enums and plain dataclasses. Imports nothing else of ours."""

from app.models.identity import Actor, ApiToken
from app.models.quarantine import QuarantinedRow
from app.models.work_item import (
    Comment,
    Event,
    EventType,
    ItemType,
    Page,
    Priority,
    Role,
    Severity,
    WorkItem,
    WorkItemDetail,
)

__all__ = [
    "Actor",
    "ApiToken",
    "Comment",
    "Event",
    "EventType",
    "ItemType",
    "Page",
    "Priority",
    "QuarantinedRow",
    "Role",
    "Severity",
    "WorkItem",
    "WorkItemDetail",
]
