"""A table row the store could not apply: kept out of the read model, listed for admins."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any


@dataclasses.dataclass(frozen=True, slots=True)
class QuarantinedRow:
    """Which row (table and id), which item, what kind of row and why it was set aside."""

    table: str
    row_id: str
    item_id: str
    kind: str
    reason: str
    created_at: dt.datetime | None

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["created_at"] = self.created_at.isoformat() if self.created_at else None
        return out
