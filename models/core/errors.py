"""Domain errors. Each carries a message id (English, translated when shown) and its parameters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Self


def N_(message: str) -> str:
    """Mark a message for translation without translating it now (gettext's no-op marker)."""
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with its plural form; shown in the form its ``count`` parameter needs
    (``NP_("{count} problem.", "{count} problems.")``, ``ngettext`` when rendered)."""
    return (singular, plural)


class Terms(tuple[str, ...]):
    """Message ids given as one parameter (role names, statuses): each is translated when the
    message is shown, then they are joined with ``sep``."""

    sep: str

    def __new__(cls, items: Iterable[str], sep: str = ", ") -> Self:
        made = super().__new__(cls, items)
        made.sep = sep
        return made


class DomainError(Exception):
    """A rule said no. Shown to the user as a short, friendly, translated reply."""

    kind = "error"

    def __init__(self, message: str | tuple[str, str], *, field: str | None = None, hint: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.hint = hint
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
