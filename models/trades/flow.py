"""A trade's decisions: confirm, dispute, accept the broker's values; with four eyes enforced here."""

from __future__ import annotations

from sqlalchemy import update

from models.core.audit import record
from models.core.context import Ctx
from models.core.errors import N_, Conflict, PermissionDenied, ValidationError
from models.core.notify import notify
from models.core.people import Role
from models.trades.queries import breaks, history, pending
from models.trades.tables import Confirmation, ConfirmationStatus, Trade, TradeStatus, add_event, break_names, get_trade

REASON_MAX = 500
__all__ = ["confirm", "dispute", "accept_broker_values", "reopen", "pending", "breaks", "history"]


def _second_pair_of_eyes(ctx: Ctx, trade: Trade) -> None:
    """Back office only, and never the person who booked or imported the trade."""
    ctx.person.require(Role.backoffice)
    if ctx.person.id == trade.booked_by_id:
        raise PermissionDenied(N_("You booked {ref}, so someone else must check it (four eyes)."), ref=trade.ref)
    if ctx.person.id == trade.imported_by_id:
        raise PermissionDenied(N_("You imported {ref}, so someone else must check it (four eyes)."), ref=trade.ref)


def _not_final(trade: Trade) -> None:
    if trade.status == TradeStatus.confirmed.value:
        who = trade.confirmed_by.name if trade.confirmed_by else "—"
        raise Conflict(N_("{ref} was already confirmed by {who}."), ref=trade.ref, who=who)
    if trade.status == TradeStatus.cancelled.value:
        raise Conflict(N_("{ref} was cancelled; there is nothing to decide."), ref=trade.ref)


def _tell(ctx: Ctx, trade: Trade, action: str, note: str | None = None, channel: bool = False) -> None:
    data = {"ref": trade.ref, "action": action, "by": ctx.person.name, "note": note, "ticker": trade.ticker,
            "side": trade.side, "quantity": trade.quantity, "account": trade.account, "broker": trade.broker}
    if trade.booked_by is not None and trade.booked_by.active and trade.booked_by_id != ctx.person.id:
        notify(ctx, "trades/decision_dm", data, person=trade.booked_by)
    if channel:
        notify(ctx, "trades/decision_channel", data, channel=ctx.config.trades_channel)


def confirm(ctx: Ctx, ref: str) -> Trade:
    """Confirm a matched trade (back office, not its booker or importer)."""
    ctx.person.require(Role.backoffice)
    trade = get_trade(ctx.session, ref, lock=True)
    _not_final(trade)
    _second_pair_of_eyes(ctx, trade)
    if trade.status == TradeStatus.mismatched.value:
        raise Conflict(N_("{ref} does not match its confirmation ({breaks}). Accept the broker's values or dispute it: `/trade breaks`."),
                       ref=trade.ref, breaks=break_names(trade.breaks))
    if trade.status == TradeStatus.unmatched.value:
        raise Conflict(N_("{ref} has no broker confirmation yet, so it cannot be confirmed."), ref=trade.ref)
    if trade.status == TradeStatus.disputed.value:
        raise Conflict(N_("{ref} is disputed; accept the broker's values once the break is settled."), ref=trade.ref)
    before = trade.status
    trade.status, trade.confirmed_by_id, trade.confirmed_at, trade.updated_at = \
        TradeStatus.confirmed.value, ctx.person.id, ctx.now, ctx.now
    add_event(ctx, trade, "confirmed", before)
    record(ctx, "trade.confirmed", trade, before={"status": before}, after={"status": trade.status})
    _tell(ctx, trade, "confirmed")
    return trade


def dispute(ctx: Ctx, ref: str, reason: str) -> Trade:
    """Dispute a trade with the broker, saying why; the desk channel and the booker are told."""
    ctx.person.require(Role.backoffice)
    reason = reason.strip() if isinstance(reason, str) else ""
    if len(reason) < 3:
        raise ValidationError(N_("Say why you dispute it: `/trade dispute {ref} broker price is 2% off`."),
                              field="reason", ref=ref.strip().upper() or "T20261123-0001")
    if len(reason) > REASON_MAX:
        raise ValidationError(N_("Keep the reason under {limit} characters."), field="reason", limit=REASON_MAX)
    trade = get_trade(ctx.session, ref, lock=True)
    _not_final(trade)
    if trade.status == TradeStatus.disputed.value:
        raise Conflict(N_("{ref} is already disputed: {reason}"), ref=trade.ref, reason=trade.dispute_reason or "")
    before = trade.status
    trade.status, trade.dispute_reason, trade.updated_at = TradeStatus.disputed.value, reason, ctx.now
    add_event(ctx, trade, "disputed", before, reason)
    record(ctx, "trade.disputed", trade, before={"status": before}, after={"status": trade.status, "reason": reason})
    _tell(ctx, trade, "disputed", reason, channel=True)
    return trade


