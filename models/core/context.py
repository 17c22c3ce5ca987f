"""The context every domain call receives: the session (the unit of work), who acts, and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from models.core.outbox import OutboxMessage
from models.core.people import Person


@dataclass
class Ctx:
    """One unit of work on behalf of one actor.

    ``now`` is the request's clock reading in UTC (tests move it); ``source`` says where the
    request came from (slack, console, cli, scheduler) and ``request_id`` which request it was,
    so that audit records can be traced back.
    """

    session: Session
    actor: Person | None
    now: dt.datetime
    config: Any
    source: str = "cli"
    request_id: str | None = None
    outbox: list[OutboxMessage] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("Ctx.now must be an aware datetime")

    @property
    def person(self) -> Person:
        """The actor, for calls only a person makes (the scheduler acts as nobody)."""
        if self.actor is None:
            raise RuntimeError("this call needs an actor; the scheduler's units of work have none")
        return self.actor
