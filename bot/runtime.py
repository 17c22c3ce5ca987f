"""The runtime: settings, database, clock, registry and outbox sender, shared by every adapter."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from bot.channels import ChannelDirectory
from bot.clock import Clock
from bot.db import Database
from bot.outbox import Deliver, OutboxSender
from bot.registry import Registry
from bot.settings import Settings
from bot.slack.api import WebClient
from bot.slack.channels import SlackChannels
from bot.slack.client import make_web_client
from models.core.context import Ctx
from models.core.people import Person
from models.core.people_sync import Profile, enrich_from_profile, person_from_profile
from models.core.platform import ProcessedRequest

log = logging.getLogger(__name__)


class DuplicateRequest(Exception):
    """This Slack request (same event id or trigger id) was already acted on."""


@event.listens_for(Session, "after_flush")
def _mark_wrote(session: Session, _flush_context: Any) -> None:
    session.info["wrote"] = True


@event.listens_for(Session, "do_orm_execute")
def _mark_dml(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["wrote"] = True


DeliveryFactory = Callable[["Runtime"], Deliver]
"""Builds the outbox's delivery for a runtime (the Slack Web API's needs the runtime's client and kinds)."""


class Runtime:
    """Everything a request needs, built once per process (by :func:`bot.compose.build_runtime`).

    ``delivery`` builds how this process sends outbox rows; without it the sender is off and the
    rows wait for a process that has one. ``with_delivery`` makes a runtime on the same database
    that delivers differently (the console prints).
    """

    def __init__(self, settings: Settings, *, registry: Registry, db: Database | None = None,
                 clock: Clock | None = None, delivery: DeliveryFactory | None = None, sender_workers: int = 2) -> None:
        self.settings = settings
        self.registry = registry
        self.db = db or Database(settings.database_url)
        self.clock = clock or Clock()
        self.sender = OutboxSender(self.db, self.clock, settings, delivery(self) if delivery else None,
                                   workers=sender_workers)
        self._person_ids: dict[str, int] = {}

    def with_delivery(self, deliver: Deliver, *, workers: int = 1) -> Runtime:
        """The same settings, registry, database and clock, with outbox rows sent through ``deliver``."""
        return Runtime(self.settings, registry=self.registry, db=self.db, clock=self.clock,
                       delivery=lambda _runtime: deliver, sender_workers=workers)

    @cached_property
    def channels(self) -> ChannelDirectory:
        """Channel names to ids; Slack's by default, the console sets its own."""
        return SlackChannels(self.web_client())

    def web_client(self, *, retry_connection_errors: bool = True) -> WebClient:
        """A Web API client on ``SLACK_API_URL`` that retries rate limits and server errors
        (and dropped connections, unless ``retry_connection_errors`` is off: see the outbox)."""
        return make_web_client(self.settings, retry_connection_errors=retry_connection_errors)

    @contextlib.contextmanager
    def unit_of_work(self, *, actor: Person | int | None = None, source: str = "cli",
                     request_key: str | None = None, readonly: bool = False,
                     claim_first: bool = False, now: dt.datetime | None = None) -> Iterator[Ctx]:
        """One transaction: the changes, their audit records and their outbox rows, or nothing.

        With ``request_key``, a request that wrote anything is remembered in the same
        transaction, so the same Slack request retried (in any process) cannot act twice:
        :class:`DuplicateRequest` is raised instead. ``claim_first`` remembers it before the
        handler runs (buttons, forms, events: they always act), so a retry racing the first
        attempt waits on that one row and gives up at once, instead of redoing the work.
        ``now`` is the moment the work is for (a job's tick, ``job --at``); the clock's by default.
        """
        session = self.db.session(readonly=readonly)
        session.info["wrote"] = False
        ctx = Ctx(session=session, actor=None, now=now or self.clock.now(), config=self.settings, source=source,
                  request_id=request_key)
        claimed = False
        try:
            if request_key and claim_first:
                session.add(ProcessedRequest(key=request_key, at=ctx.now))
                session.flush()
                claimed = True
            if actor is not None:
                # Roles joined into the same query: one round trip per request instead of two.
                ctx.actor = session.get(Person, actor if isinstance(actor, int) else actor.id,
                                        options=[joinedload(Person.role_rows)])
            yield ctx
            session.flush()
            if request_key and not claimed and session.info.get("wrote"):
                session.add(ProcessedRequest(key=request_key, at=ctx.now))
                session.flush()
            session.commit()
        except IntegrityError:
            session.rollback()
            if request_key and self.already_processed(request_key):
                raise DuplicateRequest(request_key) from None
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        ids = [m.id for m in ctx.outbox]
        if ids:
            self.sender.deliver_soon(ids)

    def forget_person(self, person_id: int) -> None:
        """Drop the Slack ids cached for a person (erased: that Slack user, seen again, is someone new)."""
        for user_id in [k for k, v in self._person_ids.items() if v == person_id]:
            self._person_ids.pop(user_id, None)

    def already_processed(self, request_key: str) -> bool:
        with self.db.session(readonly=True) as s:
            return s.get(ProcessedRequest, request_key) is not None

    def person_id_for_slack_user(self, user_id: str, profile: Callable[[], Profile] | None = None) -> int:
        """The person behind a Slack user id; the first time, created from ``profile()`` (or defaults)."""
        cached = self._person_ids.get(user_id)
        if cached is not None:
            return cached
        with self.db.session(readonly=True) as s:
            found = s.scalar(select(Person.id).where(Person.slack_user_id == user_id))
        if found is not None:
            self._person_ids[user_id] = found  # a person's id never changes (people are deactivated, not deleted)
            return found
        known = profile() if profile is not None else Profile()
        try:
            with self.unit_of_work(source="slack") as ctx:
                return person_from_profile(ctx, user_id, known).id
        except IntegrityError:
            # Another request created them a moment ago.
            with self.db.session(readonly=True) as s:
                found = s.scalar(select(Person.id).where(Person.slack_user_id == user_id))
            if found is None:
                raise
            return found

    def enrich_slack_person(self, user_id: str, profile: Profile) -> None:
        """A profile that came after the person was created from defaults: fill it in."""
        with self.unit_of_work(source="slack") as ctx:
            person = enrich_from_profile(ctx, user_id, profile)
            if person is not None:
                self._person_ids[user_id] = person.id
