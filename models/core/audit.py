"""Audit trail: who changed what, from what to what, when, and from which request."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, String, insert
from sqlalchemy.orm import Mapped, mapped_column

from models.core.base import Base

if TYPE_CHECKING:
    from models.core.context import Ctx


class AuditRecord(Base):
    """One change of state. Written in the same transaction as the change itself."""

    __tablename__ = "audit_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(80), index=True)
    entity: Mapped[str] = mapped_column(String(80))
    entity_id: Mapped[str | None] = mapped_column(String(80))
    before: Mapped[dict | None]
    after: Mapped[dict | None]
    source: Mapped[str] = mapped_column(String(20))
    request_id: Mapped[str | None] = mapped_column(String(120))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def record(
    ctx: Ctx,
    action: str,
    entity: Any,
    *,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditRecord:
    """Add an audit record for ``entity`` (a model instance, or a ``(kind, id)`` pair) to the unit of work."""
    if isinstance(entity, tuple):
        kind, ident = entity
    else:
        if getattr(entity, "id", None) is None:
            ctx.session.add(entity)
            ctx.session.flush()
        kind, ident = type(entity).__tablename__, entity.id
    row = AuditRecord(
        at=ctx.now,
        actor_id=ctx.actor.id if ctx.actor is not None else None,
        action=action,
        entity=kind,
        entity_id=None if ident is None else str(ident),
        before=_jsonable(before),
        after=_jsonable(after),
        source=ctx.source,
        request_id=ctx.request_id,
    )
    ctx.session.add(row)
    return row


def record_many(ctx: Ctx, kind: str, items: list[tuple[str, Any, dict | None, dict | None]]) -> None:
    """The records ``record`` would add for many ``(action, id, before, after)`` of ``kind``, in batches.

    For imports of tens of thousands of rows: no ORM object per record.
    """
    actor = ctx.actor.id if ctx.actor is not None else None
    rows = [{"at": ctx.now, "actor_id": actor, "action": action, "entity": kind,
             "entity_id": None if ident is None else str(ident), "before": _jsonable(before),
             "after": _jsonable(after), "source": ctx.source, "request_id": ctx.request_id}
            for action, ident, before, after in items]
    for start in range(0, len(rows), 5_000):
        ctx.session.execute(insert(AuditRecord), rows[start:start + 5_000])
