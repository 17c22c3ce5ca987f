"""Queueing a notification in the current unit of work (see :mod:`models.core.outbox`)."""

from __future__ import annotations

from typing import Any

from models.core.base import jsonable
from models.core.context import Ctx
from models.core.outbox import OutboxKind, OutboxMessage, OutboxStatus
from models.core.people import Person


def notify(
    ctx: Ctx,
    template: str,
    data: dict[str, Any] | None = None,
    *,
    person: Person | None = None,
    channel: str | None = None,
    kind: OutboxKind | str = OutboxKind.post,
    updates: OutboxMessage | None = None,
    thread_of: OutboxMessage | None = None,
    thread_ts: str | None = None,
    dedup_key: str | None = None,
) -> OutboxMessage:
    """Queue a notification in the current unit of work; it leaves only if the change commits.

    ``person`` gets a DM (rendered in their language); ``channel`` is a channel id or a
    ``#name``. ``updates`` rewrites an earlier message in place; ``thread_of`` answers in its
    thread. ``dedup_key`` makes a notification happen at most once, ever.
    """
    if updates is None and person is None and channel is None and kind in (OutboxKind.post, OutboxKind.ephemeral):
        raise ValueError("a notification needs a person or a channel")
    row = OutboxMessage(
        created_at=ctx.now,
        kind=OutboxKind.update.value if updates is not None else (kind.value if isinstance(kind, OutboxKind) else kind),
        person=person,
        channel=channel,
        updates=updates,
        thread_of=thread_of,
        thread_ts=thread_ts,
        template=template,
        data=jsonable(data or {}),
        dedup_key=dedup_key,
        status=OutboxStatus.pending.value,
        next_attempt_at=ctx.now,
        request_id=ctx.request_id,
    )
    ctx.session.add(row)
    ctx.outbox.append(row)
    return row
