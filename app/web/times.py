"""Relative times as the pages show them ("just now", "5 min ago", "3 h ago", "2 d ago", a date beyond a
month): the server's text without JavaScript; static/js/times.js counts the same way in the browser."""

from __future__ import annotations

import datetime as dt

STEPS = ((3600, 60, "min"), (86_400, 3600, "h"), (30 * 86_400, 86_400, "d"))  # (below, unit size, unit name)


def relative(value: dt.datetime | None, now: dt.datetime | str | None) -> str:
    """How long before (or after) `now` the moment `value` is; `now` may be ISO text (cache keys are plain
    values), a naive time counts as UTC."""
    if value is None or not now:
        return "—"
    now = dt.datetime.fromisoformat(now) if isinstance(now, str) else now
    seconds = (_aware(now) - _aware(value)).total_seconds()
    span = abs(seconds)
    if span < 60:
        return "just now"
    for below, size, unit in STEPS:
        if span < below:
            count = int(span // size)
            return f"{count} {unit} ago" if seconds > 0 else f"in {count} {unit}"
    return _aware(value).strftime("%Y-%m-%d")


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
