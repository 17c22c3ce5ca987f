"""The composition root: the one place where the runtime meets the desks and Slack's delivery.

Everything else in ``bot/`` knows desks only through the :class:`~bot.registry.Registry` they
fill in; this module imports each desk's ``handlers/<desk>`` package and calls its ``register``,
and builds runtimes with the registry and the outbox's Slack delivery.
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
from bot.slack.delivery import SlackDelivery

# Order matters only for help listings and intents of equal score: the overview first.
DESKS = (handlers.admin, handlers.stock, handlers.leave, handlers.trades, handlers.incidents, handlers.digest)


def build_registry() -> Registry:
    """A registry with every desk registered (one ``register(registry)`` per desk)."""
    registry = Registry()
    for desk in DESKS:
        desk.register(registry)
    return registry


def build_runtime(settings: Settings, *, db: Database | None = None, clock: Clock | None = None,
                  registry: Registry | None = None) -> Runtime:
    """The runtime of one process, what each entry point starts from: every desk registered (or
    ``registry``), and outbox rows sent to Slack when there is a bot token (without one, they
    wait for a process that has it)."""
    return Runtime(settings, registry=registry or build_registry(), db=db, clock=clock,
                   delivery=SlackDelivery if settings.slack_bot_token is not None else None)
