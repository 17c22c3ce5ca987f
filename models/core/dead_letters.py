"""Dead letters: notifications the sender gave up on, listed for admins, retried or dropped.

Retrying puts the row back in the queue as if new (its tries start again), dropping keeps it
as ``dropped`` for the record; both are audited and only admins may do them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core.audit import record
from models.core.errors import N_, Conflict, NotFound, PermissionDenied
from models.core.outbox import OutboxMessage, OutboxStatus
from models.core.people import Role

if TYPE_CHECKING:
    from models.core.context import Ctx


@dataclass(frozen=True)
class DeadLetter:
    """What an admin needs to judge one dead letter (no ORM object leaves the unit of work)."""

    id: int
    template: str
    to: str  # a person's name or a channel
    reason: str
    tries: int
    created_at: dt.datetime
    dead_at: dt.datetime | None


def count_dead(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OutboxMessage)
                          .where(OutboxMessage.status == OutboxStatus.dead.value)) or 0


def dead_letters(ctx: Ctx, limit: int = 10) -> tuple[list[DeadLetter], int]:
    """The newest dead letters (at most ``limit``) and how many there are in all. Admins only."""
    _admin(ctx)
    rows = ctx.session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.dead.value)
                               .order_by(OutboxMessage.dead_at.desc(), OutboxMessage.id.desc()).limit(limit)).all()
    return [_letter(r) for r in rows], count_dead(ctx.session)


def retry(ctx: Ctx, outbox_id: int) -> DeadLetter:
    """Queue a dead letter again, due now, with fresh tries; it leaves after commit."""
    row = _dead(ctx, outbox_id)
    row.status = OutboxStatus.pending.value
    row.attempts = 0
    row.dead_at = None
    row.next_attempt_at = ctx.now
    record(ctx, "outbox.retry", row, before={"status": "dead", "reason": row.last_error}, after={"status": "pending"})
    ctx.outbox.append(row)
    return _letter(row)


def drop(ctx: Ctx, outbox_id: int) -> DeadLetter:
    """Give up on a dead letter for good (kept as ``dropped``)."""
    row = _dead(ctx, outbox_id)
    row.status = OutboxStatus.dropped.value
    record(ctx, "outbox.drop", row, before={"status": "dead", "reason": row.last_error}, after={"status": "dropped"})
    return _letter(row)


def _admin(ctx: Ctx) -> None:
    if ctx.actor is None:
        raise PermissionDenied(N_("This needs the {roles} role; ask an admin if you should have it."), roles="admin")
    ctx.actor.require(Role.admin)


def _dead(ctx: Ctx, outbox_id: int) -> OutboxMessage:
    _admin(ctx)
    # An id beyond what an INTEGER column holds is simply not found (a forged button value).
    # Locked so two admins clicking at once decide once; only the outbox row (its person is joined).
    row = ctx.session.scalars(select(OutboxMessage).where(OutboxMessage.id == outbox_id)
                              .with_for_update(of=OutboxMessage)).first() if 0 < outbox_id < 2**31 else None
    if row is None:
        raise NotFound(N_("There is no notification #{id}."), id=outbox_id)
    if row.status != OutboxStatus.dead.value:
        raise Conflict(N_("Notification #{id} is not a dead letter any more (someone already retried or dropped it)."),
                       id=outbox_id)
    return row


def _letter(row: OutboxMessage) -> DeadLetter:
    to = row.person.name if row.person is not None else (row.channel or row.slack_channel or "?")
    return DeadLetter(row.id, row.template, to, row.last_error or "", row.attempts, row.created_at, row.dead_at)
