"""Watching a product: "DM me when it is back in stock"."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from models.core.audit import record
from models.core.context import Ctx
from models.core.errors import N_, NotFound, ValidationError
from models.stock.search import find_by_code
from models.stock.tables import Product, StockLevel, StockWatch, product_summaries

MAX_WATCHES = 50


@dataclass
class WatchOutcome:
    """What happened: ``watching`` (new), ``already`` (was watching), ``in_stock`` (nothing to wait for)."""

    status: str
    product: dict


def product_for(ctx: Ctx, code: str) -> Product:
    """The product with SKU or barcode ``code``, or a NotFound that says how to find the SKU."""
    code = code.strip()
    if not code:
        raise ValidationError(N_("Say which product, by SKU: `/stock watch PRD-1042`. Find the SKU with `/stock <name>`."))
    product = find_by_code(ctx.session, code)
    if product is None:
        raise NotFound(N_("No product has the SKU or barcode “{code}”. Find it with `/stock <name>`, then use its SKU."),
                       code=code)
    return product


def available_total(ctx: Ctx, product: Product) -> int:
    return int(ctx.session.scalar(select(func.coalesce(func.sum(StockLevel.on_hand - StockLevel.reserved), 0))
                                  .where(StockLevel.product_id == product.id)) or 0)


def watch(ctx: Ctx, code: str) -> WatchOutcome:
    """Start watching a product that has nothing available; the DM comes when some is."""
    product = product_for(ctx, code)
    summary = product_summaries(ctx.session, [product.id])[product.id]
    if available_total(ctx, product) > 0:
        return WatchOutcome("in_stock", summary)
    existing = ctx.session.scalar(select(StockWatch).where(StockWatch.person_id == ctx.person.id,
                                                           StockWatch.product_id == product.id))
    if existing is not None:
        return WatchOutcome("already", summary)
    count = ctx.session.scalar(select(func.count()).select_from(StockWatch).where(StockWatch.person_id == ctx.person.id))
    if (count or 0) >= MAX_WATCHES:
        raise ValidationError(N_("You are already watching {limit} products. Stop one first: `/stock unwatch <sku>`."),
                              limit=MAX_WATCHES)
    row = StockWatch(person_id=ctx.person.id, product_id=product.id, created_at=ctx.now)
    try:
        with ctx.session.begin_nested():  # a double click in another process may have just added it
            ctx.session.add(row)
    except IntegrityError:
        return WatchOutcome("already", summary)
    record(ctx, "stock.watch_started", row, after={"sku": product.sku})
    return WatchOutcome("watching", summary)


def unwatch(ctx: Ctx, code: str) -> dict:
    """Stop watching a product; a NotFound if the actor was not watching it."""
    product = product_for(ctx, code)
    row = ctx.session.scalar(select(StockWatch).where(StockWatch.person_id == ctx.person.id,
                                                      StockWatch.product_id == product.id).with_for_update())
    if row is None:
        raise NotFound(N_("You are not watching {sku}. `/stock watch` lists what you watch."), sku=product.sku)
    record(ctx, "stock.watch_stopped", row, before={"sku": product.sku})
    ctx.session.delete(row)
    ctx.session.flush()
    return {"sku": product.sku, "name": product.name}


def watched(ctx: Ctx, person_id: int | None = None) -> list[dict]:
    """The products a person watches, oldest watch first, with their totals."""
    person_id = person_id or ctx.person.id
    rows = ctx.session.execute(select(StockWatch.product_id, StockWatch.created_at)
                               .where(StockWatch.person_id == person_id).order_by(StockWatch.created_at, StockWatch.id)).all()
    summaries = product_summaries(ctx.session, [pid for pid, _at in rows], local_today(ctx))
    return [{**summaries[pid], "since": at.isoformat()} for pid, at in rows if pid in summaries]


def local_today(ctx: Ctx) -> dt.date:
    """The actor's local date (an ETA before it is late)."""
    zone = (ctx.actor.timezone if ctx.actor else None) or getattr(ctx.config, "tz_default", None) or "UTC"
    try:
        return ctx.now.astimezone(zoneinfo.ZoneInfo(zone)).date()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ctx.now.date()
