"""/backoffice: overview, who am I, roles and people (admins)."""

from __future__ import annotations

from bot.registry import Registry
from handlers.admin import commands


def register(registry: Registry) -> None:
    commands.register(registry)
