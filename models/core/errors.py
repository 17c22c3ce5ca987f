"""Domain errors. Each carries a message id (English, translated when shown) and its parameters."""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:
    """Mark a message for translation without translating it now (gettext's no-op marker)."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message and its plural for translation (``ngettext``'s no-op marker)."""
    return singular, plural


class DomainError(Exception):
    """A rule said no. Shown to the user as a short, friendly, translated reply."""

    kind = "error"

    def __init__(self, message: str, *, field: str | None = None, hint: str | None = None,
                 plural: str | None = None, **params: Any) -> None:
        """``plural``: the message id's plural form, chosen by the ``count`` parameter (gettext rules)."""
        super().__init__(message)
        self.message = message
        self.field = field
        self.hint = hint
        self.plural = plural
        self.params = params

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"{type(self).__name__}({self.message!r}, field={self.field!r}, params={self.params!r})"


class ValidationError(DomainError):
    """The input is wrong; the message says how to do it right."""

    kind = "validation"


class PermissionDenied(DomainError):
    """The actor may not do this."""

    kind = "permission"


class NotFound(DomainError):
    """The thing asked for does not exist (or the actor may not know it exists)."""

    kind = "not_found"


class Conflict(DomainError):
    """The thing changed under us: already decided, already taken, already done."""

    kind = "conflict"
