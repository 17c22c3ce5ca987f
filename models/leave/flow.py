"""The life of a request: filed, then approved or rejected by the approver, or cancelled.

Every transition locks the request row, checks the state and who acts, writes its audit
record and its notifications in the same unit of work, so two clicks decide once.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.audit import record
from models.core.errors import N_, Conflict, PermissionDenied, ValidationError
from models.core.notify import notify
from models.core.people import Person, approvers_for
from models.leave.balance import balance
from models.leave.days import local_today
from models.leave.policy import check_request
from models.leave.tables import (
    ACTIVE,
    LeaveApprovalMessage,
    LeaveRequest,
    LeaveStatus,
    LeaveType,
    decides_for,
    get_request,
    plain_days,
)

if TYPE_CHECKING:
    from models.core.context import Ctx

MAX_REASON = 500


def file_request(ctx: Ctx, leave_type: LeaveType, start: dt.date, end: dt.date, *, half_start: bool = False,
                 half_end: bool = False, note: str | None = None, person: Person | None = None) -> LeaveRequest:
    """File a request for the actor (admins may file for someone else); the approvers get a DM."""
    person = person or ctx.person
    if person.id != ctx.person.id and not ctx.person.is_admin:
        raise PermissionDenied(N_("Only admins can file leave for someone else."))
    note = (note or "").strip() or None
    # Lock the person's row: two forms submitted at once must not both pass the overlap check.
    ctx.session.scalars(select(Person.id).where(Person.id == person.id).with_for_update()).first()
    by_year = check_request(ctx, person, leave_type, start, end, half_start=half_start, half_end=half_end,
                            note=note)
    approvers = approvers_for(ctx.session, person)
    if not approvers and leave_type.needs_approval:
        raise ValidationError(N_("Nobody can approve your leave yet: you have no manager and there is no other "
                                 "admin. Ask an admin to set your manager."), field="type")
    req = LeaveRequest(person=person, type=leave_type, start=start, end=end, half_start=half_start,
                       half_end=half_end, days=sum(by_year.values()), year=start.year,
                       next_year_days=by_year.get(start.year + 1, 0), note=note, created_at=ctx.now,
                       approver=approvers[0] if len(approvers) == 1 else None)
    if not leave_type.needs_approval:
        req.status = LeaveStatus.approved.value
        req.decided_at = ctx.now
    ctx.session.add(req)
    ctx.session.flush()
    record(ctx, "leave.requested", req, after=_state(req))
    # One template either way: without approval it shows "recorded" instead of the buttons.
    for approver in approvers:
        msg = notify(ctx, "leave/approval_dm", approval_data(ctx, req, approver), person=approver)
        req.messages.append(LeaveApprovalMessage(approver_id=approver.id, outbox=msg))
    if person.id != ctx.person.id:
        notify(ctx, "leave/decided_dm", {"request": req.card(person), "event": "filed", "by": ctx.person.name},
               person=person)
    ctx.session.flush()
    return req


def may_decide(session: Session, person: Person, req: LeaveRequest) -> bool:
    """The requester's approvers and any admin decide; nobody decides their own leave."""
    return decides_for(session, person, req.person)


def check_decidable(ctx: Ctx, request_id: int | str) -> LeaveRequest:
    """Lock the request and refuse unless the actor may decide it and it is still pending."""
    req = get_request(ctx.session, request_id, lock=True)
    if req.person_id == ctx.person.id:
        raise PermissionDenied(N_("Nobody approves their own leave; your request goes to your approver."))
    if not may_decide(ctx.session, ctx.person, req):
        raise PermissionDenied(N_("Only {name}'s approver or an admin can decide this request."), name=req.person.name)
    if req.status != LeaveStatus.pending.value:
        raise Conflict(_ALREADY[req.status], id=req.id, who=req.decided_by.name if req.decided_by else "—")
    return req


_ALREADY = {
    LeaveStatus.approved.value: N_("Request #{id} was already approved by {who}."),
    LeaveStatus.rejected.value: N_("Request #{id} was already rejected by {who}."),
    LeaveStatus.cancelled.value: N_("Request #{id} was cancelled by {who}."),
}


def approve(ctx: Ctx, request_id: int | str) -> LeaveRequest:
    """Approve a pending request: the approvers' DMs are rewritten, the requester is told."""
    req = check_decidable(ctx, request_id)
    before = _state(req)
    _decide(ctx, req, LeaveStatus.approved)
    record(ctx, "leave.approved", req, before=before, after=_state(req))
    _tell_everyone(ctx, req, "approved")
    return req


