"""Stock: products, warehouses, stock levels per warehouse, watches, and the catalogue version.

available = on hand - reserved; projected = on hand + incoming - reserved. A product is low
when its projected total is at or below its reorder level.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.core.base import Base

CATALOGUE_ROW = 1


class Product(Base):
    """Something we sell, known by SKU (unique) and optionally by barcode."""

    __tablename__ = "stock_products"
    __table_args__ = (UniqueConstraint("sku"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64))
    barcode: Mapped[str | None] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(16), default="UN")
    unit_price: Mapped[Decimal | None]
    currency: Mapped[str] = mapped_column(String(3), default="BRL")
    reorder_level: Mapped[int] = mapped_column(default=0)
    reorder_qty: Mapped[int] = mapped_column(default=0)
    # Low-stock crossing state: set when projected falls to the reorder level (alert sent),
    # cleared when it rises above again; crossings numbers each alert so it goes out once.
    is_low: Mapped[bool] = mapped_column(default=False)
    low_crossings: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class Warehouse(Base):
    """A place that holds stock (``SP-CD01``)."""

    __tablename__ = "stock_warehouses"
    __table_args__ = (UniqueConstraint("code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(100))


class StockLevel(Base):
    """Quantities of one product in one warehouse, as of ``updated_at`` (the snapshot time)."""

    __tablename__ = "stock_levels"

    product_id: Mapped[int] = mapped_column(ForeignKey("stock_products.id", ondelete="CASCADE"), primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("stock_warehouses.id", ondelete="CASCADE"), primary_key=True)
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)
    incoming: Mapped[int] = mapped_column(default=0)
    incoming_eta: Mapped[dt.date | None] = mapped_column(Date)
    updated_at: Mapped[dt.datetime]

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def projected(self) -> int:
        return self.on_hand + self.incoming - self.reserved


class StockWatch(Base):
    """Someone waiting for a product to be back in stock (one DM, then the watch ends)."""

    __tablename__ = "stock_watches"
    __table_args__ = (UniqueConstraint("person_id", "product_id"), Index("ix_stock_watches_product", "product_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("stock_products.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime]


class Catalogue(Base):
    """One row: the catalogue version, bumped by every import so search indexes know to rebuild."""

    __tablename__ = "stock_catalogue"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    # Random per change: a process's index is current only if its stamp matches (versions alone
    # could repeat if the table were ever recreated).
    stamp: Mapped[str] = mapped_column(String(32), default="")
    changed_at: Mapped[dt.datetime]


# -- reading ---------------------------------------------------------------------------------------

_CODE = re.compile(r"[^0-9A-Za-z]+")


def compact_code(text: str) -> str:
    """A SKU or barcode with case and punctuation ignored (``prd 1042`` == ``PRD-1042``)."""
    return _CODE.sub("", text).upper()


def catalogue_stamp(session: Session) -> str:
    """What identifies the catalogue's current content ("" before the first import)."""
    return session.scalar(select(Catalogue.stamp).where(Catalogue.id == CATALOGUE_ROW)) or ""


def bump_catalogue(session: Session, now: dt.datetime) -> int:
    """Mark the catalogue as changed (row-locked, so concurrent imports each get a new version)."""
    row = session.scalar(select(Catalogue).where(Catalogue.id == CATALOGUE_ROW).with_for_update())
    if row is None:
        row = Catalogue(id=CATALOGUE_ROW, version=0, changed_at=now)
        session.add(row)
    row.version += 1
    row.stamp = uuid.uuid4().hex
    session.info.pop("stock_index", None)
    row.changed_at = now
    session.flush()
    return row.version


def is_late(eta: str | dt.date | None, today: dt.date | None) -> bool:
    """An expected arrival already past: shown as late, not as upcoming."""
    if not eta or today is None:
        return False
    return (eta if isinstance(eta, dt.date) else dt.date.fromisoformat(str(eta)[:10])) < today


def is_low(projected: int, reorder_level: int) -> bool:
    """At or below the reorder level; a product with no reorder level (0) is never low."""
    return reorder_level > 0 and projected <= reorder_level


