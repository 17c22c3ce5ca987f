"""/stock: availability per warehouse, low stock, watches; mentions and DMs about stock; the importer."""

from __future__ import annotations

from bot.registry import Registry
from handlers.stock import buttons, commands, imports, intents, sections
from models.core.errors import N_
from models.stock.privacy import PART as STOCK_PRIVACY


def register(registry: Registry) -> None:
    registry.command("stock", summary=N_("availability per warehouse, low stock, back-in-stock alerts"),
                     usage_hint="<sku | barcode | words> | low | watch <sku> | unwatch <sku>")
    registry.scan("stock", commands, buttons, intents, sections, imports)
    registry.privacy(STOCK_PRIVACY)  # the desk's share of LGPD export, erasure and retention
