"""Hostile and broken import files: one clear refusal each, in bounded memory, nothing changed.

The big ones (a 1.3 GB zip bomb, a 300 MB CSV) run under ``-m long``; the normal suite has the
same classes at a size that is cheap to make.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from bot.import_files import MAX_ROWS
from bot.imports_cli import run_import
from models.stock.tables import StockLevel

STOCK_HEADER = ("snapshot_at,sku,barcode,product_name,warehouse,uom,on_hand_qty,reserved_qty,incoming_qty,"
                "incoming_eta,reorder_level,reorder_qty,unit_price,currency")
STOCK_ROW = "2026-11-23T08:00:00-03:00,PRD-1000,7890000007009,{name},SP-CD01,UN,12,2,0,,100,200,2.44,BRL"
MEMORY_BOUND = 64 * 2**20  # far below what reading the file whole would take


def _import(runtime, kind: str, path: Path) -> tuple[int, str, int]:
    """Exit code, what was printed on stderr, and the peak memory the import took (Python allocations)."""
    err, out = io.StringIO(), io.StringIO()
    tracemalloc.start()
    try:
        code = run_import(runtime, kind, path, out=out, err=err)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return code, err.getvalue(), peak


def _refused(result: tuple[int, str, int], *words: str) -> str:
    code, said, peak = result
    assert code == 1, said
    assert "Traceback" not in said and len(said) < 2000, said[:500]
    assert all(w in said for w in words), said
    assert peak < MEMORY_BOUND, peak
    return said


def _stock_rows(runtime) -> int:
    with runtime.db.session(readonly=True) as s:
        return s.scalar(select(func.count()).select_from(StockLevel)) or 0


def test_an_xlsx_that_is_not_a_zip_is_refused(runtime, tmp_path):
    path = tmp_path / "stock.xlsx"
    path.write_text(STOCK_HEADER + "\n" + STOCK_ROW.format(name="x") + "\n")
    _refused(_import(runtime, "stock", path), "XLSX", "zip")


def test_a_cell_at_xfd1048576_is_refused_by_the_declared_dimension(runtime, tmp_path):
    book = Workbook()
    sheet = book.active
    for col, name in enumerate(STOCK_HEADER.split(","), start=1):
        sheet.cell(row=1, column=col, value=name)
    sheet["XFD1048576"] = "x"
    path = tmp_path / "stock.xlsx"
    book.save(path)
    assert path.stat().st_size < 10_000
    said = _refused(_import(runtime, "stock", path), "16384")
    assert _stock_rows(runtime) == 0, said


def _bomb(path: Path, unpacked_mb: int) -> None:
    """A valid workbook whose sheet is padded with ``unpacked_mb`` MB of blank rows (compresses ~1000x)."""
    book = Workbook()
    book.active.append(STOCK_HEADER.split(","))
    plain = io.BytesIO()
    book.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(item, data)
                continue
            head, tail = data.decode().split("</sheetData>")
            with dst.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(head.encode())
                chunk = b"<row/>" * (2**20 // 6)
                for _ in range(unpacked_mb):
                    sheet.write(chunk)
                sheet.write(("</sheetData>" + tail).encode())


def test_a_zip_bomb_is_refused_before_it_is_unpacked(runtime, tmp_path):
    path = tmp_path / "stock.xlsx"
    _bomb(path, 40)
    assert path.stat().st_size < 1_000_000
    _refused(_import(runtime, "stock", path), "comprimida")


@pytest.mark.long
def test_a_zip_bomb_of_a_gigabyte_and_more_is_refused_before_it_is_unpacked(runtime, tmp_path):
    path = tmp_path / "stock.xlsx"
    _bomb(path, 1300)
    _refused(_import(runtime, "stock", path), "MB")


def test_a_csv_longer_than_any_import_is_refused_before_it_is_parsed(runtime, tmp_path):
    path = tmp_path / "stock.csv"
    with path.open("w") as f:
        f.write(STOCK_HEADER + "\n")
        f.write("\n" * (MAX_ROWS + 5))
    _refused(_import(runtime, "stock", path), str(MAX_ROWS))


@pytest.mark.long
def test_a_300_megabyte_csv_is_refused_before_it_is_parsed(runtime, tmp_path):
    path = tmp_path / "stock.csv"
    with path.open("w") as f:
        f.write(STOCK_HEADER + "\n")
        line = STOCK_ROW.format(name="x" * 3000) + "\n"
        for _ in range(300 * 2**20 // len(line) + 1):
            f.write(line)
    _refused(_import(runtime, "stock", path), "MB")


def test_a_twenty_megabyte_cell_is_refused_and_not_echoed(runtime, tmp_path):
    path = tmp_path / "stock.csv"
    path.write_text(STOCK_HEADER + "\n" + STOCK_ROW.format(name="A" * 20_000_000) + "\n")
    code, said, _peak = _import(runtime, "stock", path)
    assert code == 1 and "Traceback" not in said
    assert len(said) < 1000, len(said)
    assert "product_name" in said and "2" in said


@pytest.mark.parametrize("header", [
    STOCK_HEADER.replace("sku,", "SKU,sku ,", 1),
    STOCK_HEADER + ",on_hand_qty",
], ids=["colliding-after-normalising", "duplicate-column"])
def test_a_column_named_twice_is_refused(runtime, tmp_path, header):
    row = STOCK_ROW.format(name="Porca")
    if "SKU" in header:
        row = row.replace("PRD-1000,", "PRD-1000,PRD-9999,", 1)
    else:
        row += ",999"
    path = tmp_path / "stock.csv"
    path.write_text(header + "\n" + row + "\n")
    said = _refused(_import(runtime, "stock", path), "sku" if "SKU" in header else "on_hand_qty")
    assert "row 1" in said.lower() or "linha 1" in said.lower()
    assert _stock_rows(runtime) == 0


def test_a_nul_character_is_refused_with_its_row(runtime, tmp_path):
    path = tmp_path / "stock.csv"
    path.write_text(STOCK_HEADER + "\n" + STOCK_ROW.format(name="Porca") + "\n"
                    + STOCK_ROW.format(name="Por\x00ca").replace("PRD-1000", "PRD-1001") + "\n")
    said = _refused(_import(runtime, "stock", path), "NUL", "product_name")
    assert "3" in said
    assert _stock_rows(runtime) == 0


def test_the_terminal_shows_what_the_file_said_not_html_escapes(runtime, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("email,name,manager_email\nana@empresa.com.br,Ana,U1>|<!channel\n")
    code, said, _peak = _import(runtime, "people", path)
    assert code == 1
    assert "u1>|<!channel" in said.lower() and "&gt;" not in said and "&lt;" not in said
