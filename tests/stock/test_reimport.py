"""Re-importing a snapshot: what did not change is not rewritten, what changed is updated alone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select

from models.core.audit import AuditRecord
from models.core.outbox import OutboxMessage
from models.stock.tables import Product, StockLevel, Warehouse
from tests.stock.conftest import CATALOGUE

LATER = "2026-11-26T08:00:00-03:00"


def _state(runtime) -> tuple[dict, int, int]:  # type: ignore[no-untyped-def]
    """Every level (quantities and "as of" time), the outbox size, and the product-update trail."""
    with runtime.db.session() as s:
        levels = {(sku, wh): (lv.on_hand, lv.reserved, lv.incoming, lv.incoming_eta, lv.updated_at)
                  for lv, sku, wh in s.execute(select(StockLevel, Product.sku, Warehouse.code)
                                               .join(Product).join(Warehouse))}
        outbox = s.scalar(select(func.count()).select_from(OutboxMessage)) or 0
        trail = s.scalar(select(func.count()).select_from(AuditRecord)
                         .where(AuditRecord.action == "stock.product_updated")) or 0
    return levels, outbox, trail


def test_the_same_snapshot_again_rewrites_nothing_and_tells_nobody(catalogue):
    before = _state(catalogue.runtime)
    code, out, err = catalogue.file([(*r, LATER) for r in CATALOGUE])  # a later snapshot, same figures
    assert code == 0, err
    assert f"0 criado, 0 atualizado, {len(CATALOGUE)} sem mudança." in out
    assert "0 alerta de estoque baixo" in out and "0 aviso de volta ao estoque" in out
    # The "as of" times stay those of the snapshot that set the figures: nothing was rewritten.
    assert _state(catalogue.runtime) == before


def test_a_changed_row_and_a_changed_price_update_exactly_those(catalogue):
    levels, outbox, trail = _state(catalogue.runtime)
    rows = [(*r, LATER) for r in CATALOGUE]
    rows[2] = ("PRD-2002", "7890000020002", "Cadeira ergonômica preta", "SP-CD01", 41, 5, 0, "", 10, 20, "1.399,00",
               LATER)  # one more on hand
    rows[7] = ("PRD-2007", "7890000020007", "Office chair mesh", "SP-CD01", 7, 0, 0, "", 2, 5, "949,00",
               LATER)  # a new price, same quantities
    code, out, err = catalogue.file(rows)
    assert code == 0, err
    assert f"0 criado, 2 atualizados, {len(CATALOGUE) - 2} sem mudança." in out
    after, outbox_after, trail_after = _state(catalogue.runtime)
    later = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)
    assert after[("PRD-2002", "SP-CD01")][:4] == (41, 5, 0, None)
    assert after[("PRD-2002", "SP-CD01")][4] == later
    changed = {key for key in after if after[key] != levels[key]}
    assert changed == {("PRD-2002", "SP-CD01")}  # the price lives on the product, not on its level
    assert outbox_after == outbox  # nothing crossed a reorder level, nobody was waiting
    assert trail_after == trail + 1
    with catalogue.runtime.db.session() as s:
        chair = s.scalar(select(Product).where(Product.sku == "PRD-2007"))
        assert chair.unit_price == Decimal("949.00")
        record = s.scalars(select(AuditRecord).where(AuditRecord.action == "stock.product_updated")
                           .order_by(AuditRecord.id.desc())).first()
        assert (record.before, record.after) == ({"unit_price": "899"}, {"unit_price": "949"})
