"""The dispute form: why the trade is disputed with the broker."""

from __future__ import annotations

from bot.declare import form
from bot.replies import CloseModal, Reply
from bot.request import Request
from handlers.trades.cards import trade_row
from models.trades import flow


@form("trade_dispute")
def submit_dispute(req: Request) -> CloseModal:
    ref = str(req.metadata.get("ref") or "")
    reason = req.values.get("reason")
    trade = flow.dispute(req.ctx, ref, reason if isinstance(reason, str) else "")
    return CloseModal(then=Reply("trades/decision", {"action": "disputed", "trade": trade_row(trade)}))
