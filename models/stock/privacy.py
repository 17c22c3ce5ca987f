"""Stock's share of the data-subject rights: the products a person watches."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from models.core.errors import N_
from models.core.privacy import PrivacyPart, Scrubber, iso
from models.stock.tables import Product, StockWatch

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from models.core.context import Ctx
    from models.core.people import Person


def export(session: Session, person: Person) -> dict[str, Any]:
    found = session.execute(select(StockWatch.created_at, Product.sku).join(Product, StockWatch.product_id == Product.id)
                            .where(StockWatch.person_id == person.id).order_by(StockWatch.id)).all()
    return {"stock_watches": [{"sku": sku, "since": iso(at)} for at, sku in found]}


def erase(ctx: Ctx, person: Person, scrub: Scrubber) -> dict[str, int]:
    """Watches are theirs alone: they go."""
    gone = list(ctx.session.scalars(delete(StockWatch).where(StockWatch.person_id == person.id)
                                    .returning(StockWatch.id)))
    return {"watches": len(gone)}


PART = PrivacyPart("stock", export=export, erase=erase, labels={"stock_watches": N_("Products watched")})
