"""/leave: request leave, approve it, see balances and who is out."""

from __future__ import annotations

from bot.registry import Registry
from handlers.leave import commands


def register(registry: Registry) -> None:
    commands.register(registry)
