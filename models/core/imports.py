"""What every import reports: a row-numbered refusal, or a summary of what changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.core.errors import NP_, ValidationError


@dataclass
class RowError:
    """A problem in one row (``row`` is the line number a spreadsheet shows; the header is row 1)."""

    row: int
    column: str | None
    message: str | tuple[str, str]  # a message id, or a (singular, plural) pair (NP_) with a count
    params: dict = field(default_factory=dict)
    plural: str | None = None  # the message's plural form, chosen by ``params["count"]``


class ImportRefused(ValidationError):
    """The file was refused whole; nothing was written. ``errors`` says why, row by row."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(NP_("The file was refused and nothing was changed: {count} problem.",
                             "The file was refused and nothing was changed: {count} problems."), count=len(errors))
        self.errors = sorted(errors, key=lambda e: (e.row, e.column or ""))


@dataclass
class ImportSummary:
    """Counts of an accepted import; ``extra`` holds desk-specific figures (matched, breaks...)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    extra: dict = field(default_factory=dict)
