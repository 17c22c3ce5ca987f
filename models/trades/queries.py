"""What the desk reads: trades waiting, breaks (filtered, a page at a time), a trade's history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from models.core.context import Ctx
from models.core.people import Role
from models.trades.tables import OPEN_STATUSES, Confirmation, Trade, TradeEvent, TradeStatus, alleged_condition

BREAK_STATUSES = (TradeStatus.mismatched.value, TradeStatus.disputed.value)


@dataclass(frozen=True)
class BreakFilter:
    """``/trade breaks <word>``: a broker, account, ticker or ISIN (exact, any case), or a trade date."""

    word: str = ""
    day: dt.date | None = None

    def conditions(self, table: type[Trade] | type[Confirmation]) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        if self.word:
            word = self.word.strip().upper()
            out.append(or_(table.broker == word, table.account == word, table.ticker == word, table.isin == word))
        if self.day is not None:
            out.append(table.trade_date == self.day)
        return out


@dataclass
class BreakPage:
    """One page of breaks and of alleged confirmations, with how many there are in all."""

    trades: list[Trade]
    total: int
    alleged: list[Confirmation]
    alleged_total: int
    page: int = 0
    pages: int = 1
    per_page: int = 0
    filter: BreakFilter = field(default_factory=BreakFilter)


def pending(ctx: Ctx, limit: int = 40, offset: int = 0) -> tuple[list[Trade], int]:
    """Trades not yet confirmed, oldest first (``limit`` of them from ``offset``), and how many in all (back office)."""
    ctx.person.require(Role.backoffice)
    where = Trade.status.in_(OPEN_STATUSES)
    total = ctx.session.scalar(select(func.count()).select_from(Trade).where(where)) or 0
    # Past the end (a stale or forged page number) is an empty page, not an integer too big for SQL.
    stmt = select(Trade).where(where).order_by(Trade.trade_date, Trade.ref).offset(min(max(offset, 0), total)).limit(limit)
    return list(ctx.session.scalars(stmt).unique()), total


def break_page(ctx: Ctx, where: BreakFilter | None = None, page: int = 0,
               per_page: int | None = None, alleged_per_page: int | None = None) -> BreakPage:
    """Mismatched and disputed trades, and alleged confirmations (no trade booked for them), oldest
    first; page ``page`` (from 0) of ``per_page`` (all of them when ``None``). Back office only."""
    ctx.person.require(Role.backoffice)
    where = where or BreakFilter()
    s = ctx.session
    t_where = [Trade.status.in_(BREAK_STATUSES), *where.conditions(Trade)]
    c_where = [alleged_condition(), *where.conditions(Confirmation)]
    total = s.scalar(select(func.count()).select_from(Trade).where(*t_where)) or 0
    alleged_total = s.scalar(select(func.count()).select_from(Confirmation).where(*c_where)) or 0
    pages = 1
    if per_page:
        per_alleged = alleged_per_page or per_page
        pages = max(1, -(-total // per_page), -(-alleged_total // per_alleged))
        page = min(max(page, 0), pages - 1)
    t_stmt = select(Trade).where(*t_where).order_by(Trade.trade_date, Trade.ref)
    c_stmt = select(Confirmation).where(*c_where).order_by(Confirmation.trade_date, Confirmation.confirm_id)
    if per_page:
        t_stmt = t_stmt.offset(page * per_page).limit(per_page)
        c_stmt = c_stmt.offset(page * per_alleged).limit(per_alleged)
    return BreakPage(list(s.scalars(t_stmt).unique()), total, list(s.scalars(c_stmt)), alleged_total,
                     page=page if per_page else 0, pages=pages, per_page=per_page or 0, filter=where)


def breaks(ctx: Ctx) -> tuple[list[Trade], list[Confirmation]]:
    """Every break and every alleged confirmation (back office)."""
    found = break_page(ctx)
    return found.trades, found.alleged


def history(session: Session, trade: Trade) -> list[TradeEvent]:
    return list(session.scalars(select(TradeEvent).where(TradeEvent.trade_id == trade.id)
                                .order_by(TradeEvent.at, TradeEvent.id)).unique())
