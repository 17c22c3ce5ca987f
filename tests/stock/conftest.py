"""Stock fixtures: the demo snapshot, and small catalogues written as real files and imported
through the registered importer (what `backoffice-bot import stock FILE` does)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.imports_cli import run_import
from tests.conftest import DATA

HEADER = ("snapshot_at,sku,barcode,product_name,warehouse,uom,on_hand_qty,reserved_qty,incoming_qty,incoming_eta,"
          "reorder_level,reorder_qty,unit_price,currency")
SNAP = "2026-11-25T08:00:00-03:00"

# A small catalogue with one product per kind, so each search has a clear answer.
CATALOGUE = [
    ("PRD-2001", "7890000020001", "Cadeira ergonômica azul", "SP-CD01", 12, 2, 0, "", 10, 20, "1.499,90"),
    ("PRD-2001", "7890000020001", "Cadeira ergonômica azul", "RJ-CD02", 3, 0, 20, "2026-12-10", 10, 20, "1.499,90"),
    ("PRD-2002", "7890000020002", "Cadeira ergonômica preta", "SP-CD01", 40, 5, 0, "", 10, 20, "1.399,00"),
    ("PRD-2003", "7890000020003", "Parafuso sextavado M8 x 40", "SP-CD01", 5000, 100, 0, "", 500, 1000, "0,45"),
    ("PRD-2004", "7890000020004", "Parafuso sextavado M8 x 60", "MG-CD03", 800, 0, 0, "", 500, 1000, "0,52"),
    ("PRD-2005", "7890000020005", "Parafuso sextavado M6 x 30", "SP-CD01", 1200, 0, 0, "", 500, 1000, "0,30"),
    ("PRD-2006", "7890000020006", "Porca sextavada M8", "SP-CD01", 900, 0, 0, "", 100, 200, "0,12"),
    ("PRD-2007", "7890000020007", "Office chair mesh", "SP-CD01", 7, 0, 0, "", 2, 5, "899,00"),
    ("PRD-2008", "7890000020008", "Toner HP 58A", "SP-CD01", 0, 0, 30, "2026-12-02", 10, 20, "410,00"),
    ("PRD-2009", "7890000020009", "Mesa de escritório 120 cm", "SP-CD01", 4, 4, 0, "", 10, 20, "1.187,08"),
]


def row(sku, barcode, name, wh, on_hand, reserved, incoming, eta, level, qty, price, snap=SNAP, *,
        sep: str = ","):
    values = (snap, sku, barcode, name, wh, "UN", on_hand, reserved, incoming, eta, level, qty, price, "BRL")
    return sep.join(f'"{v}"' if sep in str(v) else str(v) for v in values)


def write_csv(path: Path, rows: list[tuple], *, sep: str = ",", bom: bool = False) -> Path:
    """A stock file as people send them: ``;`` separators and a BOM on request, Brazilian decimals."""
    lines = [HEADER.replace(",", sep)] + [row(*r, sep=sep) for r in rows]
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")
    return path


class Importer:
    """Import stock files as the CLI does, and keep what it printed."""

    def __init__(self, runtime, tmp_path: Path) -> None:
        self.runtime, self.tmp_path, self.n = runtime, tmp_path, 0

    def file(self, rows: list[tuple], **kw) -> tuple[int, str, str]:
        self.n += 1
        return self.path(write_csv(self.tmp_path / f"stock{self.n}.csv", rows, **kw))

    def path(self, path: Path) -> tuple[int, str, str]:
        import io

        out, err = io.StringIO(), io.StringIO()
        code = run_import(self.runtime, "stock", path, out=out, err=err)
        self.runtime.sender.wait_idle(timeout=30)
        return code, out.getvalue(), err.getvalue()


@pytest.fixture
def importer(people, tmp_path):
    return Importer(people, tmp_path)


@pytest.fixture
def catalogue(importer):
    code, out, err = importer.file(CATALOGUE)
    assert code == 0, err
    return importer


@pytest.fixture
def demo_stock(importer):
    code, out, err = importer.path(DATA / "stock.csv")
    assert code == 0, err
    return importer
