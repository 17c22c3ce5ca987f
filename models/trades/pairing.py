"""Pairing trades with broker confirmations: vectorised where it is one to one, optimal where it is not.

Three passes over what is still unpaired, each on the trades and confirmations that share a key:

1. **All six keys** (instrument, side, quantity, account, broker, trade date). A key held by one
   trade and one confirmation pairs them at once (numpy, no Python loop). A key shared by
   several (look-alikes) goes to a minimum-cost assignment (``scipy.optimize.linear_sum_assignment``):
   first as many pairs that agree (no break) as possible, then as few breaks as possible, then the
   smallest price, net amount, settlement (and quantity) differences. Rows are put in a canonical
   order (values, then reference) before the solver sees them, so the outcome does not depend on
   file order.
2. **Partial fills**: several confirmations with the five keys but quantity whose quantities add
   up to one trade, at an average price within tolerance, confirm it together.
3. **Five keys, no quantity**, one to one like pass 1: a short fill is a quantity break rather
   than a missing trade plus an alleged confirmation.

Amounts travel as integer millionths, so no float decides a break; floats only rank candidates.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

KEYS = ["isin", "side", "quantity", "account", "broker", "trade_date"]
LOOSE_KEYS = [k for k in KEYS if k != "quantity"]
UNIT = 1_000_000  # amounts as integer millionths (Money's scale)
COLUMNS = ["id", "ref", *KEYS, "price_u", "net_u", "settlement_date"]
BREAK_COLUMNS = ["price", "quantity", "net_amount", "settlement_date"]
MAX_FILL_SEARCH = 12  # confirmations in one group searched subset by subset; beyond, only all of them together


@dataclass
class Pairing:
    """The outcome: pairs with their breaks, trades without confirmation, alleged confirmations.

    A trade confirmed by partial fills has one row in ``pairs`` (``conf_id`` is its first fill, the
    breaks are those of the fills taken together) and one row per fill in ``fills``.
    """

    pairs: pd.DataFrame  # trade_id, conf_id, price, quantity, net_amount, settlement_date (bools)
    missing: np.ndarray  # trade ids
    alleged: np.ndarray  # confirmation ids
    fills: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"trade_id": [], "conf_id": []}))


class _Book:
    """Both sides as numpy arrays, rows numbered trades first (0..nt-1), then confirmations."""

    def __init__(self, trades: pd.DataFrame, confs: pd.DataFrame) -> None:
        self.nt = len(trades)
        both = (trades, confs)
        self.id = np.concatenate([f["id"].to_numpy() for f in both])
        refs = [f["ref"].to_numpy() if "ref" in f.columns else f["id"].astype(str).to_numpy() for f in both]
        self.ref = np.concatenate(refs).astype(object)
        self.qty = np.concatenate([f["quantity"].to_numpy() for f in both]).astype(np.int64)
        self.price = np.concatenate([f["price_u"].to_numpy() for f in both]).astype(np.int64)
        self.net = np.concatenate([f["net_u"].to_numpy() for f in both]).astype(np.int64)
        self.settle = _days(np.concatenate([f["settlement_date"].to_numpy() for f in both]))
        self.codes = {}
        for k in KEYS:
            col = np.concatenate([f[k].to_numpy() for f in both])
            codes, uniques = pd.factorize(col, sort=False)
            self.codes[k] = (codes.astype(np.int64), len(uniques))

    def key(self, keys: list[str], rows: np.ndarray) -> np.ndarray:
        """One dense int64 code per row of ``rows`` for the tuple of ``keys``."""
        combined = np.zeros(len(rows), dtype=np.int64)
        span = 1
        for k in keys:
            col, card = self.codes[k]
            if span * card >= 2**62:  # keep the arithmetic inside int64
                combined = pd.factorize(combined, sort=False)[0].astype(np.int64)
                span = int(combined.max(initial=0)) + 1
            combined = combined * card + col[rows]
            span *= card
        return pd.factorize(combined, sort=False)[0].astype(np.int64)

    def canonical(self, rows: np.ndarray) -> np.ndarray:
        """``rows`` in an order that depends only on their values and references, never on the file."""
        return np.array(sorted(rows.tolist(), key=lambda r: (self.price[r], self.net[r], self.settle[r],
                                                             self.qty[r], str(self.ref[r]))), dtype=np.int64)


def _days(values: np.ndarray) -> np.ndarray:
    """Dates (``datetime.date``, text or datetime64) as day numbers; only the distinct ones are converted."""
    codes, uniques = pd.factorize(values, sort=False)
    days = pd.to_datetime(pd.Series(uniques)).to_numpy().astype("datetime64[D]").astype(np.int64)
    return days[codes] if len(codes) else np.array([], dtype=np.int64)


@dataclass
class _Tolerance:
    price_pct: Decimal
    net_u: int

    def price_allowed(self, trade_price_u: np.ndarray) -> np.ndarray:
        """|Δprice| allowed, in whole millionths (the tiny epsilon absorbs float noise)."""
        return np.floor(trade_price_u.astype(np.float64) * float(self.price_pct) / 100 + 1e-6).astype(np.int64)


def _cost(book: _Book, tol: _Tolerance, t: np.ndarray, c: np.ndarray) -> np.ndarray:
    """The disagreement of every trade in ``t`` with every confirmation in ``c``, lexicographic in one float:
    a pair with any break costs more than all differences of all pairs together, and so does each break."""
    tp, cp = book.price[t][:, None], book.price[c][None, :]
    tn, cn = book.net[t][:, None], book.net[c][None, :]
    tq, cq = book.qty[t][:, None], book.qty[c][None, :]
    dp, dn = np.abs(cp - tp), np.abs(cn - tn)
    ds, dq = np.abs(book.settle[c][None, :] - book.settle[t][:, None]), np.abs(cq - tq)
    breaks = ((dp > tol.price_allowed(book.price[t])[:, None]).astype(np.int64) + (dn > tol.net_u)
              + (ds != 0) + (dq != 0))
    spread = (np.minimum(dp / np.maximum(tp, 1), 1) + np.minimum(dn / np.maximum(np.abs(tn), 1), 1)
              + np.minimum(ds / 30, 1) + np.minimum(dq / np.maximum(tq, 1), 1)) / 4 * 0.999
    k = min(len(t), len(c))
    per_break = k + 1.0  # more than every spread together (each is < 1)
    per_pair = per_break * (4 * k + 1)  # more than every break together
    return (breaks > 0) * per_pair + breaks * per_break + spread


def _assign(book: _Book, tol: _Tolerance, keys: list[str], t_left: np.ndarray,
            c_left: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pair ``t_left`` with ``c_left`` on ``keys``, one to one: (trade rows, confirmation rows)."""
    if len(t_left) == 0 or len(c_left) == 0:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    key = book.key(keys, np.concatenate([t_left, c_left]))
    kt, kc = key[:len(t_left)], key[len(t_left):]
    groups = int(key.max()) + 1
    nt, nc = np.bincount(kt, minlength=groups), np.bincount(kc, minlength=groups)
    single = (nt == 1) & (nc == 1)
    ts, cs = np.flatnonzero(single[kt]), np.flatnonzero(single[kc])
    ts, cs = ts[np.argsort(kt[ts], kind="stable")], cs[np.argsort(kc[cs], kind="stable")]
    out_t, out_c = [t_left[ts]], [c_left[cs]]
    multi = (nt >= 1) & (nc >= 1) & ~single
    if multi.any():
        tm, cm = np.flatnonzero(multi[kt]), np.flatnonzero(multi[kc])
        tm, cm = tm[np.argsort(kt[tm], kind="stable")], cm[np.argsort(kc[cm], kind="stable")]
        t_bounds = np.cumsum(nt[np.unique(kt[tm])])
        c_bounds = np.cumsum(nc[np.unique(kc[cm])])
        groups_t, groups_c = np.split(t_left[tm], t_bounds[:-1]), np.split(c_left[cm], c_bounds[:-1])
        for t_rows, c_rows in zip(groups_t, groups_c, strict=True):
            t_rows, c_rows = book.canonical(t_rows), book.canonical(c_rows)
            r, c = linear_sum_assignment(_cost(book, tol, t_rows, c_rows))
            out_t.append(t_rows[r])
            out_c.append(c_rows[c])
    return np.concatenate(out_t), np.concatenate(out_c)


