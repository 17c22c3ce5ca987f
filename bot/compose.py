"""The composition root: the one place where the runtime meets the desks.

Everything else in ``bot/`` knows desks only through the :class:`~bot.registry.Registry` they
fill in; this module imports each desk's ``handlers/<desk>`` package and calls its ``register``.
"""

from __future__ import annotations

import handlers.admin
import handlers.digest
import handlers.incidents
import handlers.leave
import handlers.stock
import handlers.trades
from bot.clock import Clock
from bot.db import Database
from bot.registry import Registry
from bot.runtime import Runtime
from bot.settings import Settings

# Order matters only for help listings and intents of equal score: the overview first.
DESKS = (handlers.admin, handlers.stock, handlers.leave, handlers.trades, handlers.incidents, handlers.digest)


def build_registry() -> Registry:
    """A registry with every desk registered (one ``register(registry)`` per desk)."""
    registry = Registry()
    for desk in DESKS:
        desk.register(registry)
    return registry


def build_runtime(settings: Settings, *, db: Database | None = None, clock: Clock | None = None) -> Runtime:
    """The runtime of one process, with every desk registered: what each entry point starts from."""
    return Runtime(settings, registry=build_registry(), db=db, clock=clock)
