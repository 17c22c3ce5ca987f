"""Matching 100k trades against 100k broker confirmations with 5% breaks.

    python -m bench.bench_trades [--quick]

Goal: under 3 s, and at most 1.5x a bare pandas merge on the same six keys of the same frames,
measured in the same run. The frames look like what ``rematch`` loads from the database:
text keys, dates as ``datetime.date``, amounts as integer millionths. The breaks are a mix of
prices 2% off, short fills, trades without a confirmation and confirmations nobody booked.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from decimal import Decimal

import pandas as pd

from bench.common import Row, median, print_table
from models.trades.matching import KEYS, pair

ISINS = ["BRPETRACNPR6", "BRVALEACNOR0", "BRITUBACNPR1", "BRWEGEACNOR0", "BRB3SAACNOR6", "BRBBDCACNPR8",
         "BRABEVACNOR1", "BRSUZBACNOR0", "BRRENTACNOR4", "BRBBASACNOR3"]


def frames(n: int, seed: int = 5) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """``n`` trades and about ``n`` confirmations; 5% of them break in one of four ways."""
    rng = random.Random(seed)
    base = dt.date(2026, 11, 2)
    days = [base + dt.timedelta(days=d) for d in range(30)]
    trades, confs = [], []
    expected = {"price": 0, "quantity": 0, "missing": 0, "alleged": 0}
    for i in range(n):
        day = rng.choice(days)
        qty = rng.randint(1, 100) * 100
        price_u = rng.randint(5_00, 90_00) * 10_000  # R$ 5.00 .. 90.00, in millionths
        row = {"id": i, "isin": rng.choice(ISINS), "side": rng.choice(("BUY", "SELL")), "quantity": qty,
               "account": f"ACC{rng.randint(1, 400):03d}", "broker": rng.choice(("XPINC", "BTGP", "ITAUBBA", "SAFRA")),
               "trade_date": day, "price_u": price_u, "net_u": qty * price_u, "settlement_date": day + dt.timedelta(days=2)}
        trades.append(row)
        conf = dict(row, id=i)
        roll = rng.random()
        if roll < 0.0125:
            conf["price_u"] = price_u * 102 // 100
            conf["net_u"] = qty * conf["price_u"]
            expected["price"] += 1
        elif roll < 0.025:
            conf["quantity"] = qty - 100 if qty > 100 else qty + 100
            conf["net_u"] = conf["quantity"] * price_u
            expected["quantity"] += 1
        elif roll < 0.0375:
            expected["missing"] += 1
            continue
        elif roll < 0.05:
            conf = dict(conf, account="ACC999")  # booked nowhere: alleged
            expected["alleged"] += 1
        confs.append(conf)
    t = pd.DataFrame(trades)
    c = pd.DataFrame(confs).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    return t, c, expected


def run(quick: bool) -> list[Row]:
    n = 10_000 if quick else 100_000
    t, c, expected = frames(n)
    tol_pct, tol_net = Decimal("0.05"), Decimal("1.00")

    def ours() -> object:
        return pair(t, c, tol_pct, tol_net)

    def bare() -> object:
        return pd.merge(t, c, on=KEYS, how="inner")

    # Interleave the two so that both see the same machine state.
    ours_ms, bare_ms = [], []
    result = ours()
    bare()
    for _ in range(5 if quick else 9):
        start = time.perf_counter()
        result = ours()
        ours_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        bare()
        bare_ms.append((time.perf_counter() - start) * 1000)
    pairs = result.pairs  # type: ignore[attr-defined]
    found = {"price": int(pairs["price"].sum()), "quantity": int(pairs["quantity"].sum()),
             "missing": len(result.missing), "alleged": len(result.alleged)}  # type: ignore[attr-defined]
    # Random keys collide now and then (two trades alike but for the price), so allow a handful more.
    for kind in ("price", "quantity"):
        assert expected[kind] <= found[kind] <= expected[kind] * 1.01 + 5, (found, expected)
    # An alleged confirmation is also a trade left without one.
    assert found["missing"] == expected["missing"] + expected["alleged"] and found["alleged"] == expected["alleged"]
    figure, baseline = median(ours_ms), median(bare_ms)
    label = f"match {n // 1000}k trades vs {len(c) // 1000}k confirmations (5% breaks)"
    return [
        Row("trades", label, figure, "ms", baseline, "bare pandas merge on the same keys",
            goal="< 3000 ms and <= 1.5x" + (" (at 100k; smoke run)" if quick else ""),
            met=None if quick else figure < 3000 and figure <= 1.5 * baseline),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10k trades instead of 100k")
    args = parser.parse_args(argv)
    print_table(run(args.quick))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


