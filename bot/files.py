"""Files for people (reports, exports): written for the reader, safe to open, delivered through the outbox.

- **For the reader**: XLSX with real numbers and dates, or CSV in the reader's conventions: for
  pt-BR ``;`` between fields, a decimal comma and dd/mm/aaaa dates (what a Brazilian Excel
  opens as columns); for English ``,`` and a decimal point. Headers are given translated.
- **Never live**: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  gets a leading apostrophe (OWASP's rule for CSV injection), in CSV and XLSX alike, so a value
  someone typed can never run as a formula. Numbers stay numbers.
- **Uploaded, not saved in the current directory**: :func:`upload` queues the file in the outbox,
  in the request's transaction (so a Slack retry of the request uploads it once); Slack gets it
  in the person's DM, the console saves it in a temporary folder and prints the path.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from models.core.context import Ctx
from models.core.notify import notify
from models.core.outbox import OutboxKind, OutboxMessage
from models.core.people import Person

LIVE_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")


@dataclass
class Sheet:
    """One table: translated headers and rows of values (text, int, Decimal, date)."""

    title: str
    headers: list[str]
    rows: list[Sequence[Any]] = field(default_factory=list)


def inert(value: str) -> str:
    """Text a spreadsheet shows as text, never runs: OWASP's leading apostrophe for formula starts."""
    return "'" + value if value.startswith(LIVE_STARTS) else value


def _csv_cell(value: Any, locale: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, Decimal, float)) and not isinstance(value, bool):
        text = _decimal_text(value) if isinstance(value, Decimal) else str(value)
        return text.replace(".", ",") if locale == "pt-BR" else text
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y") if locale == "pt-BR" else value.isoformat()
    return inert(str(value))


def _decimal_text(value: Decimal) -> str:
    """At least two decimals, no trailing zeros beyond them: 10.20, 37.405, 1234.00."""
    value = value.normalize()
    exponent = value.as_tuple().exponent
    return format(value.quantize(Decimal("0.01")) if isinstance(exponent, int) and exponent > -2 else value, "f")


def to_csv(sheets: list[Sheet], locale: str) -> bytes:
    """The sheets one after the other, a blank line between (UTF-8 with BOM, for spreadsheets)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if locale == "pt-BR" else ",", lineterminator="\r\n")
    for n, sheet in enumerate(sheets):
        if n:
            writer.writerow([])
        writer.writerow([inert(h) for h in sheet.headers])
        writer.writerows([_csv_cell(v, locale) for v in row] for row in sheet.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value == value.quantize(Decimal("0.000001")) else str(value)
    if isinstance(value, str):
        return inert(value)
    return value


def to_xlsx(sheets: list[Sheet]) -> bytes:
    """One worksheet per sheet; numbers and dates typed, text never a formula."""
    from openpyxl import Workbook  # lazy: a spreadsheet library for every idle web process otherwise

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(title=_sheet_title(sheet.title))
        ws.append([inert(h) for h in sheet.headers])
        for row in sheet.rows:
            ws.append([_xlsx_cell(v) for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # openpyxl would take "=..." for a formula; it is text
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "DD/MM/YYYY"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return (cleaned or "Sheet")[:31]


def people_file(stem: str, sheets: list[Sheet], locale: str, fmt: str = "csv") -> tuple[str, bytes]:
    """``(filename, content)`` of ``sheets`` as ``fmt`` (``csv`` or ``xlsx``) for a reader in ``locale``."""
    if fmt == "xlsx":
        return f"{stem}.xlsx", to_xlsx(sheets)
    return f"{stem}.csv", to_csv(sheets, locale)


def upload(ctx: Ctx, person: Person, filename: str, content: bytes, *, title: str,
           template: str = "platform/file_ready", data: dict | None = None) -> OutboxMessage:
    """Queue ``content`` for ``person``'s DM (Slack) or a temporary folder (console), once per request."""
    key = f"file:{ctx.request_id}:{filename}" if ctx.request_id else None
    return notify(ctx, template, {**(data or {}), "title": title,
                                  "files": [{"filename": filename, "title": title,
                                             "base64": base64.b64encode(content).decode("ascii")}]},
                  person=person, kind=OutboxKind.file, dedup_key=key)