def reject(ctx: Ctx, request_id: int | str, reason: str | None) -> LeaveRequest:
    """Reject a pending request with a reason the requester reads."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(N_("Say why, so they can plan around it."), field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationError(N_("The reason can have at most {max} characters."), field="reason", max=MAX_REASON)
    req = check_decidable(ctx, request_id)
    before = _state(req)
    req.reason = reason
    _decide(ctx, req, LeaveStatus.rejected)
    record(ctx, "leave.rejected", req, before=before, after=_state(req))
    _tell_everyone(ctx, req, "rejected")
    return req


def cancel(ctx: Ctx, request_id: int | str) -> LeaveRequest:
    """Cancel a pending or approved request: the employee before it starts, the approver or an admin any time."""
    req = get_request(ctx.session, request_id, lock=True)
    own = req.person_id == ctx.person.id
    decider = not own and may_decide(ctx.session, ctx.person, req)
    if not own and not decider:
        raise PermissionDenied(N_("Only {name}, their approver or an admin can cancel request #{id}."),
                               name=req.person.name, id=req.id)
    if not req.is_active:
        raise Conflict(_NOTHING_TO_CANCEL[req.status], id=req.id)
    today = local_today(req.person, ctx.config, ctx.now)
    if own and req.start <= today and not ctx.person.is_admin:
        raise PermissionDenied(N_("Request #{id} has already started ({start}); ask your approver to cancel it."),
                               id=req.id, start=req.start)
    before = _state(req)
    _decide(ctx, req, LeaveStatus.cancelled)
    record(ctx, "leave.cancelled", req, before=before, after=_state(req))
    _tell_everyone(ctx, req, "cancelled", was=before["status"])
    return req


_NOTHING_TO_CANCEL = {
    LeaveStatus.rejected.value: N_("Request #{id} was rejected; there is nothing to cancel."),
    LeaveStatus.cancelled.value: N_("Request #{id} is already cancelled."),
}


def _decide(ctx: Ctx, req: LeaveRequest, status: LeaveStatus) -> None:
    req.status = status.value
    req.decided_by = ctx.actor
    req.decided_at = ctx.now
    ctx.session.flush()


def _tell_everyone(ctx: Ctx, req: LeaveRequest, event: str, was: str | None = None) -> None:
    """Rewrite every approver DM in place; DM the requester unless they acted themselves; and
    when approved leave is cancelled, DM its approvers (whoever cancelled it, but not themselves)."""
    for msg in req.messages:
        notify(ctx, msg.outbox.template, approval_data(ctx, req, msg.approver), updates=msg.outbox)
    if req.person_id != ctx.person.id:
        notify(ctx, "leave/decided_dm", {"request": req.card(req.person), "event": event, "by": ctx.person.name},
               person=req.person)
    if event == "cancelled" and was == LeaveStatus.approved.value:
        # The approver planned around approved leave: a rewritten DM makes no sound, so say it is off.
        told = {ctx.person.id, req.person_id}
        for approver in [*approvers_for(ctx.session, req.person), *(m.approver for m in req.messages)]:
            if approver.id not in told:
                told.add(approver.id)
                notify(ctx, "leave/decided_dm", {"request": req.card(approver), "event": "withdrawn",
                                                 "by": ctx.person.name}, person=approver)


def _state(req: LeaveRequest) -> dict:
    return {"status": req.status, "person": req.person_id, "type": req.type.code, "start": req.start,
            "end": req.end, "days": str(req.days), "decided_by": req.decided_by_id, "reason": req.reason}


def team_of(session: Session, person: Person) -> list[Person]:
    """The person's team: same team name, or else the same manager (themselves excluded)."""
    stmt = select(Person).where(Person.active.is_(True), Person.id != person.id)
    if person.team:
        stmt = stmt.where(Person.team == person.team)
    elif person.manager_id:
        stmt = stmt.where(Person.manager_id == person.manager_id)
    else:
        return []
    return list(session.scalars(stmt).unique())


def overlapping(session: Session, people_ids: list[int], start: dt.date, end: dt.date,
                statuses: tuple[str, ...] = ACTIVE) -> list[LeaveRequest]:
    if not people_ids:
        return []
    return list(session.scalars(select(LeaveRequest).where(
        LeaveRequest.person_id.in_(people_ids), LeaveRequest.status.in_(statuses),
        LeaveRequest.start <= end, LeaveRequest.end >= start).order_by(LeaveRequest.start)).unique())


def approval_data(ctx: Ctx, req: LeaveRequest, approver: Person) -> dict:
    """What the approver's DM shows: the request, the balance after it (per year, for leave across
    31 December: the same figures the requester reads), who of the team is out then."""
    after = []
    for year in range(req.start.year, req.end.year + 1):
        found = balance(ctx.session, req.person, req.type, year, ctx.now, excluding=req.id)
        if found is not None:
            remaining = found.available - (req.days_in(year) if req.status in ACTIVE else 0)
            after.append({"available": plain_days(found.available), "after": plain_days(remaining), "year": year,
                          "days": plain_days(req.days_in(year))})
    team = team_of(ctx.session, req.person)
    others = overlapping(ctx.session, [p.id for p in team], req.start, req.end)
    limit = ctx.config.team_max_out
    peak_day: dt.date | None = None
    peak = 0
    if limit:
        day = req.start
        while day <= req.end:
            out = 1 + len({o.person_id for o in others if o.start <= day <= o.end})
            if out > peak:
                peak_day, peak = day, out
            day += dt.timedelta(days=1)
    return {
        "request": req.card(approver),
        "balances": after,
        "team": req.person.team,
        # The team list is a who's-out list: it says "out", never why (LGPD).
        "team_out": [{"name": o.person.name, "start": o.start.isoformat(), "end": o.end.isoformat(),
                      "half_start": o.half_start, "half_end": o.half_end, "status": o.status} for o in others],
        "over_limit": {"day": peak_day.isoformat(), "count": peak, "limit": limit} if limit and peak > limit and peak_day else None,
        "decided_by": req.decided_by.name if req.decided_by else None,
        "fallback": req.person.manager is None or req.person.manager_id == req.person_id,
    }

