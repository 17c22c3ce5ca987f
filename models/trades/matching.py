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

from models.core.audit import record
from models.trades.tables import (OPEN_STATUSES, Confirmation, ConfirmationStatus, Trade, TradeStatus, add_event,
                           in_chunks)

KEYS = ["isin", "side", "quantity", "account", "broker", "trade_date"]
UNIT = 1_000_000  # amounts as integer millionths (Money's scale)
COLUMNS = ["id", *KEYS, "price_u", "net_u", "settlement_date"]


def units(values) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Decimals (or decimal text) to integer millionths."""
    return np.fromiter((int(Decimal(v) * UNIT) for v in values), dtype=np.int64, count=len(values))


def _key_codes(t: pd.DataFrame, c: pd.DataFrame) -> dict[str, tuple[np.ndarray, int]]:
    """Each key column as integer codes shared by both sides (trades first), and its cardinality."""
    out = {}
    for k in KEYS:
        codes, uniques = pd.factorize(np.concatenate([t[k].to_numpy(), c[k].to_numpy()]), sort=False)
        out[k] = (codes.astype(np.int64), len(uniques))
    return out


def _combine(codes: dict[str, tuple[np.ndarray, int]], keys: list[str], rows: np.ndarray) -> np.ndarray:
    """One dense int64 code per row of ``rows`` for the tuple of ``keys``."""
    combined = np.zeros(len(rows), dtype=np.int64)
    span = 1
    for k in keys:
        col, card = codes[k]
        if span * card >= 2**62:  # keep the arithmetic inside int64
            combined = pd.factorize(combined, sort=False)[0].astype(np.int64)
            span = int(combined.max(initial=0)) + 1
        combined = combined * card + col[rows]
        span *= card
    return pd.factorize(combined, sort=False)[0].astype(np.int64)


def _occurrence(key: np.ndarray, order: np.ndarray) -> np.ndarray:
    """For each row, how many rows with the same key come before it in ``order`` (a vectorised cumcount)."""
    n = len(key)
    sorted_key = key[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = sorted_key[1:] != sorted_key[:-1]
    position = np.arange(n)
    first = np.maximum.accumulate(np.where(starts, position, 0))
    occ = np.empty(n, dtype=np.int64)
    occ[order] = position - first
    return occ


@dataclass
class Pairing:
    """The outcome: pairs with their breaks, trades without confirmation, alleged confirmations."""

    pairs: pd.DataFrame  # trade_id, conf_id, price, quantity, net_amount, settlement_date (bools)
    missing: np.ndarray  # trade ids
    alleged: np.ndarray  # confirmation ids
    extra: dict = field(default_factory=dict)


def pair(trades: pd.DataFrame, confs: pd.DataFrame, price_tolerance_pct: Decimal, net_tolerance: Decimal) -> Pairing:
    """Pair ``trades`` with ``confs`` (both with :data:`COLUMNS`) and name each pair's breaks.

    Rows with the same key are numbered on each side, lowest price first (the n-th
    trade pairs with the n-th confirmation); key and number together are unique, so a hash lookup
    does the join, one-to-one.
    """
    n_t = len(trades)
    codes = _key_codes(trades, confs)
    price = np.concatenate([trades["price_u"].to_numpy(), confs["price_u"].to_numpy()]).astype(np.int64)
    price -= price.min(initial=0)
    width = int(price.max(initial=0)) + 1
    if width * 2 * (len(price) + 1) >= 2**62:  # "key, then price" would not fit one int64: rank the prices
        price = pd.factorize(price, sort=True)[0].astype(np.int64)
        width = int(price.max(initial=0)) + 1
    t_left = np.arange(n_t)
    c_left = np.arange(n_t, n_t + len(confs))
    t_found: list[np.ndarray] = []
    c_found: list[np.ndarray] = []
    for keys in (KEYS, [k for k in KEYS if k != "quantity"]):
        if len(t_left) == 0 or len(c_left) == 0:
            break
        rows = np.concatenate([t_left, c_left])
        nt = len(t_left)
        key = _combine(codes, keys, rows)
        per_side = key * 2 + (np.arange(len(rows)) >= nt)  # trades and confirmations numbered apart
        order = np.argsort(per_side * width + price[rows])  # one int64 sort beats lexsort
        occ = _occurrence(per_side, order)
        full = key * (int(occ.max(initial=0)) + 1) + occ
        hit = pd.Index(full[nt:]).get_indexer(full[:nt])
        tp = np.flatnonzero(hit >= 0)
        t_found.append(t_left[tp])
        c_found.append(c_left[hit[tp]])
        keep_t = np.ones(nt, dtype=bool)
        keep_t[tp] = False
        keep_c = np.ones(len(c_left), dtype=bool)
        keep_c[hit[tp]] = False
        t_left, c_left = t_left[keep_t], c_left[keep_c]
    t_pos = np.concatenate(t_found) if t_found else np.array([], dtype=np.int64)
    c_pos = (np.concatenate(c_found) if c_found else np.array([], dtype=np.int64)) - n_t

    tp_u = trades["price_u"].to_numpy()[t_pos]
    cp_u = confs["price_u"].to_numpy()[c_pos]
    # |Δprice| <= price × pct / 100, in whole millionths (the tiny epsilon absorbs float noise).
    allowed = np.floor(tp_u.astype(np.float64) * float(price_tolerance_pct) / 100 + 1e-6).astype(np.int64)
    net_allowed = int(Decimal(net_tolerance) * UNIT)
    settle_t, _ = pd.factorize(np.concatenate([trades["settlement_date"].to_numpy()[t_pos],
                                               confs["settlement_date"].to_numpy()[c_pos]]), sort=False)
    pairs = pd.DataFrame({
        "trade_id": trades["id"].to_numpy()[t_pos],
        "conf_id": confs["id"].to_numpy()[c_pos],
        "price": np.abs(cp_u - tp_u) > allowed,
        "quantity": confs["quantity"].to_numpy()[c_pos] != trades["quantity"].to_numpy()[t_pos],
        "net_amount": np.abs(confs["net_u"].to_numpy()[c_pos] - trades["net_u"].to_numpy()[t_pos]) > net_allowed,
        "settlement_date": settle_t[:len(t_pos)] != settle_t[len(t_pos):],
    })
    return Pairing(pairs, trades["id"].to_numpy()[t_left], confs["id"].to_numpy()[c_left - n_t])


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
        parts = in_chunks(changed)
        for part in parts:
            s.execute(update(Trade).where(Trade.id.in_(part)).values(confirmation_id=None))
        s.flush()
        locked = [t for part in parts
                  for t in s.scalars(select(Trade).where(Trade.id.in_(part)).with_for_update(of=Trade)).unique()]
        for trade in locked:
            cid, brk = wanted[trade.id]
            before = {"status": trade.status, "confirmation_id": current[trade.id][1], "breaks": current[trade.id][2]}
            trade.confirmation_id, trade.breaks = cid, brk
            s.expire(trade, ["confirmation"])  # reload it from the new id when next read
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
