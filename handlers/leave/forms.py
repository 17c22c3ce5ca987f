"""The leave request form, and the buttons and form an approver decides with."""

from __future__ import annotations

import datetime as dt
import json

from bot.registry import Registry
from bot.replies import CloseModal, ModalErrors, OpenModal, Reply
from bot.request import Request
from models.leave import flow as leave_requests
from models.core.errors import N_
from models.leave.tables import get_type, leave_types, plain_days
from models.leave.balance import balance, balances
from models.leave.calendar import local_today
from models.core.people import approvers_for


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


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def submit_form(req: Request) -> CloseModal | ModalErrors:
    """The form is sent: missing fields answer in the form; the domain checks the rest."""
    values = req.values
    start, end = _date(values.get("start")), _date(values.get("end"))
    errors = {}
    if not values.get("type"):
        errors["type"] = N_("Choose a leave type.")
    if start is None:
        errors["start"] = N_("Choose the first day of your leave.")
    if end is None:
        errors["end"] = N_("Choose the last day of your leave.")
    if errors:
        return ModalErrors(errors)
    half = values.get("half") or []
    leave_type = get_type(req.ctx.session, values["type"])
    filed = leave_requests.file_request(req.ctx, leave_type, start, end, half_start="start" in half,  # type: ignore[arg-type]
                                        half_end="end" in half, note=values.get("note"))
    # Leave across 31 December: the balance of each year it charges.
    after = [balance(req.ctx.session, req.actor, leave_type, year, req.ctx.now)
             for year in range(filed.start.year, filed.end.year + 1)]
    return CloseModal(then=Reply("leave/submitted", {
        "request": filed.card(req.actor),
        "approvers": [m.approver.name for m in filed.messages],
        "balances": [dict(b.as_dict(), days=plain_days(filed.days_in(b.year))) for b in after if b is not None],
    }))


def approve_click(req: Request) -> Reply:
    done = leave_requests.approve(req.ctx, req.value or "")
    return Reply("leave/decision_ack", {"request": done.card(req.actor), "event": "approved"})


def reject_click(req: Request) -> OpenModal:
    """Reject asks why first; the decision happens when the reason is sent."""
    found = leave_requests.check_decidable(req.ctx, req.value or "")
    return OpenModal("leave/reject_modal", {"request": found.card(req.actor),
                                            "metadata": json.dumps({"request": found.id})})


def reject_submit(req: Request) -> CloseModal:
    request_id = _metadata(req.private_metadata).get("request")
    done = leave_requests.reject(req.ctx, request_id or "", req.values.get("reason"))
    return CloseModal(then=Reply("leave/decision_ack", {"request": done.card(req.actor), "event": "rejected"}))


def cancel_click(req: Request) -> Reply:
    done = leave_requests.cancel(req.ctx, req.value or "")
    return Reply("leave/decision_ack", {"request": done.card(req.actor), "event": "cancelled"})


def _metadata(text: str) -> dict:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def register(registry: Registry) -> None:
    registry.view("leave_request")(submit_form)
    registry.view("leave_reject")(reject_submit)
    registry.action("leave_open")(open_form)
    registry.action("leave_approve")(approve_click)
    registry.action("leave_reject")(reject_click)
    registry.action("leave_cancel")(cancel_click)

