"""Slicing key lists for ``IN (...)`` queries (light: everything imports it; the bulk helpers,
which load pandas and pyarrow, are for imports only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

IN_CHUNK = 900  # below SQLite's bound-parameter limit (999 in older builds), far below PostgreSQL's

T = TypeVar("T")


def in_chunks(values: Sequence[T], size: int = IN_CHUNK) -> list[Sequence[T]]:
    """``values`` in slices small enough for one ``IN (...)`` each (none for no values)."""
    return [values[start:start + size] for start in range(0, len(values), size)]
