"""`backoffice-bot import stock FILE`: real files, all or nothing, reasons by row, a summary."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models.core.audit import AuditRecord
from models.core.errors import PermissionDenied
from models.stock.tables import Product, StockLevel, Warehouse
from tests.cast import MARIANA
from tests.stock.conftest import CATALOGUE, HEADER, SNAP, write_csv


def counts(runtime) -> tuple[int, int, int]:
    with runtime.db.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in (Product, Warehouse, StockLevel))


def test_demo_file_imports_with_a_summary_and_reimports_unchanged(importer):
    from tests.conftest import DATA

    code, out, err = importer.path(DATA / "stock.csv")
    assert code == 0, err
    assert "stock.csv importado: 237 criados, 0 atualizado, 0 sem mudança." in out
    assert "120 produtos criados" in out and "3 depósitos criados" in out
    assert counts(importer.runtime) == (120, 3, 237)
    code, out, err = importer.path(DATA / "stock.csv")
    assert code == 0
    assert "0 criado, 0 atualizado, 237 sem mudança." in out
    assert "0 alerta de estoque baixo" in out  # still low, already said
    with importer.runtime.db.session() as s:
        mesa = s.scalar(select(Product).where(Product.sku == "PRD-1042"))
        assert mesa.unit_price == Decimal("1187.08") and mesa.barcode == "7890000007061"
        assert mesa.reorder_level == 50


def test_summary_counts_created_updated_unchanged(importer):
    assert importer.file(CATALOGUE)[0] == 0
    changed = list(CATALOGUE)
    changed[0] = ("PRD-2001", "7890000020001", "Cadeira ergonômica azul", "SP-CD01", 15, 2, 0, "", 10, 20, "1.499,90")
    changed.append(("PRD-2001", "7890000020001", "Cadeira ergonômica azul", "MG-CD03", 1, 0, 0, "", 10, 20, "1.499,90"))
    code, out, err = importer.file(changed)
    assert code == 0, err
    assert f"1 criado, 1 atualizado, {len(CATALOGUE) - 1} sem mudança." in out
    with importer.runtime.db.session() as s:
        rec = s.scalars(select(AuditRecord).where(AuditRecord.action == "stock.imported")
                        .order_by(AuditRecord.id.desc())).first()
        assert (rec.after["created"], rec.after["updated"], rec.after["unchanged"]) == (1, 1, len(CATALOGUE) - 1)
        sp = s.scalar(select(StockLevel).join(Warehouse).join(Product)
                      .where(Product.sku == "PRD-2001", Warehouse.code == "SP-CD01"))
        assert sp.on_hand == 15 and sp.available == 13


def test_semicolons_bom_and_brazilian_numbers(importer):
    rows = [("PRD-4001", "7890000040001", "Papel A4 75g resma", "SP-CD01", "1.200", 0, "2.500", "15/12/2026", 100, 200,
             "1.234,56")]
    code, out, err = importer.file(rows, sep=";", bom=True)
    assert code == 0, err
    with importer.runtime.db.session() as s:
        product = s.scalar(select(Product).where(Product.sku == "PRD-4001"))
        assert product.unit_price == Decimal("1234.56")
        level = s.scalar(select(StockLevel).where(StockLevel.product_id == product.id))
        assert (level.on_hand, level.incoming, level.incoming_eta.isoformat()) == (1200, 2500, "2026-12-15")


def test_a_bad_file_changes_nothing_and_says_what_is_wrong_by_row(importer):
    assert importer.file(CATALOGUE)[0] == 0
    before = counts(importer.runtime)
    rows = [
        ("PRD-5001", "", "Novo produto", "SP-CD01", 10, 0, 0, "", 0, 0, "1,00"),  # fine, row 2
        ("PRD-5002", "", "Outro", "SP-CD01", -3, 0, 0, "", 0, 0, "1,00"),  # row 3: negative
        ("PRD-5003", "", "Mais um", "SP-CD01", 5, 9, 0, "", 0, 0, "1,00"),  # row 4: reserved > on hand
        ("PRD-5004", "", "", "SP-CD01", 5, 0, 10, "31/02/2026", 0, 0, "abc"),  # row 5: name, date, price
        ("PRD-5001", "", "Novo produto", "SP-CD01", 1, 0, 0, "", 0, 0, "1,00"),  # row 6: twice
        ("PRD-5005", "", "Meio", "SP-CD01", "2,5", 0, 0, "", 0, 0, "1,00"),  # row 7: not whole
    ]
    code, out, err = importer.file(rows)
    assert code == 1
    assert "nada foi alterado" in err
    lines = err.splitlines()

    def has(row: int, column: str, words: str) -> bool:
        return any((f" {row} " in line or f" {row}]" in line or f"{row} [" in line) and f"[{column}]" in line
                   and words in line for line in lines)

    assert has(3, "on_hand_qty", "-3"), err
    assert has(4, "reserved_qty", "9"), err
    assert has(5, "product_name", ""), err
    assert has(5, "incoming_eta", "31/02/2026"), err
    assert has(5, "unit_price", "abc"), err
    assert has(6, "sku", "PRD-5001"), err
    assert has(7, "on_hand_qty", "2.5"), err
    assert counts(importer.runtime) == before
    with importer.runtime.db.session() as s:
        assert s.scalar(select(Product).where(Product.sku == "PRD-5001")) is None


def test_rows_of_one_sku_must_agree_on_the_product(importer):
    rows = [
        ("PRD-6001", "", "Cabo HDMI 2 m", "SP-CD01", 10, 0, 0, "", 0, 0, "20,00"),
        ("PRD-6001", "", "Cabo HDMI 2 m", "RJ-CD02", 10, 0, 0, "", 0, 0, "25,00"),
    ]
    code, _out, err = importer.file(rows)
    assert code == 1 and "[unit_price]" in err and "25.00" in err and "2" in err


def test_missing_columns_are_named(importer, tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("sku,product_name\nPRD-1,Coisa\n", encoding="utf-8")
    code, _out, err = importer.path(path)
    assert code == 1 and "warehouse" in err and "on_hand_qty" in err


def test_xlsx_files_import_too(importer, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append([SNAP, "PRD-7001", "7890000070001", "Grampeador", "SP-CD01", "UN", 30, 1, 0, "", 5, 10, "35,90", "BRL"])
    path = tmp_path / "stock.xlsx"
    book.save(path)
    code, _out, err = importer.path(path)
    assert code == 0, err
    with importer.runtime.db.session() as s:
        assert s.scalar(select(Product.unit_price).where(Product.sku == "PRD-7001")) == Decimal("35.90")


def test_only_back_office_may_import(people, tmp_path):
    from bot.importing import read_table
    from models.core.people import Person

    importer = people.registry.importers["stock"]
    table = read_table(write_csv(tmp_path / "s.csv", CATALOGUE), importer.required, importer.optional)
    with pytest.raises(PermissionDenied):
        with people.unit_of_work(source="test") as ctx:
            ctx.actor = ctx.session.scalar(select(Person).where(Person.slack_user_id == MARIANA))
            importer.run(ctx, table)
    assert counts(people) == (0, 0, 0)
