"""The base of every domain error: a machine-readable code, an HTTP status and a message a person can act on.

It sits with the models (which import nothing of ours) so that the store can raise domain errors without
importing the services; each adapter maps DomainError subclasses to a response in one place."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class: carries a machine-readable code and a human message."""

    code = "error"
    status = 400

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