def accept_broker_values(ctx: Ctx, ref: str) -> Trade:
    """Override a break: the trade takes the broker's values and is confirmed (a second person)."""
    ctx.person.require(Role.backoffice)
    trade = get_trade(ctx.session, ref, lock=True)
    _not_final(trade)
    _second_pair_of_eyes(ctx, trade)
    conf = trade.confirmation
    if conf is None or conf.status != ConfirmationStatus.active.value:
        raise Conflict(N_("{ref} has no broker confirmation to accept."), ref=trade.ref)
    if trade.status not in (TradeStatus.mismatched.value, TradeStatus.disputed.value, TradeStatus.matched.value):
        raise Conflict(N_("{ref} has no break to override."), ref=trade.ref)
    terms = trade.broker_terms()
    assert terms is not None  # it has a confirmation
    if terms["quantity"] <= 0 or terms["price"] <= 0:  # older data may hold one: never book it
        raise Conflict(N_("The broker's values for {ref} have no quantity or price, so they cannot be accepted; "
                          "dispute it instead."), ref=trade.ref)
    before = {"status": trade.status, **trade.economics(), "breaks": trade.breaks}
    for field in ("quantity", "price", "fees", "net_amount", "settlement_date"):
        setattr(trade, field, terms[field])
    names = ", ".join(trade.breaks)
    trade.breaks, trade.status = [], TradeStatus.confirmed.value
    trade.confirmed_by_id, trade.confirmed_at, trade.updated_at = ctx.person.id, ctx.now, ctx.now
    add_event(ctx, trade, "accepted", before["status"], names or None)
    record(ctx, "trade.broker_values_accepted", trade, before=before,
           after={"status": trade.status, **trade.economics(), "confirmation": conf.confirm_id,
                  "fills": [f.confirm_id for f in trade.fills]})
    _tell(ctx, trade, "accepted", None, channel=True)
    return trade


def reopen(ctx: Ctx, trade: Trade, conf: Confirmation, why: str, changed: list[str]) -> None:
    """The broker replaced (``why="replaced"``) or cancelled a confirmation after the trade was confirmed:
    the confirmation by the analyst is withdrawn, the trade goes back to matching, and the analyst
    who confirmed it and the trades channel are told why. ``changed`` names the terms that moved."""
    confirmer, was = trade.confirmed_by, trade.status
    before = {"status": trade.status, "confirmed_by": confirmer.name if confirmer else None,
              "confirmed_at": trade.confirmed_at, "confirmation_id": trade.confirmation_id, "breaks": trade.breaks}
    trade.status, trade.confirmation_id, trade.breaks = TradeStatus.unmatched.value, None, []
    trade.confirmed_by_id, trade.confirmed_at, trade.dispute_reason, trade.updated_at = None, None, None, ctx.now
    ctx.session.execute(update(Confirmation).where(Confirmation.fill_of_id == trade.id).values(fill_of_id=None))
    add_event(ctx, trade, "reopened", was, f"{why}:{conf.confirm_id}")
    record(ctx, "trade.reopened", trade, before=before,
           after={"status": trade.status, "why": why, "confirmation": conf.confirm_id, "changed": changed})
    data = {"ref": trade.ref, "why": why, "confirm_id": conf.confirm_id, "changed": changed, "ticker": trade.ticker,
            "side": trade.side, "quantity": trade.quantity, "account": trade.account, "broker": trade.broker,
            "confirmed_by": before["confirmed_by"]}
    if confirmer is not None and confirmer.active:
        notify(ctx, "trades/reopened", {**data, "to_confirmer": True}, person=confirmer)
    notify(ctx, "trades/reopened", {**data, "to_confirmer": False}, channel=ctx.config.trades_channel)
