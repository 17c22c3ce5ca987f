"""Queuing many digests at once: their outbox rows in one bulk INSERT, not an ORM object each.

The rows are exactly what ``models.core.outbox.notify`` would write (same columns, same JSON
data, same dedup keys), inserted with ``INSERT ... RETURNING`` in the caller's transaction,
so they still commit, or not, with the claims of their periods.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import Text, bindparam, insert, select, text
from sqlalchemy.orm import Session

from models.core.base import jsonable
from models.core.chunks import in_chunks
from models.core.outbox import OutboxKind, OutboxMessage, OutboxStatus
from models.core.people import Person

if TYPE_CHECKING:
    from models.core.context import Ctx

def outbox_row(ctx: Ctx, template: str, data: dict[str, Any], *, person_id: int, dedup_key: str,
               channel: str | None = None, kind: OutboxKind | str = OutboxKind.post) -> dict[str, Any]:
    """The columns ``notify(ctx, template, data, person=..., channel=..., kind=..., dedup_key=...)`` sets.

    ``data`` travels as JSON text, serialised here once (C speed) rather than walked in Python."""
    return {"created_at": ctx.now, "kind": kind.value if isinstance(kind, OutboxKind) else kind,
            "person_id": person_id, "channel": channel, "template": template, "data": to_json(data),
            "dedup_key": dedup_key, "status": OutboxStatus.pending.value, "attempts": 0,
            "next_attempt_at": ctx.now, "request_id": ctx.request_id, "uncertain": False}


def _plain(value: Any) -> Any:
    return sorted(value, key=str) if isinstance(value, (set, frozenset)) else str(value)


def to_json(data: dict[str, Any]) -> str:
    """``data`` as the JSON text ``notify`` would store (dates, Decimals... as strings)."""
    try:
        return json.dumps(data, default=_plain)
    except (TypeError, ValueError):  # keys that JSON cannot hold (dates...): the thorough walk
        return json.dumps(jsonable(data))


_COLUMNS = ("created_at", "kind", "person_id", "channel", "template", "data", "dedup_key", "status", "attempts",
            "next_attempt_at", "request_id", "uncertain")
# PostgreSQL: all the rows as one JSON text, spread into records by the server: a single statement,
# and a single string parameter (arrays of JSON texts are escaped element by element in Python).
_FROM_JSON = text(
    "INSERT INTO outbox (created_at, kind, person_id, channel, template, data, dedup_key, status, attempts, "
    "next_attempt_at, request_id, uncertain) "
    "SELECT :created_at, r.kind, r.person_id, r.channel, r.template, r.data, r.dedup_key, :status, 0, "
    ":next_attempt_at, :request_id, false "
    "FROM json_to_recordset(CAST(:rows AS json)) "
    "AS r(kind varchar, person_id integer, channel varchar, template varchar, data json, dedup_key varchar) "
    "RETURNING id, dedup_key")


def _rows_json(rows: list[dict[str, Any]]) -> str:
    dumps = json.dumps
    return "[" + ",".join(
        f'{{"kind":{dumps(r["kind"])},"person_id":{dumps(r["person_id"])},"channel":{dumps(r["channel"])},'
        f'"template":{dumps(r["template"])},"dedup_key":{dumps(r["dedup_key"])},"data":{r["data"]}}}'
        for r in rows) + "]"


def insert_outbox(session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert the rows; returns ``{dedup_key: id}``. A duplicate key fails the transaction, as notify's would."""
    if not rows:
        return {}
    shared = {c: rows[0][c] for c in ("created_at", "status", "next_attempt_at", "request_id")}
    if session.get_bind().dialect.name == "postgresql" and all(
            r[c] == shared[c] for r in rows for c in shared):  # one tick's rows share these
        found = session.execute(_FROM_JSON, {**shared, "rows": _rows_json(rows)})
        return {key: ident for ident, key in found}
    table = OutboxMessage.__table__
    # Otherwise (SQLite): executemany with RETURNING (compiled once, sent in batches by "insertmanyvalues");
    # the JSON is already text, so it goes in as it is.
    stmt = insert(table).values({c: bindparam(c, type_=Text) if c == "data" else bindparam(c) for c in _COLUMNS})
    found = session.execute(stmt.returning(table.c.id, table.c.dedup_key), rows)
    return {key: ident for ident, key in found}


def readers(session: Session, ids: set[int]) -> dict[int, Any]:
    """Name and language of these people (one query; rows, not ORM objects)."""
    out: dict[int, Any] = {}
    ordered = sorted(ids)
    for chunk in in_chunks(ordered):
        out.update((r.id, r) for r in session.execute(
            select(Person.id, Person.name, Person.locale).where(Person.id.in_(chunk))))
    return out
