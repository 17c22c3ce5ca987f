"""Matching trades with broker confirmations, vectorised with pandas.

Pass 1 pairs on instrument, side, quantity, account, broker and trade date. What stays unpaired
is paired again without quantity, so a short fill shows as a quantity break rather than as a
missing trade plus an alleged confirmation. Price and net amount are compared within the
configured tolerances; amounts travel as integer millionths so that no float decides a break.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from sqlalchemy import select, update

from models.audit import record
from models.trades import (OPEN_STATUSES, Confirmation, ConfirmationStatus, Trade, TradeStatus, add_event)

KEYS = ["isin", "side", "quantity", "account", "broker", "trade_date"]
UNIT = 1_000_000  # amounts as integer millionths (Money's scale)
COLUMNS = ["id", *KEYS, "price_u", "net_u", "settlement_date"]


def units(values) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Decimals (or decimal text) to integer millionths."""
    return np.fromiter((int(Decimal(v) * UNIT) for v in values), dtype=np.int64, count=len(values))


def _joint_key(t: pd.DataFrame, c: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """One int64 code per row for the tuple of ``keys``, the same code on both sides."""
    n = len(t)
    code = None
    for k in keys:
        col, _ = pd.factorize(pd.concat([t[k], c[k]], ignore_index=True), sort=False)
        if code is None:
            code = col.astype(np.int64)
        else:
            code, _ = pd.factorize(code * (int(col.max()) + 1) + col, sort=False)
            code = code.astype(np.int64)
    assert code is not None
    return code[:n], code[n:]


def _pair_unique(t_key: np.ndarray, c_key: np.ndarray, t_order: np.ndarray, c_order: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Positions of (trade, confirmation) pairs sharing a key, one-to-one.

    Rows with the same key are numbered in ``order`` on each side (the n-th trade pairs with the
    n-th confirmation), which makes the key unique, so a hash lookup replaces a merge.
    """
    t_occ = pd.Series(t_key[t_order]).groupby(t_key[t_order]).cumcount().to_numpy()
    c_occ = pd.Series(c_key[c_order]).groupby(c_key[c_order]).cumcount().to_numpy()
    width = int(max(t_occ.max(initial=0), c_occ.max(initial=0))) + 1
    t_full = np.empty(len(t_key), dtype=np.int64)
    c_full = np.empty(len(c_key), dtype=np.int64)
    t_full[t_order] = t_key[t_order] * width + t_occ
    c_full[c_order] = c_key[c_order] * width + c_occ
    found = pd.Index(c_full).get_indexer(t_full)
    t_pos = np.flatnonzero(found >= 0)
    return t_pos, found[t_pos]


@dataclass
class Pairing:
    """The outcome: pairs with their breaks, trades without confirmation, alleged confirmations."""

    pairs: pd.DataFrame  # trade_id, conf_id, price, quantity, net_amount, settlement_date (bools)
    missing: np.ndarray  # trade ids
    alleged: np.ndarray  # confirmation ids
    extra: dict = field(default_factory=dict)


def pair(trades: pd.DataFrame, confs: pd.DataFrame, price_tolerance_pct: Decimal, net_tolerance: Decimal) -> Pairing:
    """Pair ``trades`` with ``confs`` (both with :data:`COLUMNS`) and name each pair's breaks."""
    n_t, n_c = len(trades), len(confs)
    t_pos_all: list[np.ndarray] = []
    c_pos_all: list[np.ndarray] = []
    t_left = np.arange(n_t)
    c_left = np.arange(n_c)
    for keys in (KEYS, [k for k in KEYS if k != "quantity"]):
        if len(t_left) == 0 or len(c_left) == 0:
            break
        t_sub, c_sub = trades.iloc[t_left], confs.iloc[c_left]
        t_key, c_key = _joint_key(t_sub, c_sub, keys)
        # Within one key, the closest quantities and prices pair first.
        t_order = np.lexsort((t_sub["price_u"].to_numpy(), t_sub["quantity"].to_numpy(), t_key))
        c_order = np.lexsort((c_sub["price_u"].to_numpy(), c_sub["quantity"].to_numpy(), c_key))
        tp, cp = _pair_unique(t_key, c_key, t_order, c_order)
        t_pos_all.append(t_left[tp])
        c_pos_all.append(c_left[cp])
        t_left = np.setdiff1d(t_left, t_left[tp], assume_unique=True)
        c_left = np.setdiff1d(c_left, c_left[cp], assume_unique=True)
    t_pos = np.concatenate(t_pos_all) if t_pos_all else np.array([], dtype=np.int64)
    c_pos = np.concatenate(c_pos_all) if c_pos_all else np.array([], dtype=np.int64)

    tp_u = trades["price_u"].to_numpy()[t_pos]
    cp_u = confs["price_u"].to_numpy()[c_pos]
    # |Δprice| <= price × pct / 100, in whole millionths (the tiny epsilon absorbs float noise).
    allowed = np.floor(tp_u.astype(np.float64) * float(price_tolerance_pct) / 100 + 1e-6).astype(np.int64)
    net_allowed = int(Decimal(net_tolerance) * UNIT)
    pairs = pd.DataFrame({
        "trade_id": trades["id"].to_numpy()[t_pos],
        "conf_id": confs["id"].to_numpy()[c_pos],
        "price": np.abs(cp_u - tp_u) > allowed,
        "quantity": confs["quantity"].to_numpy()[c_pos] != trades["quantity"].to_numpy()[t_pos],
        "net_amount": np.abs(confs["net_u"].to_numpy()[c_pos] - trades["net_u"].to_numpy()[t_pos]) > net_allowed,
        "settlement_date": confs["settlement_date"].to_numpy()[c_pos] != trades["settlement_date"].to_numpy()[t_pos],
    })
    return Pairing(pairs, trades["id"].to_numpy()[t_left], confs["id"].to_numpy()[c_left])


BREAK_COLUMNS = ["price", "quantity", "net_amount", "settlement_date"]


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


def rematch(ctx) -> MatchOutcome:  # type: ignore[no-untyped-def]
    """Match every open trade against every confirmation not yet taken by a final trade.

    Only trades whose pairing or breaks change are written (with their history and audit), so
    the same file twice changes nothing and a disputed trade stays disputed until the broker's
    values move.
    """
    s = ctx.session
    cols = ["id", "isin", "side", "quantity", "account", "broker", "trade_date", "price", "net_amount",
            "settlement_date"]
    t_rows = s.execute(select(*(getattr(Trade, c) for c in cols), Trade.status, Trade.confirmation_id, Trade.breaks)
                       .where(Trade.status.in_(OPEN_STATUSES))).all()
    taken = select(Trade.confirmation_id).where(Trade.status.not_in(OPEN_STATUSES), Trade.confirmation_id.is_not(None))
    c_rows = s.execute(select(*(getattr(Confirmation, c) for c in cols), Confirmation.confirm_id)
                       .where(Confirmation.status == ConfirmationStatus.active.value, Confirmation.id.not_in(taken))).all()
    trades = _frame([r[:10] for r in t_rows], cols)
    confs = _frame([r[:10] for r in c_rows], cols)
    result = pair(trades, confs, ctx.config.trades_price_tolerance_pct, ctx.config.trades_net_tolerance)

    wanted: dict[int, tuple[int | None, list[str]]] = {int(t): (None, []) for t in result.missing}
    for row in result.pairs.itertuples(index=False):
        wanted[int(row.trade_id)] = (int(row.conf_id), [b for b in BREAK_COLUMNS if getattr(row, b)])
    current = {r[0]: (r[10], r[11], list(r[12] or [])) for r in t_rows}
    changed = [tid for tid, (cid, brk) in wanted.items() if (current[tid][1], current[tid][2]) != (cid, brk)
               or (current[tid][0] != TradeStatus.disputed.value and current[tid][0] != _status(cid, brk))]
    out = MatchOutcome(changed=len(changed))
    if changed:
        # Free the confirmations first: a confirmation may move from one trade to another.
        s.execute(update(Trade).where(Trade.id.in_(changed)).values(confirmation_id=None))
        s.flush()
        for trade in s.scalars(select(Trade).where(Trade.id.in_(changed)).with_for_update(of=Trade)).unique():
            cid, brk = wanted[trade.id]
            before = {"status": trade.status, "confirmation_id": current[trade.id][1], "breaks": current[trade.id][2]}
            trade.confirmation_id, trade.breaks = cid, brk
            trade.status = _status(cid, brk)
            trade.updated_at = ctx.now
            if trade.status != before["status"] or brk != before["breaks"]:
                add_event(ctx, trade, "matched", before["status"], ", ".join(brk) or None)
            record(ctx, "trade.matched", trade, before=before,
                   after={"status": trade.status, "confirmation_id": cid, "breaks": brk})
    statuses = [TradeStatus.disputed.value if current[t][0] == TradeStatus.disputed.value and t not in changed
                else _status(*wanted[t]) for t in wanted]
    out.matched = statuses.count(TradeStatus.matched.value)
    out.breaks = statuses.count(TradeStatus.mismatched.value)
    out.missing = statuses.count(TradeStatus.unmatched.value)
    out.disputed = statuses.count(TradeStatus.disputed.value)
    ids = {int(i) for i in result.alleged}
    out.alleged = sorted(r[10] for r in c_rows if r[0] in ids)
    return out


def _status(conf_id: int | None, breaks: list[str]) -> str:
    if conf_id is None:
        return TradeStatus.unmatched.value
    return TradeStatus.mismatched.value if breaks else TradeStatus.matched.value
