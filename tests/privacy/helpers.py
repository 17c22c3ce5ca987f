"""Shared steps of the privacy and calendar stories: file and decide leave in the domain, read tables."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from sqlalchemy import inspect, select, text

from models.core.people import Person
from models.leave import flow
from models.leave.tables import get_type
from tests.cast import ADMIN


def pid(runtime: Any, slack_id: str) -> int:
    with runtime.db.session() as s:
        found = s.scalar(select(Person.id).where(Person.slack_user_id == slack_id))
        assert found is not None, slack_id
        return found


def file_leave(runtime: Any, who: str, type_code: str, start: str, end: str, *, note: str | None = None,
               half_start: bool = False, half_end: bool = False, approve_by: str | None = None,
               as_admin: bool = False) -> int:
    """File a request (as the person, or an admin for them) and optionally approve it."""
    person_id = pid(runtime, who)
    actor = pid(runtime, ADMIN) if as_admin else person_id
    with runtime.unit_of_work(actor=actor, source="test") as ctx:
        person = ctx.session.get(Person, person_id)
        req = flow.file_request(ctx, get_type(ctx.session, type_code), dt.date.fromisoformat(start),
                                dt.date.fromisoformat(end), half_start=half_start, half_end=half_end, note=note,
                                person=person)
        request_id = req.id
    if approve_by:
        with runtime.unit_of_work(actor=pid(runtime, approve_by), source="test") as ctx:
            flow.approve(ctx, request_id)
    runtime.sender.wait_idle(timeout=30)
    return request_id


def every_value(runtime: Any) -> list[tuple[str, str, str]]:
    """Every non-null value of every column of every table, as text: (table, column, value)."""
    out = []
    with runtime.db.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            if table == "alembic_version":
                continue
            result = conn.execute(text(f'SELECT * FROM "{table}"'))
            cols = list(result.keys())
            for row in result:
                for col, value in zip(cols, row, strict=True):
                    if value is not None:
                        out.append((table, col, str(value)))
    return out


def found_in(values: list[tuple[str, str, str]], needle: str) -> list[tuple[str, str, str]]:
    """Where ``needle`` appears (case-insensitive), JSON values read with their escapes decoded."""
    pattern = re.compile(re.escape(needle), re.IGNORECASE)
    hits = []
    for table, col, value in values:
        readings = [value]
        if "\\u" in value:
            try:
                readings.append(json.dumps(json.loads(value), ensure_ascii=False))
            except ValueError:
                pass
        if any(pattern.search(r) for r in readings):
            hits.append((table, col, value[:200]))
    return hits
