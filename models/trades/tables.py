"""Trades booked by the front office, broker confirmations, the match between them and its history."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import BigInteger, ColumnElement, ForeignKey, Index, String, Text, and_, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.core.base import Base
from models.core.context import Ctx
from models.core.errors import N_, NotFound, Terms
from models.core.people import Person


class TradeStatus(str, enum.Enum):
    unmatched = "unmatched"  # no confirmation yet
    matched = "matched"  # a confirmation agrees within tolerance: ready to confirm
    mismatched = "mismatched"  # a confirmation was found but breaks (price, quantity, ...)
    confirmed = "confirmed"  # a second person confirmed it: final
    disputed = "disputed"  # the desk disputes the broker's values
    cancelled = "cancelled"  # the front office cancelled it: final


OPEN_STATUSES = (TradeStatus.unmatched.value, TradeStatus.matched.value, TradeStatus.mismatched.value,
                 TradeStatus.disputed.value)
FINAL_STATUSES = (TradeStatus.confirmed.value, TradeStatus.cancelled.value)


class Side(str, enum.Enum):
    buy = "BUY"
    sell = "SELL"


class ConfirmationStatus(str, enum.Enum):
    active = "active"
    cancelled = "cancelled"


PRICE_STEP = Decimal("0.000001")  # Money's scale

# The names of breaks, as stored; shown through BREAK_LABELS.
BREAKS = ("price", "quantity", "net_amount", "settlement_date")
BREAK_LABELS = {
    "price": N_("price"),
    "quantity": N_("quantity"),
    "net_amount": N_("net amount"),
    "settlement_date": N_("settlement date"),
}


# What a status is called where a reply names it (the same words as the cards).
STATUS_LABELS = {
    "unmatched": N_("no confirmation"),
    "matched": N_("matched"),
    "mismatched": N_("mismatched"),
    "confirmed": N_("confirmed"),
    "disputed": N_("disputed"),
    "cancelled": N_("cancelled"),
}


def break_names(breaks: list[str]) -> Terms:
    """Break names as a reply shows them, translated (``preço, valor líquido``)."""
    return Terms(BREAK_LABELS.get(b, b) for b in breaks)


def status_name(status: str) -> Terms:
    return Terms([STATUS_LABELS.get(status, status)])


class EconomicTerms:
    """What the front office books and the broker confirms: the fields matching compares."""

    trade_date: Mapped[dt.date]
    settlement_date: Mapped[dt.date]
    account: Mapped[str] = mapped_column(String(60))
    side: Mapped[str] = mapped_column(String(4))
    isin: Mapped[str] = mapped_column(String(12))
    ticker: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(BigInteger)
    price: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    fees: Mapped[Decimal]
    net_amount: Mapped[Decimal]
    broker: Mapped[str] = mapped_column(String(40), index=True)


class Trade(EconomicTerms, Base):
    """A trade as the front office booked it."""

    __tablename__ = "trades"
    __table_args__ = (Index("ix_trades_status_trade_date", "status", "trade_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default=TradeStatus.unmatched.value)
    confirmation_id: Mapped[int | None] = mapped_column(ForeignKey("trade_confirmations.id", ondelete="SET NULL"),
                                                        unique=True)
    breaks: Mapped[list] = mapped_column(default=list)
    dispute_reason: Mapped[str | None] = mapped_column(Text)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    confirmed_at: Mapped[dt.datetime | None]
    late_at: Mapped[dt.datetime | None]  # flagged after the cut-off unconfirmed
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]

    booked_by: Mapped[Person | None] = relationship(foreign_keys=[booked_by_id], lazy="joined")
    imported_by: Mapped[Person | None] = relationship(foreign_keys=[imported_by_id])
    confirmed_by: Mapped[Person | None] = relationship(foreign_keys=[confirmed_by_id], lazy="joined")
    confirmation: Mapped[Confirmation | None] = relationship(foreign_keys=[confirmation_id], lazy="joined")
    # Partial fills (two or more), read only where a card shows them.
    fills: Mapped[list[Confirmation]] = relationship(foreign_keys="Confirmation.fill_of_id", viewonly=True,
                                                       order_by="Confirmation.confirm_id")

    @property
    def gross_amount(self) -> Decimal:
        return self.quantity * self.price

    def broker_terms(self) -> dict | None:
        """The broker's side: its confirmation's terms, or its partial fills' taken together
        (quantities, fees and net amounts added up, the price averaged by quantity)."""
        parts = list(self.fills) or ([self.confirmation] if self.confirmation is not None else [])
        if not parts:
            return None
        quantity = sum(c.quantity for c in parts)
        gross = sum((c.quantity * c.price for c in parts), Decimal(0))
        price = (gross / quantity).quantize(PRICE_STEP) if quantity else parts[0].price
        return {"quantity": quantity, "price": price, "fees": sum((c.fees for c in parts), Decimal(0)),
                "net_amount": sum((c.net_amount for c in parts), Decimal(0)),
                "settlement_date": max(c.settlement_date for c in parts)}

    def economics(self) -> dict:
        """The fields a confirmation is compared on (for audit records and cards)."""
        return {"quantity": self.quantity, "price": self.price, "net_amount": self.net_amount,
                "fees": self.fees, "settlement_date": self.settlement_date.isoformat()}


class Confirmation(EconomicTerms, Base):
    """A broker's confirmation of a trade (the latest version: REPLACE rewrites it in place)."""

    __tablename__ = "trade_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    confirm_id: Mapped[str] = mapped_column(String(40), unique=True)
    broker_ref: Mapped[str] = mapped_column(String(40))
    trans_type: Mapped[str] = mapped_column(String(8))  # NEW, REPLACE or CANCEL: the last one received
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(10), default=ConfirmationStatus.active.value)
    gross_amount: Mapped[Decimal]
    received_at: Mapped[dt.datetime]
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # A partial fill: this confirmation and others together confirm that trade (matching sets it).
    # use_alter: trades and confirmations point at each other, so this constraint is added last.
    fill_of_id: Mapped[int | None] = mapped_column(ForeignKey("trades.id", ondelete="SET NULL", use_alter=True),
                                                   index=True)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class TradeEvent(Base):
    """One step in a trade's life: who moved it from which status to which, when and why."""

    __tablename__ = "trade_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    trade_id: Mapped[int] = mapped_column(ForeignKey("trades.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[Person | None] = relationship(lazy="joined")


