"""Leave's share of the data-subject rights: requests and notes, allowances, decisions, the feed.

Sick-leave notes are health data (LGPD art. 11): the retention job removes them a while
after the leave ends; an erasure removes every note and the reasons the person wrote.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from models.core.audit import record
from models.core.errors import N_
from models.core.privacy import PrivacyPart, Retention, Scrubber, iso, rows
from models.leave.feed import LeaveCalendarFeed
from models.leave.tables import LeaveAllocation, LeaveRequest, LeaveType

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from models.core.context import Ctx
    from models.core.people import Person


def export(session: Session, person: Person) -> dict[str, Any]:
    mine = list(session.scalars(select(LeaveRequest).where(LeaveRequest.person_id == person.id)
                                .order_by(LeaveRequest.id)).unique())
    requests = [dict(id=r.id, type=r.type.code, start=iso(r.start), end=iso(r.end), half_start=r.half_start,
                     half_end=r.half_end, days=str(r.days), year=r.year, status=r.status, note=r.note,
                     reason=r.reason, created_at=iso(r.created_at), decided_at=iso(r.decided_at),
                     decided_by_id=r.decided_by_id, approver_id=r.approver_id) for r in mine]
    codes = {tid: code for tid, code in session.execute(select(LeaveType.id, LeaveType.code))}
    allocations = [dict(a, type=codes.get(a.pop("type_id"))) for a in rows(
        session.scalars(select(LeaveAllocation).where(LeaveAllocation.person_id == person.id)
                        .order_by(LeaveAllocation.year, LeaveAllocation.type_id)),
        "year", "type_id", "days", "set_by_admin", "created_at")]
    # Their decisions on others' requests: the fact only, never the other person's details.
    decided = [{"request_id": r.id, "status": r.status, "decided_at": iso(r.decided_at)} for r in session.scalars(
        select(LeaveRequest).where(LeaveRequest.decided_by_id == person.id, LeaveRequest.person_id != person.id)
        .order_by(LeaveRequest.id)).unique()]
    feed = session.scalar(select(LeaveCalendarFeed).where(LeaveCalendarFeed.person_id == person.id))
    return {
        "leave_requests": requests,
        "leave_allocations": allocations,
        "leave_decisions": decided,
        "leave_calendar_feed": {"created_at": iso(feed.created_at)} if feed else None,
    }


def erase(ctx: Ctx, person: Person, scrub: Scrubber) -> dict[str, int]:
    """Notes of their requests and reasons they wrote go; days, dates and statuses stay (balances)."""
    notes = reasons = 0
    for r in ctx.session.scalars(select(LeaveRequest).where(LeaveRequest.person_id == person.id)).unique():
        if r.note is not None:
            scrub.forget(r.note)
            r.note, notes = None, notes + 1
        if r.reason is not None and r.type.sensitive:  # a reason about sick leave may carry health details
            scrub.forget(r.reason)
            r.reason, reasons = None, reasons + 1
        elif r.reason is not None:
            r.reason = scrub.text(r.reason)
    for r in ctx.session.scalars(select(LeaveRequest).where(LeaveRequest.decided_by_id == person.id,
                                                            LeaveRequest.reason.is_not(None))).unique():
        scrub.forget(r.reason)
        r.reason, reasons = None, reasons + 1
    feeds = list(ctx.session.scalars(delete(LeaveCalendarFeed).where(LeaveCalendarFeed.person_id == person.id)
                                     .returning(LeaveCalendarFeed.id)))
    return {"notes": notes, "reasons": reasons, "calendar_feeds": len(feeds)}


def expire_health_notes(ctx: Ctx, retention: Retention) -> int:
    """Remove the notes of sensitive (sick) leave that ended before ``retention.health_before``.
    Each once: a removed note is gone, so a second pass finds nothing."""
    stmt = (select(LeaveRequest).join(LeaveType, LeaveRequest.type_id == LeaveType.id)
            .where(LeaveType.sensitive.is_(True), LeaveRequest.note.is_not(None),
                   LeaveRequest.end < retention.health_before)
            .order_by(LeaveRequest.id).with_for_update(of=LeaveRequest))
    removed = 0
    for r in ctx.session.scalars(stmt).unique():
        retention.removed.add(r.note or "")
        r.note = None
        record(ctx, "privacy.health_note_removed", r, after={"ended": iso(r.end)})
        removed += 1
    return removed


def subjects(session: Session, person: Person) -> dict[str, list[int]]:
    """Their leave requests (what approvers and admins did to them is audited on these)."""
    return {"leave_requests": list(session.scalars(select(LeaveRequest.id).where(LeaveRequest.person_id == person.id)))}


PART = PrivacyPart("leave", export=export, erase=erase, expire=expire_health_notes, subjects=subjects, labels={
    "leave_requests": N_("Leave requests and notes"), "leave_allocations": N_("Leave allowances"),
    "leave_decisions": N_("Leave decisions you made"), "leave_calendar_feed": N_("Calendar link")})
