"""Incidents in the digest and the App Home: open incidents by severity, the daily open count,
and "my" incidents (as reporter or assignee)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from models.core.scope import DigestScope
from models.incidents.tables import NOT_CLOSED, SEVERITIES, Incident, incident_data

DEFAULT_ZONE = "America/Sao_Paulo"


def open_by_severity(session: Session) -> dict[str, Any] | None:
    """Counts of incidents not closed yet per severity, and the most severe few; None when there are none."""
    rows = session.execute(select(Incident.severity, func.count()).where(Incident.status.in_(NOT_CLOSED))
                           .group_by(Incident.severity)).all()
    counts = {sev: 0 for sev in SEVERITIES}
    counts.update({sev: n for sev, n in rows})
    total = sum(counts.values())
    if not total:
        return None
    top = session.scalars(select(Incident).where(Incident.status.in_(NOT_CLOSED))
                          .order_by(Incident.severity, Incident.number).limit(5))
    return {"total": total, "by_severity": [{"severity": s, "count": counts[s]} for s in SEVERITIES],
            "top": [_line(i) for i in top]}


def _line(inc: Incident) -> dict[str, Any]:
    data = incident_data(inc)
    return {k: data[k] for k in ("ref", "title", "severity", "status", "assignee", "reported_at", "channel_id")}


def digest_build(session: Session, scope: DigestScope) -> dict[int, dict]:
    """The same open-incidents summary for every manager in ``scope`` (one query for all of them)."""
    data = open_by_severity(session)
    if data is None:
        return {}
    return {int(pid): data for pid in scope.managers["person_id"]}


def open_per_day(session: Session, first_day: dt.date, last_day: dt.date, tz: str = DEFAULT_ZONE) -> dict[dt.date, int]:
    """How many incidents were open (reported, not closed) at the end of each day, in the company's zone."""
    zone = zoneinfo.ZoneInfo(tz)

    def end_of(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone).astimezone(dt.UTC)

    last_end, first_end = end_of(last_day), end_of(first_day)
    days = [first_day + dt.timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    # One scan, a count per day summed in the database: no incident is carried into Python.
    counts = [func.coalesce(func.sum(case((and_(Incident.reported_at < end_of(d), or_(
        Incident.closed_at.is_(None), Incident.closed_at >= end_of(d))), 1), else_=0)), 0) for d in days]
    row = session.execute(select(*counts).where(
        Incident.reported_at < last_end, or_(Incident.closed_at.is_(None), Incident.closed_at >= first_end))).one()
    return {d: int(n) for d, n in zip(days, row, strict=True)}


def mine(session: Session, person_id: int, limit: int = 10) -> list[dict[str, Any]]:
    """Incidents not closed yet that ``person_id`` reported or owns, most severe first."""
    stmt = (select(Incident).where(Incident.status.in_(NOT_CLOSED),
                                   or_(Incident.reporter_id == person_id, Incident.assignee_id == person_id))
            .order_by(Incident.severity, Incident.number).limit(limit))
    return [{**_line(i), "mine_as": "assignee" if i.assignee_id == person_id else "reporter"}
            for i in session.scalars(stmt)]
