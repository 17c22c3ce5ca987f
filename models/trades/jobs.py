"""The cut-off (unconfirmed trades flagged, the desk alerted once) and the managers' digest figures."""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from models.core.audit import record
from models.core.context import Ctx
from models.core.notify import notify
from models.core.people import Person
from models.core.scope import DigestScope
from models.trades.tables import OPEN_STATUSES, Confirmation, Trade, TradeStatus, add_event, alleged_condition

SHOWN = 15


def cutoff_passed_for(now: dt.datetime, cutoff: str, tz: str) -> dt.date:
    """The latest trade date whose cut-off has passed at ``now`` (cut-off ``HH:MM`` in ``tz``)."""
    local = now.astimezone(zoneinfo.ZoneInfo(tz))
    hour, minute = (int(x) for x in cutoff.split(":"))
    if local.time() >= dt.time(hour, minute):
        return local.date()
    return local.date() - dt.timedelta(days=1)


def flag_late(ctx: Ctx) -> list[Trade]:
    """Flag every open trade past its cut-off that was not flagged yet; alert the channel once.

    Run by the scheduler (no actor). Each trade is flagged once (``late_at``), so running again
    for the same moment does nothing, and the alert carries a dedup key for two schedulers.
    """
    last_day = cutoff_passed_for(ctx.now, ctx.config.trades_cutoff, ctx.config.trades_tz)
    trades = list(ctx.session.scalars(
        select(Trade).where(Trade.status.in_(OPEN_STATUSES), Trade.late_at.is_(None), Trade.trade_date <= last_day)
        .order_by(Trade.trade_date, Trade.ref).with_for_update(of=Trade, skip_locked=True)).unique())
    if not trades:
        return []
    for trade in trades:
        trade.late_at = ctx.now
        add_event(ctx, trade, "late", trade.status, ctx.config.trades_cutoff)
        record(ctx, "trade.late", trade, after={"late_at": ctx.now, "status": trade.status})
    refs = [t.ref for t in trades]
    key = hashlib.sha1(",".join(refs).encode()).hexdigest()[:16]
    notify(ctx, "trades/cutoff_alert", {
        "count": len(trades), "cutoff": ctx.config.trades_cutoff, "tz": ctx.config.trades_tz,
        "day": last_day.isoformat(),
        "trades": [{"ref": t.ref, "ticker": t.ticker, "side": t.side, "quantity": t.quantity, "account": t.account,
                    "broker": t.broker, "status": t.status, "trade_date": t.trade_date.isoformat(), "price": str(t.price),
                    "currency": t.currency, "breaks": list(t.breaks or []), "late": True} for t in trades[:SHOWN]],
    }, channel=ctx.config.trades_channel, dedup_key=f"trades.cutoff:{last_day.isoformat()}:{key}")
    return trades


def digest_figures(session: Session) -> dict:
    """What the back-office managers' digest says about the desk (the same for every manager)."""
    counts = dict(session.execute(select(Trade.status, func.count()).where(Trade.status.in_(OPEN_STATUSES))
                                  .group_by(Trade.status)).all())
    late = session.scalar(select(func.count()).select_from(Trade)
                          .where(Trade.status.in_(OPEN_STATUSES), Trade.late_at.is_not(None))) or 0
    alleged = session.scalar(select(func.count()).select_from(Confirmation).where(alleged_condition())) or 0
    worst = session.execute(select(Trade.ref, Trade.ticker, Trade.breaks).where(
        Trade.status == TradeStatus.mismatched.value).order_by(Trade.trade_date, Trade.ref).limit(5)).all()
    return {
        "unconfirmed": sum(counts.values()),
        "matched": counts.get(TradeStatus.matched.value, 0),
        "breaks": counts.get(TradeStatus.mismatched.value, 0),
        "disputed": counts.get(TradeStatus.disputed.value, 0),
        "missing": counts.get(TradeStatus.unmatched.value, 0),
        "late": late,
        "alleged": alleged,
        "top_breaks": [{"ref": r.ref, "ticker": r.ticker, "breaks": list(r.breaks or [])} for r in worst],
    }


def home_figures(session: Session, person: Person) -> dict | None:
    """The desk's figures for a back-office person's App Home, with what they may confirm (four eyes)."""
    if not (person.is_admin or person.has_role("backoffice")):
        return None
    figures = digest_figures(session)
    figures["mine_to_confirm"] = session.scalar(select(func.count()).select_from(Trade).where(
        Trade.status == TradeStatus.matched.value,
        Trade.booked_by_id.is_distinct_from(person.id), Trade.imported_by_id.is_distinct_from(person.id))) or 0
    return figures


def digest_section(session: Session, scope: DigestScope) -> dict[int, dict]:
    """``{person_id: figures}`` for the back-office managers in ``scope`` (one query set for all)."""
    managers = scope.managers
    if managers is None or len(managers) == 0:
        return {}
    figures = digest_figures(session)
    if not figures["unconfirmed"] and not figures["alleged"]:
        return {}
    wanted = managers[managers["roles"].map(lambda roles: bool({"backoffice", "admin"} & set(roles or [])))]
    return {int(pid): figures for pid in wanted["person_id"]}


def unconfirmed_series(session: Session, first_day: dt.date, last_day: dt.date,
                       tz: str = "America/Sao_Paulo") -> dict[dt.date, int]:
    """For each day, the trades booked by then and not confirmed by its end (cancelled ones left out).

    One scan, one row back: a count per day, summed in the database (a million trades are not
    worth carrying into Python for 14 numbers)."""
    zone = zoneinfo.ZoneInfo(tz)
    days = [first_day + dt.timedelta(days=n) for n in range((last_day - first_day).days + 1)]

    def end_of(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone).astimezone(dt.UTC)

    counts = [func.coalesce(func.sum(case((and_(Trade.trade_date <= d, or_(Trade.confirmed_at.is_(None),
                                                                            Trade.confirmed_at >= end_of(d))), 1),
                                          else_=0)), 0) for d in days]
    row = session.execute(select(*counts).where(Trade.status != TradeStatus.cancelled.value,
                                                Trade.trade_date <= last_day)).one()
    return {d: int(n) for d, n in zip(days, row, strict=True)}
