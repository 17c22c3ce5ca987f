"""Leave in batches: approvals waiting and who of a team is out, for every reader in a few queries.

Requests are read as plain columns, with their requester, type, decider and the requester's
manager joined in the same SELECT, never as ORM objects: nothing is then loaded one person at
a time, however many managers the digest has. Cards are the same dicts as
``LeaveRequest.card`` gives, masking sensitive types (LGPD) the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session, aliased

from models.core.calendar import BusinessCalendar
from models.core.people import Person, PersonRole, Role
from models.core.scope import DigestScope
from models.leave.tables import LeaveRequest, LeaveStatus, LeaveType, plain_days

Requester = aliased(Person, name="requester")
Boss = aliased(Person, name="boss")
Decider = aliased(Person, name="decider")

_COLUMNS = (
    LeaveRequest.id, LeaveRequest.person_id, LeaveRequest.start, LeaveRequest.end, LeaveRequest.half_start,
    LeaveRequest.half_end, LeaveRequest.days, LeaveRequest.status, LeaveRequest.note, LeaveRequest.reason,
    LeaveRequest.decided_at, LeaveRequest.created_at, LeaveRequest.approver_id,
    Requester.name.label("person_name"), Requester.slack_user_id, Requester.team, Requester.manager_id,
    Boss.active.label("boss_active"),
    LeaveType.code.label("type_code"), LeaveType.name.label("type_name"), LeaveType.sensitive,
    Decider.name.label("decided_by"),
)


class LeaveRow(NamedTuple):
    """One request as ``_select`` reads it. A plain tuple: a digest reads 100k of them, and a
    SQLAlchemy ``Row``'s attribute access costs a microsecond each (a card reads 20)."""

    id: int
    person_id: int
    start: dt.date
    end: dt.date
    half_start: bool
    half_end: bool
    days: Decimal
    status: str
    note: str | None
    reason: str | None
    decided_at: dt.datetime | None
    created_at: dt.datetime
    approver_id: int | None
    person_name: str
    slack_user_id: str | None
    team: str | None
    manager_id: int | None
    boss_active: bool | None
    type_code: str
    type_name: str
    sensitive: bool
    decided_by: str | None


def _rows(session: Session, statement: Any) -> list[LeaveRow]:
    """The requests ``statement`` (a ``_select``) finds, as :class:`LeaveRow`."""
    result = session.execute(statement)
    if tuple(result.keys()) != LeaveRow._fields:  # _COLUMNS and LeaveRow must list the same columns
        raise RuntimeError(f"leave rows: columns {tuple(result.keys())} are not LeaveRow's")
    make = LeaveRow._make
    return [make(r) for r in result]


def _select(*where: Any) -> Any:
    """Requests with everything a card shows, in one statement (no lazy load afterwards)."""
    return (select(*_COLUMNS)
            .join(Requester, Requester.id == LeaveRequest.person_id)
            .outerjoin(Boss, Boss.id == Requester.manager_id)
            .join(LeaveType, LeaveType.id == LeaveRequest.type_id)
            .outerjoin(Decider, Decider.id == LeaveRequest.decided_by_id)
            .where(*where))


def card(row: LeaveRow, viewer_id: int | None = None, viewer_admin: bool = False) -> dict:
    """``LeaveRequest.card(viewer)`` from a row of ``_select``: the type and note only for those
    who may know why the person is out (``LeaveRequest.visible_to``)."""
    shown = not row.sensitive or (viewer_id is not None and (
        viewer_id == row.person_id or viewer_admin or viewer_id == row.approver_id
        or (row.manager_id is not None and viewer_id == row.manager_id)))
    return {
        "id": row.id,
        "person": row.person_name,
        "person_id": row.person_id,
        "mention": f"<@{row.slack_user_id}>" if row.slack_user_id else row.person_name,
        "type": row.type_code if shown else None,
        "type_name": row.type_name if shown else None,
        "start": row.start.isoformat(),
        "end": row.end.isoformat(),
        "half_start": row.half_start,
        "half_end": row.half_end,
        "days": plain_days(row.days),
        "calendar_days": (row.end - row.start).days + 1,
        "status": row.status,
        "note": row.note if shown else None,
        "reason": row.reason,
        "decided_by": row.decided_by,
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
    }


def admin_ids(session: Session) -> set[int]:
    """Active admins' ids (who decides when a requester has no usable manager)."""
    return set(session.scalars(select(Person.id).join(PersonRole, PersonRole.person_id == Person.id)
                               .where(PersonRole.role == Role.admin.value, Person.active.is_(True))))


def _approvers(row: LeaveRow, admins: set[int]) -> set[int]:
    """As ``leave_views.approver_ids``: the active manager (not oneself), else every other admin."""
    if row.manager_id is not None and row.manager_id != row.person_id and row.boss_active:
        return {row.manager_id}
    return admins - {row.person_id}


