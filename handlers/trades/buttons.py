"""The buttons on trade messages: show, confirm, accept the broker's values, dispute, lists."""

from __future__ import annotations

from bot.declare import button
from bot.replies import OpenModal, Reply
from bot.request import Request
from handlers.trades.breaks import all_breaks
from handlers.trades.cards import trade_row
from handlers.trades.commands import card, pending, pending_page
from models.core.people import Role
from models.trades import flow
from models.trades.tables import get_trade

BO = Role.backoffice


@button("trade_show", role=BO)
def click_show(req: Request) -> Reply:
    return card(req, get_trade(req.ctx.session, req.value or ""))


@button("trade_confirm", role=BO)
def click_confirm(req: Request) -> Reply:
    trade = flow.confirm(req.ctx, req.value or "")
    return Reply("trades/decision", {"action": "confirmed", "trade": trade_row(trade)})


@button("trade_accept", role=BO)
def click_accept(req: Request) -> Reply:
    trade = flow.accept_broker_values(req.ctx, req.value or "")
    return Reply("trades/decision", {"action": "accepted", "trade": trade_row(trade)})


@button("trade_dispute", role=BO)
def click_dispute(req: Request) -> OpenModal:
    """Dispute asks why first (the form); the trade's ref travels in the form's metadata."""
    trade = get_trade(req.ctx.session, req.value or "")
    return OpenModal("trades/dispute_modal", {"trade": trade_row(trade)})


@button("trades_breaks", role=BO)
def click_breaks(req: Request) -> Reply:
    return all_breaks(req)


@button("trades_pending", role=BO)
def click_pending(req: Request) -> Reply:
    return pending(req)


@button("trades_pending_page", role=BO)
def click_pending_page(req: Request) -> Reply:
    """*Next* / *Previous* under the pending list: the same message, rewritten."""
    value = req.value or ""
    page = int(value) if value.isdigit() else 0
    return pending_page(req, page, replace=True)
