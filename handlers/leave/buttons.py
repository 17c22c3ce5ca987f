"""The buttons of leave: request (App Home), approve, reject (asks why first), cancel."""

from __future__ import annotations

from bot.declare import button
from bot.metadata import metadata
from bot.replies import OpenModal, Reply
from bot.request import Request
from handlers.leave.forms import open_form
from models.leave import flow as leave_requests


@button("leave_open")
def open_click(req: Request) -> OpenModal:
    return open_form(req)


@button("leave_approve")
def approve_click(req: Request) -> Reply:
    done = leave_requests.approve(req.ctx, req.value or "")
    return Reply("leave/decision_ack", {"request": done.card(req.actor), "event": "approved"})


@button("leave_reject")
def reject_click(req: Request) -> OpenModal:
    """Reject asks why first; the decision happens when the reason is sent."""
    found = leave_requests.check_decidable(req.ctx, req.value or "")
    return OpenModal("leave/reject_modal", {"request": found.card(req.actor), "metadata": metadata(request=found.id)})


@button("leave_cancel")
def cancel_click(req: Request) -> Reply:
    done = leave_requests.cancel(req.ctx, req.value or "")
    return Reply("leave/decision_ack", {"request": done.card(req.actor), "event": "cancelled"})
