"""Domain vocabulary: enums and plain dataclasses. Imports nothing else of ours."""

from app.models.identity import Actor
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
    "Comment",
    "Event",
    "EventType",
    "ItemType",
    "Page",
    "Priority",
    "Role",
    "Severity",
    "WorkItem",
    "WorkItemDetail",
]
