"""Audit trail: who changed what, from what to what, when, and from which request."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.core.base import Base, jsonable
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
        before=jsonable(before),
        after=jsonable(after),
        source=ctx.source,
        request_id=ctx.request_id,
    )
    ctx.session.add(row)
    return row


def record_many(ctx: Ctx, kind: str, items: list[tuple[str, Any, dict | None, dict | None]]) -> None:
    """The records ``record`` would add for many ``(action, id, before, after)`` of ``kind``.

    For imports of tens of thousands of rows: the rows are written as one bulk insert (COPY on
    PostgreSQL), their JSON encoded as SQLAlchemy's JSON type does (``json.dumps``), so they
    read back the same as records added one by one.
    """
    if not items:
        return
    # Lazy: pandas and the bulk helpers are for imports; every process imports this module.
    import numpy as np
    import pandas as pd

    from models.core.bulk import insert_frame, plain_frame, timestamps

    n = len(items)
    actor = ctx.actor.id if ctx.actor is not None else None
    at = timestamps(pd.Series([ctx.now]), ctx.session).iloc[0]

    def column(values: list[object]) -> np.ndarray:
        out = np.empty(n, dtype=object)
        out[:] = values
        return out

    insert_frame(ctx.session, "audit_records", plain_frame({
        "at": column([at] * n), "actor_id": column([actor] * n), "action": column([i[0] for i in items]),
        "entity": column([kind] * n), "entity_id": column([None if i[1] is None else str(i[1]) for i in items]),
        "before": column([json.dumps(jsonable(i[2])) for i in items]),
        "after": column([json.dumps(jsonable(i[3])) for i in items]),
        "source": column([ctx.source] * n), "request_id": column([ctx.request_id] * n),
    }))