def pending_for(session: Session, approvers: Iterable[int]) -> dict[int, list[LeaveRow]]:
    """Pending requests waiting on each of ``approvers``, oldest first: two queries for any number.

    The SQL only narrows the rows (their manager is one of them, or, when an admin is asked
    for, no usable manager); ``_approvers`` then decides exactly, as the approval flow does.
    """
    wanted = set(approvers)
    if not wanted:
        return {}
    admins = admin_ids(session)
    no_manager = or_(Requester.manager_id.is_(None), Requester.manager_id == LeaveRequest.person_id,
                     Boss.active.is_(False))
    rows = _rows(session, _select(
        LeaveRequest.status == LeaveStatus.pending.value,
        or_(Requester.manager_id.in_(sorted(wanted)), no_manager if wanted & admins else false()),
    ).order_by(LeaveRequest.created_at, LeaveRequest.id))
    out: dict[int, list[LeaveRow]] = {}
    for row in rows:
        for pid in _approvers(row, admins) & wanted:
            out.setdefault(pid, []).append(row)
    return out


def waiting_for(session: Session, approver: Person) -> list[dict]:
    """Pending requests that ``approver`` should decide, oldest first, as cards for them."""
    admin = approver.is_admin
    return [dict(card(r, approver.id, admin), created_at=r.created_at.isoformat())
            for r in pending_for(session, [approver.id]).get(approver.id, [])]


def digest_approvals(session: Session, scope: DigestScope) -> dict[int, dict]:
    """{manager id: approvals waiting for them (first 10, and the count)}, for every reader at once."""
    frame = scope.managers
    if not len(frame):
        return {}
    admin_of = {int(r.person_id): "admin" in (r.roles if isinstance(r.roles, (list, tuple, set)) else ())
                for r in frame.itertuples(index=False)}
    out: dict[int, dict] = {}
    for pid, rows in pending_for(session, admin_of).items():
        out[pid] = {"requests": [dict(card(r, pid, admin_of[pid]), created_at=r.created_at.isoformat())
                                 for r in rows[:10]], "count": len(rows)}
    return out


def digest_team_out(session: Session, scope: DigestScope) -> dict[int, dict]:
    """{manager id: who of their team is out today and on the next working day}, one query for all.

    The team is the manager's direct reports plus everyone with the manager's team name.
    A who's-out list says "out", never why (sensitive types are masked: no viewer).
    """
    frame = scope.managers
    if not len(frame):
        return {}
    readers = []  # (manager id, team, their today, their next business day)
    for r in frame.itertuples(index=False):
        day = dt.date.fromisoformat(str(r.day)[:10])
        calendar = BusinessCalendar.of(r.country, r.subdivision, scope.days_off)
        readers.append((int(r.person_id), r.team, day, calendar.next_business_day(day)))
    first = min(day for _, _, day, _ in readers)
    last = max(tomorrow for _, _, _, tomorrow in readers)
    rows = _rows(session, _select(
        LeaveRequest.status == LeaveStatus.approved.value, and_(LeaveRequest.start <= last, LeaveRequest.end >= first),
    ).order_by(LeaveRequest.start, LeaveRequest.id))
    # Index the rows by manager and by team once, so each reader looks at their own few rows only.
    by_manager: dict[int, list[int]] = {}
    by_team: dict[str, list[int]] = {}
    for n, row in enumerate(rows):
        if row.manager_id is not None:
            by_manager.setdefault(row.manager_id, []).append(n)
        if row.team is not None:
            by_team.setdefault(row.team, []).append(n)
    cards: dict[int, dict] = {}  # a card with no viewer is the same for every reader: build it once
    out: dict[int, dict] = {}
    for pid, team, day, tomorrow in readers:
        found = set(by_manager.get(pid, ()))
        if team:
            found.update(by_team.get(team, ()))
        mine = [rows[n] for n in sorted(found) if rows[n].person_id != pid]
        if not mine:
            continue
        today_out = [_shared_card(cards, r) for r in mine if r.start <= day <= r.end]
        tomorrow_out = [_shared_card(cards, r) for r in mine if r.start <= tomorrow <= r.end]
        if today_out or tomorrow_out:
            out[pid] = {"day": day.isoformat(), "tomorrow": tomorrow.isoformat(), "today_out": today_out,
                        "tomorrow_out": tomorrow_out}
    return out


def _shared_card(cache: dict[int, dict], row: LeaveRow) -> dict:
    found = cache.get(row.id)
    if found is None:
        found = cache[row.id] = card(row)
    return dict(found)  # a copy: a template or a later step may change one reader's card
