"""/stock: availability per warehouse, low stock, watches; mentions and DMs about stock; the importer."""

from __future__ import annotations

from bot.registry import Registry
from models.stock.privacy import PART as STOCK_PRIVACY


def register(registry: Registry) -> None:
    from handlers.stock import commands, intents, sections
    from handlers.stock import imports as upload

    registry.privacy(STOCK_PRIVACY)
    commands.register(registry)
    intents.register(registry)
    sections.register(registry)
    upload.register(registry)
