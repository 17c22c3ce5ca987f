"""P&L by average cost per account and instrument, and unsettled exposure per broker.

Every trade booked up to the report date counts, except cancelled ones. Fees are part of the
cost of a purchase and reduce the proceeds of a sale. Short positions follow the same rule
mirrored. Unrealized P&L marks the open position at the latest known price of the instrument:
the price of its last trade (any account) on or before the report date, as booked by the desk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from models.core.context import Ctx
from models.core.people import Role
from models.trades.tables import Trade, TradeStatus

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def price_text(value: Decimal) -> str:
    """A price with at least two decimals and no trailing zeros beyond (the same on every database)."""
    value = value.normalize()
    exponent = value.as_tuple().exponent
    return format(value.quantize(CENT) if isinstance(exponent, int) and exponent > -2 else value, "f")


@dataclass
class Position:
    """One account's position in one instrument, walked trade by trade."""

    account: str
    isin: str
    ticker: str
    quantity: int = 0  # signed: negative is short
    basis: Decimal = Decimal(0)  # signed cost of the open quantity (negative: proceeds of a short)
    realized: Decimal = Decimal(0)
    mark: Decimal | None = None

    def apply(self, side: str, quantity: int, net: Decimal) -> None:
        step = quantity if side == "BUY" else -quantity
        per_share = net / quantity if quantity else Decimal(0)
        if self.quantity == 0 or (self.quantity > 0) == (step > 0):
            self.quantity += step
            self.basis += per_share * step
            return
        closing = min(abs(step), abs(self.quantity))
        average = self.basis / self.quantity  # per share, positive both for longs and shorts
        if self.quantity > 0:  # a sale closes a long
            self.realized += (per_share - average) * closing
        else:  # a purchase covers a short
            self.realized += (average - per_share) * closing
        sign = 1 if self.quantity > 0 else -1
        self.basis -= average * closing * sign
        self.quantity -= closing * sign
        if self.quantity == 0:
            self.basis = Decimal(0)  # no rounding dust left on a closed position
        rest = abs(step) - closing
        if rest:
            direction = 1 if step > 0 else -1
            self.quantity = rest * direction
            self.basis = per_share * rest * direction

    @property
    def average_cost(self) -> Decimal | None:
        return self.basis / self.quantity if self.quantity else None

    @property
    def unrealized(self) -> Decimal:
        if not self.quantity or self.mark is None:
            return Decimal(0)
        return self.mark * self.quantity - self.basis


@dataclass
class Exposure:
    broker: str
    trades: int = 0
    to_pay: Decimal = Decimal(0)  # purchases not yet settled
    to_receive: Decimal = Decimal(0)  # sales not yet settled

    @property
    def net(self) -> Decimal:
        return self.to_receive - self.to_pay

    @property
    def gross(self) -> Decimal:
        return self.to_pay + self.to_receive


@dataclass
class Report:
    day: dt.date
    positions: list[Position] = field(default_factory=list)
    exposures: list[Exposure] = field(default_factory=list)
    trades: int = 0

    @property
    def realized(self) -> Decimal:
        return cents(sum((p.realized for p in self.positions), Decimal(0)))

    @property
    def unrealized(self) -> Decimal:
        return cents(sum((p.unrealized for p in self.positions), Decimal(0)))


def build_report(ctx: Ctx, day: dt.date) -> Report:
    """The report as of the end of ``day`` (back office only)."""
    ctx.person.require(Role.backoffice, Role.manager)
    rows = ctx.session.execute(
        select(Trade.account, Trade.isin, Trade.ticker, Trade.side, Trade.quantity, Trade.price, Trade.net_amount,
               Trade.broker, Trade.trade_date, Trade.settlement_date)
        .where(Trade.trade_date <= day, Trade.status != TradeStatus.cancelled.value)
        .order_by(Trade.trade_date, Trade.ref)).all()
    report = Report(day=day, trades=len(rows))
    positions: dict[tuple[str, str], Position] = {}
    marks: dict[str, Decimal] = {}
    exposures: dict[str, Exposure] = {}
    for r in rows:
        pos = positions.setdefault((r.account, r.isin), Position(r.account, r.isin, r.ticker))
        pos.apply(r.side, r.quantity, r.net_amount)
        marks[r.isin] = r.price  # rows are in trade order: the last one wins
        if r.settlement_date > day:
            exp = exposures.setdefault(r.broker, Exposure(r.broker))
            exp.trades += 1
            if r.side == "BUY":
                exp.to_pay += r.net_amount
            else:
                exp.to_receive += r.net_amount
    for pos in positions.values():
        pos.mark = marks.get(pos.isin)
    report.positions = sorted(positions.values(), key=lambda p: (p.account, p.ticker))
    report.exposures = sorted(exposures.values(), key=lambda e: (-e.gross, e.broker))
    return report
