"""Domain exception hierarchy.

Services raise these; handlers (or the typed error handlers in
``handlers/errors.py``) turn them into a translated reply. Every error carries an
i18n key (``code``) and the parameters for its message, so the text shown to a
person lives in the catalogs, not in the service.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    code: str = "error.generic"

    def __init__(self, code: str | None = None, **params: Any) -> None:
        self.code = code or self.code
        self.params = params
        super().__init__(self.code, params)


class InvalidInput(DomainError):
    """Text a person typed does not have the expected shape (phone, URL, length...)."""

    code = "error.invalid_input"


class NotAllowed(DomainError):
    """The person may not do this (role, ownership, forged callback data)."""

    code = "error.not_allowed"


class NotFound(DomainError):
    """The thing asked for does not exist (any more)."""

    code = "error.not_found"


class Conflict(DomainError):
    """The action clashes with the current state (already decided, already used...)."""

    code = "error.conflict"
