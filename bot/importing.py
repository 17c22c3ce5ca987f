"""Reading import files (CSV or XLSX) the way real files come: BOM, ``;`` separators, Brazilian
decimals (``1.234,56``), columns in any order, stray spaces. Domain validation lives in models;
this module only turns a file into a table of text with the file's own row numbers.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from bot.import_files import MAX_COLUMNS, check_cells, check_columns, read_csv_bytes, read_xlsx
from models.core.errors import N_, NP_
from models.core.imports import ImportRefused, RowError
from models.core.numbers import BRAZILIAN

__all__ = ["ImportRefused", "RowError", "read_table", "decimal_column", "Progress"]


def _unreadable(exc: Exception, path: Path) -> str:
    """What a person can do about a file the readers refused (their own messages are English jargon)."""
    if isinstance(exc, pd.errors.EmptyDataError):
        return N_("The file is empty: it needs a header row and at least one row of data.")
    if isinstance(exc, UnicodeDecodeError):
        return N_("The file is not text in UTF-8; save it as “CSV UTF-8” or as XLSX.")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return N_("The file is not a spreadsheet I can open; save it again as XLSX (or as CSV UTF-8).")
    if isinstance(exc, pd.errors.ParserError):
        return N_("The rows of the file do not line up with its header (a separator or quote out of place?).")
    return N_("The file could not be read as CSV or XLSX; save it again as CSV UTF-8 or XLSX.")


def read_table(path: str | Path, required: list[str], optional: Sequence[str] = ()) -> pd.DataFrame:
    """The file as a DataFrame of stripped strings with normalised column names and a ``_row`` column.

    Raises :class:`ImportRefused` when the file cannot be read, is beyond the bounds of
    :mod:`bot.import_files`, names a column twice, or lacks a required column.
    """
    path = Path(path)
    if not path.is_file():
        raise ImportRefused([RowError(0, None, N_("File not found: {path}"), {"path": str(path)})])
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            raw_header, rows = read_xlsx(path)
            df = pd.DataFrame(rows, columns=range(len(raw_header)), dtype=object)
        else:
            raw = read_csv_bytes(path)
            text_head = raw[:65536].decode("utf-8-sig", errors="replace")
            sep = sniff_separator(text_head)
            df = _read_csv(raw, sep)
            raw_header = _csv_header(text_head, sep, len(df.columns)) or [str(c) for c in df.columns]
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError, OSError, zipfile.BadZipFile, KeyError, EOFError) as exc:
        raise ImportRefused([RowError(0, None, _unreadable(exc, path))]) from None
    if len(raw_header) > MAX_COLUMNS:
        raise ImportRefused([RowError(1, None, N_("The file has {count} columns; the most the bot reads is {limit}."),
                                      {"count": len(raw_header), "limit": MAX_COLUMNS})])
    names = [normalise_column(c) for c in raw_header]
    check_columns(raw_header, names, set(required) | set(optional))
    df.columns = names
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ImportRefused([RowError(1, None, NP_("Missing column: {columns}. Expected: {expected}.",
                                                   "Missing columns: {columns}. Expected: {expected}."),
                                      {"columns": ", ".join(missing), "expected": ", ".join(required),
                                       "count": len(missing)})])
    keep = list(dict.fromkeys(c for c in names if c in required or c in optional))
    df = df.loc[:, keep].copy()
    for col in keep:
        df[col] = df[col].astype("string").str.strip().fillna("")
    df["_row"] = range(2, len(df) + 2)
    check_cells(df, keep)
    # Blank lines at the end of a spreadsheet are not rows (column by column: a row-wise ``all``
    # over a million rows of arrow strings costs seconds).
    blank = np.ones(len(df), dtype=bool)
    for col in keep:
        blank &= (df[col] == "").to_numpy(dtype=bool)
    return df.loc[~blank].reset_index(drop=True) if blank.any() else df


def _csv_header(head: str, sep: str, width: int) -> list[str] | None:
    """The header row as written (pandas renames a repeated name ``x.1``, hiding the repeat)."""
    try:
        first = next(csv.reader(io.StringIO(head), delimiter=sep))
    except (StopIteration, csv.Error):
        return None
    return first if len(first) == width else None


def _read_csv(raw: bytes, sep: str) -> pd.DataFrame:
    """All columns as text. pyarrow's multithreaded reader is ~5x faster on big files; when it
    refuses a file (ragged rows, odd quoting) the C reader gets it and words the error."""
    try:
        return pd.read_csv(io.BytesIO(raw), sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                           engine="pyarrow")
    except Exception:  # noqa: BLE001 - pyarrow's errors are unhelpful to users; the C reader explains
        return pd.read_csv(io.BytesIO(raw), sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                           skipinitialspace=True)


def sniff_separator(head: str) -> str:
    first = head.splitlines()[0] if head else ""
    counts = {sep: first.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda k: counts[k])
    if counts[best] == 0:
        try:
            return csv.Sniffer().sniff(head).delimiter
        except csv.Error:
            return ","
    return best


def normalise_column(name: object) -> str:
    text = str(name).strip().lower().lstrip("\ufeff")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def decimal_column(series: pd.Series) -> pd.Series:
    """Text to Decimal-ready text: ``1.234,56`` and ``1234,56`` become ``1234.56``; ``1234.56`` stays.

    Per column: if any value has a decimal comma, the column is Brazilian style.
    """
    s = series.astype("string").str.strip().str.replace(r"^R\$\s*", "", regex=True).str.replace(" ", "", regex=False)
    if s.str.match(BRAZILIAN).fillna(False).any():
        s = s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    return s


class Progress:
    """A plain progress bar on stderr for long imports (silent for small files or when not a TTY)."""

    def __init__(self, total: int, label: str, min_total: int = 20_000, stream: TextIO = sys.stderr) -> None:
        self.total, self.label, self.stream = total, label, stream
        self.enabled = total >= min_total
        self._last = -1

    def update(self, done: int) -> None:
        if not self.enabled or self.total <= 0:
            return
        pct = int(done * 100 / self.total)
        if pct == self._last:
            return
        self._last = pct
        bar = "#" * (pct // 4) + "-" * (25 - pct // 4)
        self.stream.write(f"\r{self.label} [{bar}] {pct:3d}% ({done:,}/{self.total:,})")
        if done >= self.total:
            self.stream.write("\n")
        self.stream.flush()