def _fills(book: _Book, tol: _Tolerance, t_left: np.ndarray, c_left: np.ndarray) -> list[tuple[int, list[int]]]:
    """Trades confirmed in pieces: (trade row, its fills' rows), the fills adding up to the trade's quantity."""
    if len(t_left) == 0 or len(c_left) < 2:
        return []
    key = book.key(LOOSE_KEYS, np.concatenate([t_left, c_left]))
    kt, kc = key[:len(t_left)], key[len(t_left):]
    groups = int(key.max()) + 1
    nt, nc = np.bincount(kt, minlength=groups), np.bincount(kc, minlength=groups)
    wanted = (nt >= 1) & (nc >= 2)
    if not wanted.any():
        return []
    tm, cm = np.flatnonzero(wanted[kt]), np.flatnonzero(wanted[kc])
    tm, cm = tm[np.argsort(kt[tm], kind="stable")], cm[np.argsort(kc[cm], kind="stable")]
    t_bounds, c_bounds = np.cumsum(nt[np.unique(kt[tm])]), np.cumsum(nc[np.unique(kc[cm])])
    found: list[tuple[int, list[int]]] = []
    groups_t, groups_c = np.split(t_left[tm], t_bounds[:-1]), np.split(c_left[cm], c_bounds[:-1])
    for t_rows, c_rows in zip(groups_t, groups_c, strict=True):
        free = book.canonical(c_rows).tolist()
        for t in sorted(t_rows.tolist(), key=lambda r: str(book.ref[r])):
            chosen = _best_fills(book, tol, t, free)
            if chosen:
                found.append((t, chosen))
                free = [c for c in free if c not in chosen]
    return found


