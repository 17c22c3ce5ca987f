"""Plain dicts for the trade templates (no ORM object leaves the unit of work)."""

from __future__ import annotations

from models.trades.report import Report, cents
from models.trades.tables import Confirmation, Trade, TradeEvent


def trade_row(t: Trade, broker_side: bool = True) -> dict:
    """A trade for the templates; ``broker_side`` adds the broker's terms and the partial fills (a query)."""
    terms = t.broker_terms() if broker_side else None
    return {
        "ref": t.ref, "ticker": t.ticker, "isin": t.isin, "side": t.side, "quantity": t.quantity,
        "price": str(t.price), "fees": str(t.fees), "net_amount": str(t.net_amount), "currency": t.currency,
        "account": t.account, "broker": t.broker, "trade_date": t.trade_date.isoformat(),
        "settlement_date": t.settlement_date.isoformat(), "status": t.status, "breaks": list(t.breaks or []),
        "booked_by": t.booked_by.name if t.booked_by else None, "late": t.late_at is not None,
        "dispute_reason": t.dispute_reason,
        "confirmed_by": t.confirmed_by.name if t.confirmed_by else None,
        "confirmed_at": t.confirmed_at.isoformat() if t.confirmed_at else None,
        "confirmation": conf_row(t.confirmation) if t.confirmation is not None else None,
        "broker_side": None if terms is None else {
            "quantity": terms["quantity"], "price": str(terms["price"]), "fees": str(terms["fees"]),
            "net_amount": str(terms["net_amount"]), "settlement_date": terms["settlement_date"].isoformat()},
        "fills": [conf_row(c) for c in t.fills] if broker_side else [],
    }


def conf_row(c: Confirmation) -> dict:
    return {
        "confirm_id": c.confirm_id, "broker_ref": c.broker_ref, "ticker": c.ticker, "side": c.side,
        "quantity": c.quantity, "price": str(c.price), "fees": str(c.fees), "net_amount": str(c.net_amount),
        "currency": c.currency, "account": c.account, "broker": c.broker, "trade_date": c.trade_date.isoformat(),
        "settlement_date": c.settlement_date.isoformat(), "trans_type": c.trans_type, "status": c.status,
        "received_at": c.received_at.isoformat(),
    }


def event_row(e: TradeEvent) -> dict:
    """One step of the history; the note is split into what the template words (break names, a reason)."""
    row: dict = {"at": e.at.isoformat(), "action": e.action, "by": e.actor.name if e.actor else None,
           "from": e.from_status, "to": e.to_status, "note": None, "breaks": [], "why": None, "confirm_id": None}
    if e.action == "matched" and e.note:
        row["breaks"] = e.note.split(", ")
    elif e.action == "reopened" and e.note:
        row["why"], _, row["confirm_id"] = e.note.partition(":")
    elif e.action in ("disputed",):
        row["note"] = e.note
    return row


def report_data(r: Report) -> dict:
    return {
        "day": r.day.isoformat(), "trades": r.trades,
        "realized": str(r.realized), "unrealized": str(r.unrealized),
        "positions": [{"account": p.account, "ticker": p.ticker, "quantity": p.quantity,
                       "average_cost": None if p.average_cost is None else str(cents(p.average_cost)),
                       "mark": None if p.mark is None else str(p.mark),
                       "realized": str(cents(p.realized)), "unrealized": str(cents(p.unrealized))}
                      for p in r.positions],
        "exposures": [{"broker": e.broker, "trades": e.trades, "to_pay": str(cents(e.to_pay)),
                       "to_receive": str(cents(e.to_receive)), "net": str(cents(e.net)), "gross": str(cents(e.gross))}
                      for e in r.exposures],
    }
