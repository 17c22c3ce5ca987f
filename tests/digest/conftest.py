"""A registry with the platform, the digest desk and a small stand-in desk (a digest section, a
chart series, a home section and its button), so these stories do not depend on the other
desks being finished; ``test_real_desks.py`` runs with whatever real sections exist."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from bot.clock import FrozenClock
from bot.compose import build_runtime
from bot.registry import Registry
from bot.replies import Nothing
from bot.runtime import Runtime
from models.core.outbox import OutboxMessage
from models.core.people import Person
from tests.cast import GABRIELA, ISABELA, SOFIA, TIAGO
from tests.harness import BotServer

MANAGERS = (TIAGO, GABRIELA, SOFIA, ISABELA)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@dataclass
class StandInDesk:
    """What the stand-in desk has to say; tests change it."""

    waiting: dict[str, list[str]] = field(default_factory=dict)  # manager slack id -> requests waiting
    chart: dict[dt.date, int] = field(default_factory=dict)
    build_calls: list[list[int]] = field(default_factory=list)  # the readers of each section call
    clicks: list[tuple[str, str]] = field(default_factory=list)  # (who, value) of each approve click
    lock: threading.Lock = field(default_factory=threading.Lock)


def make_registry(desk: StandInDesk) -> Registry:
    import handlers.admin
    import handlers.digest

    reg = Registry()
    handlers.admin.register(reg)
    handlers.digest.register(reg)

    @reg.digest_section("team", template="digest/list_section", order=20)
    def team(session, scope):
        """The manager's direct reports: one query for every manager at once."""
        with desk.lock:
            desk.build_calls.append(sorted(int(p) for p in scope.managers["person_id"]))
        ids = [int(p) for p in scope.managers["person_id"]]
        rows = session.execute(select(Person.manager_id, func.count()).where(Person.manager_id.in_(ids))
                               .group_by(Person.manager_id)).all()
        return {mid: {"title": "Stand-in team", "lines": [{"text": f"{n} people"}]} for mid, n in rows}

    @reg.digest_section("approvals", template="digest/list_section", order=10)
    def approvals(session, scope):
        out = {}
        for row in scope.managers.itertuples():
            items = desk.waiting.get(row.slack_user_id) or []
            if items:
                out[row.person_id] = {"title": "Stand-in approvals", "count": len(items), "lines": [
                    {"text": item, "buttons": [{"text": "Stand-in approve", "action_id": "standin_approve", "value": item,
                                                "style": "primary"}]} for item in items]}
        return out

    @reg.digest_section("trades", template="digest/list_section", order=30, roles=("backoffice",))
    def trades(session, scope):
        return {int(p): {"title": "Stand-in trades", "lines": [{"text": "TRD-1 · PETR4"}]}
                for p in scope.managers["person_id"]}

    @reg.series("Open incidents")
    def incidents(session, first, last):
        return dict(desk.chart)

    @reg.home_section("approvals", template="digest/list_section", order=10)
    def home_approvals(req):
        items = desk.waiting.get(req.actor.slack_user_id) or []
        if not items:
            return None
        return {"title": "Stand-in approvals", "count": len(items), "lines": [
            {"text": item, "buttons": [{"text": "Stand-in approve", "action_id": "standin_approve", "value": item}]}
            for item in items]}

    @reg.action("standin_approve")
    def approve(req):
        desk.clicks.append((req.actor.slack_user_id, req.value))
        return Nothing()

    return reg


@pytest.fixture
def desk() -> StandInDesk:
    return StandInDesk()


@pytest.fixture
def registry(runtime: Runtime, desk: StandInDesk) -> Registry:
    reg = make_registry(desk)
    runtime.registry = reg
    return reg


@pytest.fixture
def bot(registry: Registry, runtime: Runtime, standin) -> Iterator[BotServer]:
    server = BotServer(runtime, standin)
    yield server
    server.stop()


@pytest.fixture
def staff(people: Runtime, registry: Registry) -> Runtime:
    """The sample people with the stand-in desk registered."""
    return people


def another_runtime(runtime: Runtime, registry: Registry, clock: FrozenClock | None = None) -> Runtime:
    """A second process on the same database (its own engine and sender)."""
    return build_runtime(runtime.settings, clock=clock or runtime.clock, registry=registry)


def digests_queued(runtime: Runtime) -> list[OutboxMessage]:
    with runtime.db.session(readonly=True) as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.template == "digest/manager")
                              .order_by(OutboxMessage.id)).unique())


def deliver(runtime: Runtime, standin) -> None:
    runtime.sender.wait_idle()
    runtime.sender.sweep()
    standin.settle(quiet=0.2)


def digest_news(summary: dict[str, str]) -> dict[str, str]:
    """The digest parts of a tick's summary (other jobs, e.g. the platform's, may run too)."""
    return {k: v for k, v in summary.items() if k.startswith("digest.")}
