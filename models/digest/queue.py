"""Queuing many digests at once: their outbox rows in one bulk INSERT, not an ORM object each.

The rows are exactly what ``models.core.outbox.notify`` would write (same columns, same JSON
data, same dedup keys), inserted with ``INSERT ... RETURNING`` in the caller's transaction,
so they still commit, or not, with the claims of their periods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models.core.base import jsonable
from models.core.chunks import in_chunks
from models.core.outbox import OutboxKind, OutboxMessage, OutboxStatus
from models.core.people import Person

if TYPE_CHECKING:
    from models.core.context import Ctx

def outbox_row(ctx: Ctx, template: str, data: dict[str, Any], *, person_id: int, dedup_key: str,
               channel: str | None = None, kind: OutboxKind | str = OutboxKind.post) -> dict[str, Any]:
    """The columns ``notify(ctx, template, data, person=..., channel=..., kind=..., dedup_key=...)`` sets."""
    return {"created_at": ctx.now, "kind": kind.value if isinstance(kind, OutboxKind) else kind,
            "person_id": person_id, "channel": channel, "template": template, "data": jsonable(data),
            "dedup_key": dedup_key, "status": OutboxStatus.pending.value, "attempts": 0,
            "next_attempt_at": ctx.now, "request_id": ctx.request_id}


def insert_outbox(session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert the rows; returns ``{dedup_key: id}``. A duplicate key fails the transaction, as notify's would."""
    if not rows:
        return {}
    table = OutboxMessage.__table__
    # executemany with RETURNING: compiled once, sent in batches ("insertmanyvalues").
    found = session.execute(insert(table).returning(table.c.id, table.c.dedup_key), rows)
    return {key: ident for ident, key in found}


def readers(session: Session, ids: set[int]) -> dict[int, Any]:
    """Name and language of these people (one query; rows, not ORM objects)."""
    out: dict[int, Any] = {}
    ordered = sorted(ids)
    for chunk in in_chunks(ordered):
        out.update((r.id, r) for r in session.execute(
            select(Person.id, Person.name, Person.locale).where(Person.id.in_(chunk))))
    return out
