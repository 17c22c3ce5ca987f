"""Slack-facing handlers, one module per desk. Each module has ``register(registry)``.

A handler reads like a recipe: parse the request, call the domain, return a reply.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.registry import Registry

DESKS = ("admin", "stock", "leave", "trades", "incidents", "digest")


def register_all(registry: "Registry") -> None:
    """Register every desk that is installed (a desk is a module here with ``register``)."""
    for desk in DESKS:
        try:
            module = importlib.import_module(f"handlers.{desk}")
        except ModuleNotFoundError as exc:
            if exc.name == f"handlers.{desk}":
                continue  # desk not built yet
            raise
        module.register(registry)
