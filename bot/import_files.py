"""Opening an import file within bounds: what a hostile or broken file is refused for, before it is read.

A CSV is bounded by its size on disk and its line count; an XLSX (a zip of XML) by the sizes
its archive declares (a zip bomb is refused before anything is unpacked), then by the
dimension its sheet declares, then row by row as openpyxl streams it (read-only mode), so
neither a cell at ``XFD1048576`` nor a 1 GB sheet ever reaches memory. Every refusal is one
row-numbered reason (:class:`ImportRefused`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import load_workbook

from models.core.errors import N_
from models.core.imports import ImportRefused, RowError

MAX_ROWS = 1_100_000  # above the 1M-row stock snapshots the desk is sized for (and Excel's 1,048,576)
MAX_COLUMNS = 100
MAX_CELL = 5_000  # characters; the longest free text the bot keeps is 3,000
MAX_CSV_BYTES = 256 * 1024 * 1024
MAX_XLSX_UNPACKED = 512 * 1024 * 1024
MAX_RATIO = 200  # sheet XML compresses 10-30x; a bomb, thousands of times
_RATIO_FLOOR = 1024 * 1024  # small members may compress as they like


def refuse(message: str, row: int = 0, column: str | None = None, **params: Any) -> ImportRefused:
    return ImportRefused([RowError(row, column, message, params)])


def read_csv_bytes(path: Path) -> bytes:
    """The CSV's bytes, if it is no larger or longer than any the bot imports (its size is
    checked on disk, before it is read)."""
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise refuse(N_("The file is {size} MB; the most the bot imports is {limit} MB."),
                     size=size // 2**20, limit=MAX_CSV_BYTES // 2**20)
    raw = path.read_bytes()
    lines = raw.count(b"\n")
    if lines > MAX_ROWS + 1:
        raise refuse(N_("The file has {count} lines; the most the bot imports is {limit} rows."),
                     count=lines, limit=MAX_ROWS)
    return raw


def read_xlsx(path: Path) -> tuple[list[str], list[list[str]]]:
    """The first sheet's header and rows as text (cells as pandas' reader words them), within the bounds."""
    _check_archive(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken workbook
        raise refuse(N_("The file could not be read as CSV or XLSX: {reason}"),
                     reason=f"{type(exc).__name__}: {str(exc)[:100]}") from None
    try:
        sheet = book.worksheets[0]
        declared_rows, declared_cols = sheet.max_row, sheet.max_column  # from the sheet's <dimension>, if any
        if declared_cols is not None and declared_cols > MAX_COLUMNS:
            raise refuse(N_("The sheet declares {count} columns; the most the bot reads is {limit}."),
                         count=declared_cols, limit=MAX_COLUMNS)
        if declared_rows is not None and declared_rows > MAX_ROWS + 1:
            raise refuse(N_("The sheet declares {count} rows; the most the bot imports is {limit}."),
                         count=declared_rows, limit=MAX_ROWS)
        rows: list[list[str]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=declared_cols), start=1):
            if number > MAX_ROWS + 1:
                raise refuse(N_("The sheet has more than {limit} rows; the most the bot imports is {limit}."),
                             limit=MAX_ROWS)
            if len(values) > MAX_COLUMNS and any(v is not None for v in values[MAX_COLUMNS:]):
                raise refuse(N_("Row {row} has {count} columns; the most the bot reads is {limit}."), row=number,
                             count=len(values), limit=MAX_COLUMNS)
            rows.append([_text(v) for v in values[:MAX_COLUMNS]])
    finally:
        book.close()
    if not rows:
        raise refuse(N_("The file is empty: it needs a header row and at least one row."))
    width = max(len(r) for r in rows)
    while width and not rows[0][width - 1] and all(len(r) < width or not r[width - 1] for r in rows):
        width -= 1  # trailing empty columns (formatting only)
    header = rows[0][:width]
    return header, [(r + [""] * width)[:width] for r in rows[1:]]


def _check_archive(path: Path) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise refuse(N_("The file is not an XLSX workbook (an .xlsx file is a zip archive); "
                        "save it again as XLSX or CSV.")) from None
    with archive:
        members = archive.infolist()
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_XLSX_UNPACKED:
        raise refuse(N_("The workbook unpacks to {size} MB; the most the bot reads is {limit} MB."),
                     size=unpacked // 2**20, limit=MAX_XLSX_UNPACKED // 2**20)
    for m in members:
        if m.file_size > _RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise refuse(N_("The workbook is compressed {ratio} times over, as no spreadsheet is: refused."),
                         ratio=m.file_size // max(m.compress_size, 1))


def _text(value: Any) -> str:
    """A cell as text, as ``pandas.read_excel(dtype=str)`` words it (whole floats without ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def check_columns(raw: list[str], normalised: list[str], wanted: set[str]) -> None:
    """Refuse two header cells that name the same wanted column (``SKU`` and ``sku ``, or a copy)."""
    seen: dict[str, str] = {}
    for original, name in zip(raw, normalised, strict=True):
        if name in wanted and name in seen:
            raise refuse(N_("Columns “{first}” and “{second}” are both the column {column}: keep one."), row=1,
                         first=seen[name].strip() or seen[name], second=original, column=name)
        seen.setdefault(name, original)


def check_cells(df: pd.DataFrame, columns: list[str]) -> None:
    """Refuse an oversized cell or a NUL character (PostgreSQL cannot store one), naming its row."""
    for col in columns:
        values = df[col]
        too_long = values.str.len() > MAX_CELL
        if too_long.any():
            at = too_long.idxmax()
            raise refuse(N_("A cell of {size} characters; the most the bot keeps is {limit}."),
                         row=int(df.at[at, "_row"]), column=col, size=len(values[at]), limit=MAX_CELL)
        nul = values.str.contains("\x00", regex=False)
        if nul.any():
            raise refuse(N_("This cell contains a NUL character (a binary file?)."),
                         row=int(df.at[nul.idxmax(), "_row"]), column=col)
