"""Matching the open book again after every import: pair (see :mod:`models.trades.pairing`), then
write only the trades whose pairing, fills or breaks changed, with their history and audit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, or_, select, update

from models.core.audit import record
from models.core.chunks import in_chunks
from models.core.context import Ctx
from models.trades.pairing import BREAK_COLUMNS, COLUMNS, KEYS, UNIT, Pairing, pair  # noqa: F401 - the API
from models.trades.tables import (
    OPEN_STATUSES,
    Confirmation,
    ConfirmationStatus,
    Trade,
    TradeStatus,
    add_event,
)


def units(values: Sequence[Decimal | str | int]) -> np.ndarray:
    """Decimals (or decimal text) to integer millionths."""
    return np.fromiter((int(Decimal(v) * UNIT) for v in values), dtype=np.int64, count=len(values))


def _frame(rows: list, cols: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=cols)
    df["quantity"] = df["quantity"].astype(np.int64)
    df["price_u"] = units(df.pop("price").tolist())
    df["net_u"] = units(df.pop("net_amount").tolist())
    return df


@dataclass
class MatchOutcome:
    """What the book looks like after matching, and what changed."""

    changed: int = 0
    matched: int = 0
    breaks: int = 0
    missing: int = 0
    disputed: int = 0
    alleged: list[str] = field(default_factory=list)

    def as_extra(self) -> dict:
        return {"matched": self.matched, "breaks": self.breaks, "missing": self.missing,
                "alleged": len(self.alleged), "disputed": self.disputed}


def rematch(ctx: Ctx) -> MatchOutcome:
    """Match every open trade against every confirmation not yet taken by a final trade.

    Only trades whose pairing, fills or breaks change are written (with their history and audit),
    so the same file twice changes nothing and a disputed trade stays disputed until the broker's
    values move.
    """
    s = ctx.session
    cols = ["id", "ref", "isin", "side", "quantity", "account", "broker", "trade_date", "price", "net_amount",
            "settlement_date"]
    conf_cols = ["id", "confirm_id", *cols[2:]]
    t_rows = s.execute(select(*(getattr(Trade, c) for c in cols), Trade.status, Trade.confirmation_id, Trade.breaks)
                       .where(Trade.status.in_(OPEN_STATUSES))).all()
    final = select(Trade.id).where(Trade.status.not_in(OPEN_STATUSES))
    taken = select(Trade.confirmation_id).where(Trade.status.not_in(OPEN_STATUSES), Trade.confirmation_id.is_not(None))
    c_rows = s.execute(select(*(getattr(Confirmation, c) for c in conf_cols), Confirmation.fill_of_id)
                       .where(Confirmation.status == ConfirmationStatus.active.value, Confirmation.id.not_in(taken),
                              or_(Confirmation.fill_of_id.is_(None), Confirmation.fill_of_id.not_in(final)))).all()
    n = len(cols)
    trades = _frame([r[:n] for r in t_rows], cols)
    confs = _frame([r[:n] for r in c_rows], cols)
    result = pair(trades, confs, ctx.config.trades_price_tolerance_pct, ctx.config.trades_net_tolerance)

    fills_now: dict[int, tuple[int, ...]] = {}
    for r in c_rows:
        if r[n] is not None:
            fills_now[r[n]] = tuple(sorted((*fills_now.get(r[n], ()), r[0])))
    fills_wanted: dict[int, tuple[int, ...]] = {}
    for tid, cid in zip(result.fills["trade_id"].tolist(), result.fills["conf_id"].tolist(), strict=True):
        fills_wanted[int(tid)] = tuple(sorted((*fills_wanted.get(int(tid), ()), int(cid))))
    wanted: dict[int, tuple[int | None, list[str]]] = {int(t): (None, []) for t in result.missing}
    for row in result.pairs.itertuples(index=False):
        wanted[int(row.trade_id)] = (int(row.conf_id), [b for b in BREAK_COLUMNS if getattr(row, b)])
    current = {r[0]: (r[n], r[n + 1], list(r[n + 2] or [])) for r in t_rows}
    changed = [tid for tid, (cid, brk) in wanted.items()
               if (current[tid][1], current[tid][2], fills_now.get(tid, ())) != (cid, brk, fills_wanted.get(tid, ()))
               or (current[tid][0] != TradeStatus.disputed.value and current[tid][0] != _status(cid, brk))]
    out = MatchOutcome(changed=len(changed))
    if changed:
        _write(ctx, changed, wanted, current, fills_now, fills_wanted)
    statuses = [TradeStatus.disputed.value if current[t][0] == TradeStatus.disputed.value and t not in changed
                else _status(*wanted[t]) for t in wanted]
    out.matched = statuses.count(TradeStatus.matched.value)
    out.breaks = statuses.count(TradeStatus.mismatched.value)
    out.missing = statuses.count(TradeStatus.unmatched.value)
    out.disputed = statuses.count(TradeStatus.disputed.value)
    ids = {int(i) for i in result.alleged}
    out.alleged = sorted(r[1] for r in c_rows if r[0] in ids)
    return out


def _write(ctx: Ctx, changed: list[int], wanted: dict, current: dict, fills_now: dict,
           fills_wanted: dict) -> None:
    """Move confirmations and fills to the trades that now hold them, with each trade's history and audit."""
    s = ctx.session
    parts = in_chunks(changed)
    # Free the confirmations and fills first: one may move from one trade to another.
    for part in parts:
        s.execute(update(Trade).where(Trade.id.in_(part)).values(confirmation_id=None))
        s.execute(update(Confirmation).where(Confirmation.fill_of_id.in_(part)).values(fill_of_id=None))
    s.flush()
    moves = [{"cid": cid, "tid": tid} for tid in changed for cid in fills_wanted.get(tid, ())]
    if moves:
        table = Confirmation.__table__
        s.connection().execute(update(table).where(table.c.id == bindparam("cid"))
                               .values(fill_of_id=bindparam("tid")), moves)
        for obj in list(s.identity_map.values()):  # the bulk update bypassed the ORM: reload what it holds
            if isinstance(obj, Confirmation):
                s.expire(obj, ["fill_of_id"])
    locked = [t for part in parts
              for t in s.scalars(select(Trade).where(Trade.id.in_(part)).with_for_update(of=Trade)).unique()]
    for trade in locked:
        cid, brk = wanted[trade.id]
        before = {"status": trade.status, "confirmation_id": current[trade.id][1], "breaks": current[trade.id][2],
                  "fills": list(fills_now.get(trade.id, ()))}
        trade.confirmation_id, trade.breaks = cid, brk
        s.expire(trade, ["confirmation"])  # reload it from the new id when next read
        trade.status = _status(cid, brk)
        trade.updated_at = ctx.now
        fills = list(fills_wanted.get(trade.id, ()))
        if trade.status != before["status"] or brk != before["breaks"] or fills != before["fills"]:
            add_event(ctx, trade, "matched", before["status"], ", ".join(brk) or None)
        record(ctx, "trade.matched", trade, before=before,
               after={"status": trade.status, "confirmation_id": cid, "breaks": brk, "fills": fills})


def _status(conf_id: int | None, breaks: list[str]) -> str:
    if conf_id is None:
        return TradeStatus.unmatched.value
    return TradeStatus.mismatched.value if breaks else TradeStatus.matched.value