def add_event(ctx: Ctx, trade: Trade, action: str, before: str | None, note: str | None = None) -> TradeEvent:
    """Append to the trade's history (the audit record is written by the caller)."""
    event = TradeEvent(trade_id=trade.id, at=ctx.now, actor_id=ctx.actor.id if ctx.actor else None,
                       action=action, from_status=before, to_status=trade.status, note=note)
    ctx.session.add(event)
    return event


def alleged_condition() -> ColumnElement[bool]:
    """Where a confirmation is *alleged*: active, and neither any trade's confirmation nor a partial fill."""
    taken = select(Trade.confirmation_id).where(Trade.confirmation_id.is_not(None))
    return and_(Confirmation.status == ConfirmationStatus.active.value, Confirmation.id.not_in(taken),
                Confirmation.fill_of_id.is_(None))


def get_trade(session: Session, ref: str, *, lock: bool = False) -> Trade:
    """The trade with reference ``ref`` (case-insensitive), locked for update if asked."""
    ref = ref.strip().upper()
    if not ref:
        raise NotFound(N_("Say which trade: `/trade show T20261123-0001`."))
    stmt = select(Trade).where(Trade.ref == ref)
    if lock:
        stmt = stmt.with_for_update(of=Trade)  # only the trade row, not the joined people
    trade = session.scalars(stmt).unique().one_or_none()
    if trade is None:
        raise NotFound(N_("There is no trade {ref}. `/trade pending` lists the open ones."), ref=ref)
    return trade