def product_card(session: Session, product: Product, *, person_id: int | None = None,
                 today: dt.date | None = None) -> dict:
    """Everything a card shows, as plain data: per warehouse and in total (ETAs before ``today`` late)."""
    watch = (select(StockWatch.id).where(StockWatch.person_id == (person_id or 0), StockWatch.product_id == product.id)
             .exists())
    rows = session.execute(
        select(Warehouse.code, Warehouse.name, StockLevel, watch)
        .join(StockLevel, StockLevel.warehouse_id == Warehouse.id)
        .where(StockLevel.product_id == product.id)
        .order_by(Warehouse.code)
    ).all()
    warehouses: list[dict[str, Any]] = [
        {
            "code": code, "name": name, "on_hand": lvl.on_hand, "reserved": lvl.reserved,
            "available": lvl.available, "incoming": lvl.incoming,
            "eta": lvl.incoming_eta.isoformat() if lvl.incoming and lvl.incoming_eta else None,
            "late": bool(lvl.incoming) and is_late(lvl.incoming_eta, today),
        }
        for code, name, lvl, _watching in rows
    ]
    etas = [w["eta"] for w in warehouses if w["eta"]]
    totals = {k: sum(w[k] for w in warehouses) for k in ("on_hand", "reserved", "available", "incoming")}
    totals["projected"] = totals["on_hand"] + totals["incoming"] - totals["reserved"]
    updated = max((row[2].updated_at for row in rows), default=None)
    watching = bool(rows[0][3]) if rows else bool(person_id and session.scalar(watch.select()))
    return {
        "sku": product.sku, "barcode": product.barcode, "name": product.name, "unit": product.unit,
        "price": str(product.unit_price) if product.unit_price is not None else None, "currency": product.currency,
        "reorder_level": product.reorder_level, "warehouses": warehouses, "totals": totals,
        "next_eta": min(etas) if etas else None,
        "next_eta_late": is_late(min(etas), today) if etas else False,
        "low": is_low(totals["projected"], product.reorder_level),
        "updated_at": updated.isoformat() if updated else None, "watching": watching,
    }


def product_summaries(session: Session, product_ids: list[int], today: dt.date | None = None) -> dict[int, dict]:
    """Name, SKU and totals of several products (lists, digests, the home tab); the first ETA
    is ``late`` when it is before ``today``.

    Two primary-key lookups summed here rather than one GROUP BY join: the planner cannot
    always see that only a handful of products are wanted, and this runs on every search.
    """
    if not product_ids:
        return {}
    out: dict[int, dict[str, Any]] = {}
    for pid, sku, name, unit, reorder in session.execute(
            select(Product.id, Product.sku, Product.name, Product.unit, Product.reorder_level)
            .where(Product.id.in_(product_ids))):
        out[pid] = {"sku": sku, "name": name, "unit": unit, "reorder_level": reorder, "available": 0,
                    "incoming": 0, "projected": 0, "eta": None}
    for pid, on_hand, reserved, incoming, eta in session.execute(
            select(StockLevel.product_id, StockLevel.on_hand, StockLevel.reserved, StockLevel.incoming,
                   StockLevel.incoming_eta).where(StockLevel.product_id.in_(product_ids))):
        item = out[pid]
        item["available"] += on_hand - reserved
        item["incoming"] += incoming
        item["projected"] += on_hand - reserved + incoming
        if incoming and eta and (item["eta"] is None or eta.isoformat() < item["eta"]):
            item["eta"] = eta.isoformat()
    for item in out.values():
        item["late"] = is_late(item["eta"], today)
    return out


def low_stock(session: Session, limit: int = 30, offset: int = 0,
              today: dt.date | None = None) -> tuple[list[dict], int]:
    """Products at or below their reorder level, worst first (least cover, then biggest gap), and how many.

    Products with no reorder level (0) are left out: nobody said when they would be low. ``offset``
    skips the first ones (a later page of the list); ``today`` tells which ETAs are late.
    """
    projected = func.coalesce(func.sum(StockLevel.on_hand + StockLevel.incoming - StockLevel.reserved), 0)
    available = func.coalesce(func.sum(StockLevel.on_hand - StockLevel.reserved), 0)
    base = (
        select(Product.id, Product.sku, Product.name, Product.unit, Product.reorder_level, Product.reorder_qty,
               projected.label("projected"), available.label("available"),
               func.coalesce(func.sum(StockLevel.incoming), 0).label("incoming"),
               func.min(StockLevel.incoming_eta).label("eta"))
        .outerjoin(StockLevel, StockLevel.product_id == Product.id)
        .where(Product.reorder_level > 0)
        .group_by(Product.id, Product.sku, Product.name, Product.unit, Product.reorder_level, Product.reorder_qty)
        .having(projected <= Product.reorder_level)
    ).subquery()
    total = session.scalar(select(func.count()).select_from(base)) or 0
    cover = base.c.projected * 1.0 / func.nullif(base.c.reorder_level, 0)
    rows = session.execute(
        select(base).order_by(func.coalesce(cover, 0), (base.c.reorder_level - base.c.projected).desc(), base.c.sku)
        .limit(limit).offset(offset)
    ).all()
    items = [
        {"sku": r.sku, "name": r.name, "unit": r.unit, "reorder_level": r.reorder_level, "reorder_qty": r.reorder_qty,
         "projected": int(r.projected), "available": int(r.available), "incoming": int(r.incoming),
         "eta": r.eta.isoformat() if r.eta and r.incoming else None,
         "late": bool(r.incoming) and is_late(r.eta, today)}
        for r in rows
    ]
    return items, total
