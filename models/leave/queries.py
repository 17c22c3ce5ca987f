"""Reading leave: who is out, my requests, approvals waiting, reminders.

Approvals waiting and the digest batches live in ``sections`` (re-exported here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.audit import record
from models.core.calendar import BusinessCalendar
from models.core.errors import N_, PermissionDenied
from models.core.notify import notify
from models.core.people import Person, admins
from models.leave.balance import balances
from models.leave.days import local_today

# Batched reads (approvals waiting, digests) are re-exported: handlers import leave reads from here.
from models.leave.sections import (  # noqa: F401 - re-exported for handlers
    digest_approvals,
    digest_team_out,
    waiting_for,
)
from models.leave.tables import (
    LeaveRequest,
    LeaveStatus,
    decides_for,
    get_request,
    leave_types,
)

if TYPE_CHECKING:
    from models.core.context import Ctx

# Undecided after this many business days: remind the approvers, again, then the admins.
REMINDERS = ((1, "approver"), (3, "approver"), (5, "admins"))


def who_is_out(session: Session, start: dt.date, end: dt.date, *, types_public: bool = False) -> list[dict]:
    """Approved leave overlapping ``start``..``end``, by date then name. A who's-out list says
    "out", not why, whoever reads it; a company that wants reasons public (``LEAVE_WHO_SHOWS_TYPE``)
    gets the type of non-private leave, never of private (health) leave (LGPD)."""
    rows = session.scalars(select(LeaveRequest).where(
        LeaveRequest.status == LeaveStatus.approved.value, LeaveRequest.start <= end, LeaveRequest.end >= start,
    ).order_by(LeaveRequest.start, LeaveRequest.id)).unique()
    out = [dict(r.card(None, hide_reason=not types_public), team=r.person.team) for r in rows]
    return sorted(out, key=lambda c: (c["start"], c["person"]))


def balance_report(ctx: Ctx, person: Person | None = None) -> dict:
    """A person's balances this year: their own, or (their approvers and admins) someone else's."""
    person = person or ctx.person
    if person.id != ctx.person.id and not decides_for(ctx.session, ctx.person, person):
        raise PermissionDenied(N_("Only {name}'s approver or an admin can see their balance."), name=person.name)
    year = local_today(person, ctx.config, ctx.now).year
    return {
        "name": person.name, "year": year,
        "place": person.country + (f"/{person.subdivision}" if person.subdivision else ""),
        "balances": [b.as_dict() for b in balances(ctx.session, person, year, ctx.now)],
        "unlimited": [{"type": t.code, "type_name": t.name} for t in leave_types(ctx.session) if not t.keeps_balance],
    }


def show_request(ctx: Ctx, request_id: int | str) -> dict:
    """One request, for its person, their approvers and admins."""
    found = get_request(ctx.session, request_id)
    if found.person_id != ctx.person.id and not decides_for(ctx.session, ctx.person, found.person):
        raise PermissionDenied(N_("Only {name}, their approver or an admin can see request #{id}."),
                               name=found.person.name, id=found.id)
    return found.card(ctx.actor)


def my_requests(session: Session, person: Person, today: dt.date, limit: int | None = 25) -> list[dict]:
    """The person's requests: still to come first (soonest first), then this year's past ones (``limit``: the first few)."""
    rows = list(session.scalars(select(LeaveRequest).where(
        LeaveRequest.person_id == person.id, LeaveRequest.end >= dt.date(today.year, 1, 1),
    ).order_by(LeaveRequest.start)).unique())
    upcoming = [r for r in rows if r.end >= today]
    past = sorted((r for r in rows if r.end < today), key=lambda r: r.start, reverse=True)
    return [dict(r.card(person), cancellable=r.is_active and (r.start > today or person.is_admin))
            for r in (upcoming + past)[:limit]]


def approver_ids(req: LeaveRequest, admin_ids: set[int]) -> set[int]:
    """Who the request waits on (as :func:`models.core.people.approvers_for`, without a query per request)."""
    boss = req.person.manager
    if boss is not None and boss.id != req.person_id and boss.active:
        return {boss.id}
    return admin_ids - {req.person_id}


@dataclass(frozen=True)
class Reminded:
    """A reminder sent about one undecided request: to its approver, or escalated to the admins."""

    request_id: int
    to_admins: bool
    waited: int  # business days since it was filed


def send_reminders(ctx: Ctx) -> list[Reminded]:
    """Remind approvers of requests left undecided (after 1 and 3 business days), then the admins
    (after 5). Each reminder once: the level reached is kept on the request."""
    done: list[Reminded] = []
    pending = list(ctx.session.scalars(select(LeaveRequest).where(
        LeaveRequest.status == LeaveStatus.pending.value).order_by(LeaveRequest.id)
        .with_for_update(of=LeaveRequest)).unique())
    admin_list = admins(ctx.session)
    for req in pending:
        calendar = BusinessCalendar.of_person(req.person, ctx.config)
        filed = local_today(req.person, ctx.config, req.created_at)
        today = local_today(req.person, ctx.config, ctx.now)
        waited = sum(1 for _ in calendar.business_days_between(filed + dt.timedelta(days=1), today))
        due = max((n for n, (after, _who) in enumerate(REMINDERS, 1) if waited >= after), default=0)
        if due <= req.reminders_sent:
            continue
        _after, who = REMINDERS[due - 1]
        ids = approver_ids(req, {a.id for a in admin_list})
        readers = [a for a in admin_list if a.id != req.person_id] if who == "admins" else \
            [p for p in _people(ctx.session, ids)]
        for reader in readers:
            notify(ctx, "leave/reminder_dm", {"request": req.card(reader), "waited": waited, "escalated": who == "admins",
                                              "approver": req.person.manager.name if req.person.manager else None,
                                              "may_decide": reader.id != req.person_id},
                   person=reader, dedup_key=f"leave:{req.id}:reminder:{due}:{reader.id}")
        before = req.reminders_sent
        req.reminders_sent = due
        record(ctx, "leave.reminded", req, before={"reminders_sent": before},
               after={"reminders_sent": due, "waited": waited, "to": sorted(r.id for r in readers)})
        done.append(Reminded(req.id, who == "admins", waited))
    return done


def _people(session: Session, ids: Iterable[int]) -> list[Person]:
    ids = list(ids)
    if not ids:
        return []
    return list(session.scalars(select(Person).where(Person.id.in_(ids)).order_by(Person.name)).unique())