def _best_fills(book: _Book, tol: _Tolerance, t: int, free: list[int]) -> list[int]:
    """The set of two or more confirmations adding up to trade ``t`` at an average price within
    tolerance that disagrees least with it (net amount, then price); [] when there is none."""
    target = int(book.qty[t])
    usable = [c for c in free if int(book.qty[c]) <= target]
    if len(usable) < 2 or sum(int(book.qty[c]) for c in usable) < target:
        return []
    sizes = range(2, len(usable) + 1) if len(usable) <= MAX_FILL_SEARCH else [len(usable)]
    allowed = int(tol.price_allowed(book.price[[t]])[0])
    best: tuple | None = None
    for size in sizes:
        for combo in itertools.combinations(usable, size):
            if sum(int(book.qty[c]) for c in combo) != target:
                continue
            gross = sum(int(book.qty[c]) * int(book.price[c]) for c in combo)
            off = abs(gross - target * int(book.price[t]))  # Python ints: exact at any size
            if off > allowed * target:
                continue
            net_off = abs(sum(int(book.net[c]) for c in combo) - int(book.net[t]))
            rank = (net_off > tol.net_u, net_off, off, size)
            if best is None or rank < best[0]:
                best = (rank, list(combo))
    return best[1] if best else []


def pair(trades: pd.DataFrame, confs: pd.DataFrame, price_tolerance_pct: Decimal, net_tolerance: Decimal) -> Pairing:
    """Pair ``trades`` with ``confs`` (both with :data:`COLUMNS`; ``ref`` optional) and name each pair's breaks."""
    book = _Book(trades, confs)
    tol = _Tolerance(Decimal(price_tolerance_pct), int(Decimal(net_tolerance) * UNIT))
    t_left = np.arange(book.nt, dtype=np.int64)
    c_left = np.arange(book.nt, len(book.id), dtype=np.int64)

    def drop(left: np.ndarray, taken: np.ndarray) -> np.ndarray:
        return left[~np.isin(left, taken)] if len(taken) else left

    t1, c1 = _assign(book, tol, KEYS, t_left, c_left)
    t_left, c_left = drop(t_left, t1), drop(c_left, c1)
    filled = _fills(book, tol, t_left, c_left)
    t_left = drop(t_left, np.array([t for t, _ in filled], dtype=np.int64))
    c_left = drop(c_left, np.array([c for _, cs in filled for c in cs], dtype=np.int64))
    t3, c3 = _assign(book, tol, LOOSE_KEYS, t_left, c_left)
    t_left, c_left = drop(t_left, t3), drop(c_left, c3)

    t_pos, c_pos = np.concatenate([t1, t3]), np.concatenate([c1, c3])
    allowed = tol.price_allowed(book.price[t_pos])
    pairs = pd.DataFrame({
        "trade_id": book.id[t_pos],
        "conf_id": book.id[c_pos],
        "price": np.abs(book.price[c_pos] - book.price[t_pos]) > allowed,
        "quantity": book.qty[c_pos] != book.qty[t_pos],
        "net_amount": np.abs(book.net[c_pos] - book.net[t_pos]) > tol.net_u,
        "settlement_date": book.settle[c_pos] != book.settle[t_pos],
    })
    fills = pd.DataFrame({"trade_id": [book.id[t] for t, cs in filled for _ in cs],
                          "conf_id": [book.id[c] for _, cs in filled for c in cs]})
    if filled:
        pairs = pd.concat([pairs, pd.DataFrame([_fill_breaks(book, tol, t, cs) for t, cs in filled])],
                          ignore_index=True)
    return Pairing(pairs, book.id[t_left], book.id[c_left], fills)


def _fill_breaks(book: _Book, tol: _Tolerance, t: int, fills: list[int]) -> dict:
    """The pair row of a trade and its fills taken together (their first fill stands for them)."""
    qty = sum(int(book.qty[c]) for c in fills)
    gross = sum(int(book.qty[c]) * int(book.price[c]) for c in fills)
    allowed = int(tol.price_allowed(book.price[[t]])[0])
    return {
        "trade_id": book.id[t], "conf_id": book.id[fills[0]],
        "price": abs(gross - qty * int(book.price[t])) > allowed * qty,
        "quantity": qty != int(book.qty[t]),
        "net_amount": abs(sum(int(book.net[c]) for c in fills) - int(book.net[t])) > tol.net_u,
        "settlement_date": any(book.settle[c] != book.settle[t] for c in fills),
    }
