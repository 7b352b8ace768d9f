"""On/off words ("1/true/yes/on" and "0/false/no/off"): the one parser of settings, query and form switches."""

from __future__ import annotations

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off", "")


def flag_or_none(value: object) -> bool | None:
    """True or False for a switch word (any case, surrounding blanks ignored; blank is off), None otherwise."""
    word = str(value if value is not None else "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def parse_flag(value: object) -> bool:
    """True only for an "on" word: a missing, blank or unknown value means off (callers that must refuse
    unknown words use `flag_or_none`)."""
    return flag_or_none(value) is True
