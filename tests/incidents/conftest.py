"""The incident desk's tests run the real bot with the platform and this desk registered, so a
desk being rebuilt next door cannot break them (the whole suite still runs every desk)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.clock import FrozenClock
from bot.compose import build_runtime
from bot.registry import Registry
from bot.runtime import Runtime
from bot.settings import Settings


@pytest.fixture
def runtime(settings: Settings, clock: FrozenClock) -> Iterator[Runtime]:
    import handlers.admin
    import handlers.incidents

    registry = Registry()
    handlers.admin.register(registry)
    handlers.incidents.register(registry)
    rt = build_runtime(settings, clock=clock, registry=registry)
    yield rt
    rt.sender.wait_idle(timeout=30)
    rt.db.dispose()
