"""What every import reports: a row-numbered refusal, or a summary of what changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.core.errors import N_plural, ValidationError


@dataclass
class RowError:
    """A problem in one row (``row`` is the line number a spreadsheet shows; the header is row 1)."""

    row: int
    column: str | None
    message: str
    params: dict = field(default_factory=dict)
    plural: str | None = None  # the message's plural form, chosen by ``params["count"]``


class ImportRefused(ValidationError):
    """The file was refused whole; nothing was written. ``errors`` says why, row by row."""

    def __init__(self, errors: list[RowError]) -> None:
        one, many = N_plural("The file was refused and nothing was changed: {count} problem.",
                             "The file was refused and nothing was changed: {count} problems.")
        super().__init__(one, plural=many, count=len(errors))
        self.errors = sorted(errors, key=lambda e: (e.row, e.column or ""))


@dataclass
class ImportSummary:
    """Counts of an accepted import; ``extra`` holds desk-specific figures (matched, breaks...)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    extra: dict = field(default_factory=dict)
