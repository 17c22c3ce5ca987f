"""The leave request form, and the form an approver rejects with (the reason)."""

from __future__ import annotations

import datetime as dt

from bot.declare import form
from bot.replies import CloseModal, ModalErrors, OpenModal, Reply
from bot.request import Request
from models.core.dates import parse_day
from models.core.errors import N_
from models.core.people import approvers_for
from models.leave import flow as leave_requests
from models.leave.balance import balance, balances
from models.leave.days import local_today
from models.leave.tables import get_type, leave_types, plain_days


def open_form(req: Request) -> OpenModal:
    """``/leave`` (or the App Home button): the request form, with the balance on top."""
    session, me = req.ctx.session, req.actor
    today = local_today(me, req.settings, req.ctx.now)
    types = [{"type": t.code, "type_name": t.name} for t in leave_types(session)]
    return OpenModal("leave/request_modal", {
        "types": types,
        "initial_type": types[0]["type"] if types else None,
        "today": today.isoformat(),
        "balances": [b.as_dict() for b in balances(session, me, today.year, req.ctx.now)],
        "approvers": [p.name for p in approvers_for(session, me)],
        "clt": req.settings.leave_policy == "clt",
    })


def _date(value: object, today: dt.date) -> dt.date | None:
    """Slack's date picker sends ISO; a form typed elsewhere may say ``25/12/2026``: both are read."""
    return parse_day(str(value), today) if value else None


@form("leave_request")
def submit_form(req: Request) -> CloseModal | ModalErrors:
    """The form is sent: missing fields answer in the form; the domain checks the rest."""
    values = req.values
    today = local_today(req.actor, req.settings, req.ctx.now)
    start, end = _date(values.get("start"), today), _date(values.get("end"), today)
    errors = {}
    if not values.get("type"):
        errors["type"] = N_("Choose a leave type.")
    if start is None:
        errors["start"] = N_("Choose the first day of your leave.")
    if end is None:
        errors["end"] = N_("Choose the last day of your leave.")
    if errors or start is None or end is None:
        return ModalErrors(errors)
    half = values.get("half") or []
    leave_type = get_type(req.ctx.session, values["type"])
    filed = leave_requests.file_request(req.ctx, leave_type, start, end, half_start="start" in half,
                                        half_end="end" in half, note=values.get("note"))
    # Leave across 31 December: the balance of each year it charges.
    after = [balance(req.ctx.session, req.actor, leave_type, year, req.ctx.now)
             for year in range(filed.start.year, filed.end.year + 1)]
    return CloseModal(then=Reply("leave/submitted", {
        "request": filed.card(req.actor),
        "approvers": [m.approver.name for m in filed.messages],
        "balances": [dict(b.as_dict(), days=plain_days(filed.days_in(b.year))) for b in after if b is not None],
    }))


@form("leave_reject")
def reject_submit(req: Request) -> CloseModal:
    """The reason is sent: the request is rejected (the reject button opened this form)."""
    done = leave_requests.reject(req.ctx, req.metadata.get("request") or "", req.values.get("reason"))
    return CloseModal(then=Reply("leave/decision_ack", {"request": done.card(req.actor), "event": "rejected"}))
