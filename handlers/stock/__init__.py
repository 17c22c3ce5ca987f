"""/stock: availability per warehouse, low stock, watches; mentions and DMs about stock; the importer."""

from __future__ import annotations

from bot.registry import Registry


def register(registry: Registry) -> None:
    from handlers.stock import commands, intents, sections
    from handlers.stock import imports as upload

    commands.register(registry)
    intents.register(registry)
    sections.register(registry)
    upload.register(registry)
