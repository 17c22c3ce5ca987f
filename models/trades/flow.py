"""A trade's decisions: confirm, dispute, accept the broker's values; with four eyes enforced here."""

from __future__ import annotations

from sqlalchemy import select

from models.core.audit import record
from models.core.errors import N_, Conflict, PermissionDenied, ValidationError
from models.core.outbox import notify
from models.core.people import Role
from models.trades.tables import (OPEN_STATUSES, BREAK_LABELS, Confirmation, ConfirmationStatus, Trade, TradeEvent,
                           TradeStatus, add_event, get_trade)

REASON_MAX = 500


def _second_pair_of_eyes(ctx, trade: Trade) -> None:  # type: ignore[no-untyped-def]
    """Back office only, and never the person who booked or imported the trade."""
    ctx.actor.require(Role.backoffice)
    if ctx.actor.id == trade.booked_by_id:
        raise PermissionDenied(N_("You booked {ref}, so someone else must check it (four eyes)."), ref=trade.ref)
    if ctx.actor.id == trade.imported_by_id:
        raise PermissionDenied(N_("You imported {ref}, so someone else must check it (four eyes)."), ref=trade.ref)


def _not_final(trade: Trade) -> None:
    if trade.status == TradeStatus.confirmed.value:
        who = trade.confirmed_by.name if trade.confirmed_by else "—"
        raise Conflict(N_("{ref} was already confirmed by {who}."), ref=trade.ref, who=who)
    if trade.status == TradeStatus.cancelled.value:
        raise Conflict(N_("{ref} was cancelled; there is nothing to decide."), ref=trade.ref)


def _tell(ctx, trade: Trade, action: str, note: str | None = None, channel: bool = False) -> None:  # type: ignore[no-untyped-def]
    data = {"ref": trade.ref, "action": action, "by": ctx.actor.name, "note": note, "ticker": trade.ticker,
            "side": trade.side, "quantity": trade.quantity, "account": trade.account, "broker": trade.broker}
    if trade.booked_by is not None and trade.booked_by.active and trade.booked_by_id != ctx.actor.id:
        notify(ctx, "trades/decision_dm", data, person=trade.booked_by)
    if channel:
        notify(ctx, "trades/decision_channel", data, channel=ctx.config.trades_channel)


def confirm(ctx, ref: str) -> Trade:  # type: ignore[no-untyped-def]
    """Confirm a matched trade (back office, not its booker or importer)."""
    ctx.actor.require(Role.backoffice)
    trade = get_trade(ctx.session, ref, lock=True)
    _not_final(trade)
    _second_pair_of_eyes(ctx, trade)
    if trade.status == TradeStatus.mismatched.value:
        raise Conflict(N_("{ref} does not match its confirmation ({breaks}). Accept the broker's values or dispute it: `/trade breaks`."),
                       ref=trade.ref, breaks=", ".join(trade.breaks))
    if trade.status == TradeStatus.unmatched.value:
        raise Conflict(N_("{ref} has no broker confirmation yet, so it cannot be confirmed."), ref=trade.ref)
    if trade.status == TradeStatus.disputed.value:
        raise Conflict(N_("{ref} is disputed; accept the broker's values once the break is settled."), ref=trade.ref)
    before = trade.status
    trade.status, trade.confirmed_by_id, trade.confirmed_at, trade.updated_at = \
        TradeStatus.confirmed.value, ctx.actor.id, ctx.now, ctx.now
    add_event(ctx, trade, "confirmed", before)
    record(ctx, "trade.confirmed", trade, before={"status": before}, after={"status": trade.status})
    _tell(ctx, trade, "confirmed")
    return trade


def dispute(ctx, ref: str, reason: str) -> Trade:  # type: ignore[no-untyped-def]
    """Dispute a trade with the broker, saying why; the desk channel and the booker are told."""
    ctx.actor.require(Role.backoffice)
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


def accept_broker_values(ctx, ref: str) -> Trade:  # type: ignore[no-untyped-def]
    """Override a break: the trade takes the broker's values and is confirmed (a second person)."""
    ctx.actor.require(Role.backoffice)
    trade = get_trade(ctx.session, ref, lock=True)
    _not_final(trade)
    _second_pair_of_eyes(ctx, trade)
    conf = trade.confirmation
    if conf is None or conf.status != ConfirmationStatus.active.value:
        raise Conflict(N_("{ref} has no broker confirmation to accept."), ref=trade.ref)
    if trade.status not in (TradeStatus.mismatched.value, TradeStatus.disputed.value, TradeStatus.matched.value):
        raise Conflict(N_("{ref} has no break to override."), ref=trade.ref)
    before = {"status": trade.status, **trade.economics(), "breaks": trade.breaks}
    for field in ("quantity", "price", "fees", "net_amount", "settlement_date"):
        setattr(trade, field, getattr(conf, field))
    names = ", ".join(BREAK_LABELS.get(b, b) for b in trade.breaks)
    trade.breaks, trade.status = [], TradeStatus.confirmed.value
    trade.confirmed_by_id, trade.confirmed_at, trade.updated_at = ctx.actor.id, ctx.now, ctx.now
    add_event(ctx, trade, "accepted", before["status"], names or None)
    record(ctx, "trade.broker_values_accepted", trade, before=before,
           after={"status": trade.status, **trade.economics(), "confirmation": conf.confirm_id})
    _tell(ctx, trade, "accepted", None, channel=True)
    return trade


def pending(ctx, limit: int = 40) -> tuple[list[Trade], int]:  # type: ignore[no-untyped-def]
    """Trades not yet confirmed, oldest first, and how many in all (back office)."""
    ctx.actor.require(Role.backoffice)
    session = ctx.session
    stmt = select(Trade).where(Trade.status.in_(OPEN_STATUSES)).order_by(Trade.trade_date, Trade.ref)
    found = list(session.scalars(stmt).unique())
    return found[:limit], len(found)


def breaks(ctx) -> tuple[list[Trade], list[Confirmation]]:  # type: ignore[no-untyped-def]
    """Mismatched and disputed trades, and alleged confirmations (no trade booked for them); back office."""
    ctx.actor.require(Role.backoffice)
    session = ctx.session
    trades = list(session.scalars(select(Trade).where(Trade.status.in_((TradeStatus.mismatched.value,
                                                                         TradeStatus.disputed.value)))
                                  .order_by(Trade.trade_date, Trade.ref)).unique())
    taken = select(Trade.confirmation_id).where(Trade.confirmation_id.is_not(None))
    alleged = list(session.scalars(select(Confirmation).where(Confirmation.status == ConfirmationStatus.active.value,
                                                              Confirmation.id.not_in(taken))
                                   .order_by(Confirmation.trade_date, Confirmation.confirm_id)))
    return trades, alleged


def history(session, trade: Trade) -> list[TradeEvent]:  # type: ignore[no-untyped-def]
    return list(session.scalars(select(TradeEvent).where(TradeEvent.trade_id == trade.id)
                                .order_by(TradeEvent.at, TradeEvent.id)).unique())
