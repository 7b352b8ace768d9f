"""Field rules for work items: each returns a clean value or records a message for the field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from app.models import ItemType, Priority, Severity
from app.models.work_item import ALL_TYPE_FIELDS, TYPE_FIELDS
from app.services import clock

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")
# C0 controls but tab, newline and carriage return, and DEL: Delta round-trips them, but they are never
# ticket text, browsers rewrite NUL to U+FFFD (an edit form would silently change the text) and
# escape sequences reach terminals through the CLI and logs.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LIMITS = {"title": (3, 200), "description": (0, 20_000), "comment": (1, 10_000), "note": (0, 10_000),
          "impact": (0, 2_000), "problem": (0, 5_000), "proposed_benefit": (0, 5_000),
          "justification": (0, 5_000)}
TYPE_LABELS = {t.value: t.label for t in ItemType}  # as the create form's type select shows them


def label(value: str) -> str:
    """A type or state id as people read it (in_progress -> In progress, platform_request -> Platform
    request): messages name what the pages show, never the raw ids the code and the URLs use."""
    return TYPE_LABELS.get(value) or value.replace("_", " ").capitalize()


def labels(values: list[str]) -> str:
    """Several ids as one readable list: "New, Triaged or Closed"."""
    shown = [label(v) for v in values]
    return ", ".join(shown[:-1]) + f" or {shown[-1]}" if len(shown) > 1 else "".join(shown)


def unstorable(value: str) -> str | None:
    """Why `value` may not be stored, or None: text must encode as UTF-8 (no lone surrogates) and hold
    no control characters. Checked on every text that reaches a store, so no row is unreadable."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return _bad_character(value, exc.start, "cannot be stored as UTF-8")
    found = CONTROL_RE.search(value)
    return _bad_character(value, found.start(), "is a control character") if found else None


def _bad_character(value: str, index: int, why: str) -> str:
    return (f"Contains a character that {why} (U+{ord(value[index]):04X} at position {index + 1}); "
            "remove it and try again.")


class FieldErrors(dict[str, str]):
    """Collects per-field messages while validating a whole payload at once."""

    def text(self, data: dict[str, Any], name: str, required: bool = False, limit: str | None = None) -> str | None:
        raw = data.get(name)
        if isinstance(raw, str) and (problem := unstorable(raw)):
            self[name] = problem
            return None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                self[name] = "This field is required."
            return None
        if not isinstance(raw, str):
            self[name] = "Must be text."
            return None
        value = raw.strip() if name != "description" else raw
        low, high = LIMITS.get(limit or name, (0, 10_000))
        if len(value.strip()) < low:
            self[name] = f"Must be at least {low} characters."
        elif len(value) > high:
            self[name] = f"Must be at most {high:,} characters (got {len(value):,}).".replace(",", " ")
        return value

    def choice(self, data: dict[str, Any], name: str, allowed: list[str], required: bool = False,
               default: str | None = None) -> str | None:
        """One of `allowed`; the messages name the choices as the form shows them (labels), not raw ids."""
        raw = data.get(name)
        shown = ", ".join(TYPE_LABELS.get(v) or v.replace("_", " ") for v in allowed)
        if raw is None or raw == "":
            if required:
                self[name] = f"This field is required. Choose one of: {shown}."
            return default
        if isinstance(raw, str) and (problem := unstorable(raw)):
            self[name] = problem
            return None
        if raw not in allowed:
            self[name] = f"Unknown value {str(raw)[:40]!r}. Choose one of: {shown}."
            return None
        return str(raw)

    def email(self, data: dict[str, Any], name: str) -> str | None:
        raw = data.get(name)
        if isinstance(raw, str) and (problem := unstorable(raw)):
            self[name] = problem
            return None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if not isinstance(raw, str) or not EMAIL_RE.match(raw.strip()):
            self[name] = "Must be an email address such as alice@example.com."
            return None
        return raw.strip().lower()

    def date(self, data: dict[str, Any], name: str, not_before: dt.date | None = None) -> dt.date | None:
        """A date (YYYY-MM-DD); with not_before, an earlier one is refused (a deadline already passed)."""
        value = self._date(data, name)
        if value is not None and not_before is not None and value < not_before:
            self[name] = f"Must be today ({not_before.isoformat()}) or later."
            return None
        return value

    def _date(self, data: dict[str, Any], name: str) -> dt.date | None:
        raw = data.get(name)
        if raw is None or raw == "":
            return None
        if isinstance(raw, dt.date):
            return raw
        if isinstance(raw, str) and (problem := unstorable(raw)):
            self[name] = problem
            return None
        try:
            if not isinstance(raw, str):
                raise ValueError(raw)
            return dt.date.fromisoformat(raw.strip())
        except ValueError:
            self[name] = "Must be a date as YYYY-MM-DD."
            return None


def platform_required(item_type: str) -> bool:
    """Incidents and platform requests name their platform; improvements may leave it open (the form's
    required marker asks this too, so the page and the rule cannot disagree)."""
    return item_type in (ItemType.INCIDENT, ItemType.PLATFORM_REQUEST)


def item_fields(data: dict[str, Any], item_type: str, platforms: list[str], errors: FieldErrors,
                partial: bool = False) -> dict[str, Any]:
    """Validate the editable fields of an item of this type; with partial, only those present.

    A new item's "needed by" may not lie in the past; edits (partial) keep a date that has since passed."""
    present = (lambda n: n in data) if partial else (lambda n: True)
    needs_platform = platform_required(item_type)
    today = None if partial else clock.utcnow().date()
    out: dict[str, Any] = {}
    checks = {
        "title": lambda: errors.text(data, "title", required=True),
        "description": lambda: errors.text(data, "description") or "",
        "priority": lambda: errors.choice(data, "priority", [p.value for p in Priority], required=partial,
                                          default=Priority.P3.value),
        "platform": lambda: errors.choice(data, "platform", platforms, required=needs_platform),
        "assignee": lambda: errors.email(data, "assignee"),
        "severity": lambda: errors.choice(data, "severity", [s.value for s in Severity], required=True),
        "impact": lambda: errors.text(data, "impact"),
        "problem": lambda: errors.text(data, "problem"),
        "proposed_benefit": lambda: errors.text(data, "proposed_benefit"),
        "justification": lambda: errors.text(data, "justification"),
        "needed_by": lambda: errors.date(data, "needed_by", not_before=today),
    }
    own = set(TYPE_FIELDS[item_type])
    for name, check in checks.items():
        if name in ALL_TYPE_FIELDS and name not in own:
            if data.get(name) not in (None, ""):
                errors[name] = f"Does not apply to {TYPE_LABELS.get(item_type, item_type).lower()} items."
            continue
        if present(name):
            out[name] = check()
    return out


MAX_WHOLE = 2**63 - 1  # the stores keep versions and pages as 64-bit integers


def whole_number(value: Any) -> int | None:
    """A non-negative int, or a string of ASCII digits (HTML forms); nothing else. `int()` alone would take
    `١` as 1, `1_0` as 10, `+1` and ` 1 `; JSON bodies must send a real integer, never a bool or a float."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit()) or len(value) > 19:
            return None
        value = int(value)
    if isinstance(value, int) and 0 <= value <= MAX_WHOLE:
        return value
    return None
