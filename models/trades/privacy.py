"""Trades' share of the data-subject rights: trades a person booked, imported or confirmed, and
the steps they took. Trades stay whole after an erasure (the desk's figures must add up);
only the person's identity and the reasons they wrote go."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from models.core.errors import N_
from models.core.privacy import PrivacyPart, Scrubber, iso, plain
from models.trades.tables import Confirmation, Trade, TradeEvent

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from models.core.context import Ctx
    from models.core.people import Person

TERMS = ("ref", "trade_date", "settlement_date", "account", "side", "isin", "ticker", "quantity", "price",
         "currency", "fees", "net_amount", "broker", "status")


def export(session: Session, person: Person) -> dict[str, Any]:
    pid = person.id
    trades = session.scalars(select(Trade).where(or_(
        Trade.booked_by_id == pid, Trade.imported_by_id == pid, Trade.confirmed_by_id == pid)).order_by(Trade.id)).unique()
    out = []
    for t in trades:
        item = {c: plain(getattr(t, c)) for c in TERMS}
        item["their_part"] = [role for role, who in (("booked", t.booked_by_id), ("imported", t.imported_by_id),
                                                     ("confirmed", t.confirmed_by_id)) if who == pid]
        item["confirmed_at"] = iso(t.confirmed_at) if t.confirmed_by_id == pid else None
        out.append(item)
    events = session.execute(select(TradeEvent, Trade.ref).join(Trade, TradeEvent.trade_id == Trade.id)
                             .where(TradeEvent.actor_id == pid).order_by(TradeEvent.id)).all()
    confirmations = session.scalars(select(Confirmation).where(Confirmation.imported_by_id == pid)
                                    .order_by(Confirmation.id))
    return {
        "trades": out,
        "trade_events": [{"trade": ref, "at": iso(e.at), "action": e.action, "from": e.from_status,
                          "to": e.to_status, "note": e.note} for e, ref in events],
        "trade_confirmations_imported": [{"confirm_id": c.confirm_id, "broker_ref": c.broker_ref,
                                          "received_at": iso(c.received_at)} for c in confirmations],
    }


def erase(ctx: Ctx, person: Person, scrub: Scrubber) -> dict[str, int]:
    """Notes and dispute reasons they wrote go; every trade, status and amount stays."""
    notes = reasons = 0
    mine = list(ctx.session.scalars(select(TradeEvent).where(TradeEvent.actor_id == person.id,
                                                             TradeEvent.note.is_not(None))).unique())
    written = {e.note for e in mine if e.action == "disputed"}
    for e in mine:
        if e.action == "disputed":  # free text they typed; other notes are the bot's own words
            scrub.forget(e.note)
            e.note, notes = None, notes + 1
    if written:
        for t in ctx.session.scalars(select(Trade).where(Trade.dispute_reason.in_(written))).unique():
            t.dispute_reason, reasons = None, reasons + 1
    for e in ctx.session.scalars(select(TradeEvent).where(TradeEvent.note.is_not(None))).unique():
        cleaned = scrub.text(e.note)
        if cleaned != e.note:
            e.note = cleaned
    return {"notes": notes, "dispute_reasons": reasons}


def subjects(session: Session, person: Person) -> dict[str, list[int]]:
    """The trades they booked, imported or confirmed."""
    pid = person.id
    return {"trades": list(session.scalars(select(Trade.id).where(or_(
        Trade.booked_by_id == pid, Trade.imported_by_id == pid, Trade.confirmed_by_id == pid))))}


PART = PrivacyPart("trades", export=export, erase=erase, subjects=subjects, labels={
    "trades": N_("Trades booked, imported or confirmed"), "trade_events": N_("Steps taken on trades"),
    "trade_confirmations_imported": N_("Broker confirmations imported")})
