"""Matching trades against broker confirmations: 5% breaks, 1% look-alikes, 1% partial fills.

    python -m bench.bench_trades [--quick] [--million]

Beside a bare ``pandas.merge`` on the same six keys of the same frames, measured in the same
run. The frames look like what ``rematch`` loads from the database: text keys, dates as
``datetime.date``, amounts as integer millionths. Of the trades, 5% break (a price 2% off, a short
fill, no confirmation, a confirmation nobody booked: 1.25% each), 1% are look-alikes (pairs that
share every key, prices 3% apart, their confirmations shuffled) and 1% are confirmed in two
partial fills.

Goals: 100k under 3 s; with ``--million``, 1M x 1M under 15 s and under 2 GB (the peak resident
memory of a process that builds the frames and matches them once).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from decimal import Decimal

import numpy as np
import pandas as pd

from bench.common import Row, median, print_table
from models.trades.pairing import KEYS, pair

ISINS = ["BRPETRACNPR6", "BRVALEACNOR0", "BRITUBACNPR1", "BRWEGEACNOR0", "BRB3SAACNOR6", "BRBBDCACNPR8",
         "BRABEVACNOR1", "BRSUZBACNOR0", "BRRENTACNOR4", "BRBBASACNOR3"]
BROKERS = ["XPINC", "BTGP", "ITAUBBA", "SAFRA"]
TOL_PCT, TOL_NET = Decimal("0.05"), Decimal("1.00")


def frames(n: int, seed: int = 5) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """``n`` trades and about ``n`` confirmations (vectorised, so 1M rows take seconds)."""
    rng = np.random.default_rng(seed)
    days = np.array([dt.date(2026, 11, 2) + dt.timedelta(days=d) for d in range(30)], dtype=object)
    day_i = rng.integers(0, 30, n)
    accounts = np.array([f"ACC{i:04d}" for i in range(1, max(400, n // 250) + 1)], dtype=object)
    t = {
        "id": np.arange(n), "ref": np.array([f"T{i:07d}" for i in range(n)], dtype=object),
        "isin": np.array(ISINS, dtype=object)[rng.integers(0, len(ISINS), n)],
        "side": np.array(["BUY", "SELL"], dtype=object)[rng.integers(0, 2, n)],
        "quantity": rng.integers(2, 101, n) * 100,
        "account": accounts[rng.integers(0, len(accounts), n)],
        "broker": np.array(BROKERS, dtype=object)[rng.integers(0, len(BROKERS), n)],
        "trade_date": days[day_i],
        "price_u": rng.integers(5_00, 90_00, n) * 10_000,  # R$ 5.00 .. 90.00, in millionths
        "settlement_date": np.array([d + dt.timedelta(days=2) for d in days], dtype=object)[day_i],
    }
    roll = rng.random(n)
    # Look-alikes: every 200th trade gets a twin with the same keys, 3% dearer (1% of trades in all).
    twin = np.flatnonzero(roll >= 0.99)
    src = np.maximum(twin - 1, 0)
    for k in KEYS:
        t[k][twin] = t[k][src]
    t["price_u"][twin] = t["price_u"][src] * 103 // 100
    t["settlement_date"][twin] = t["settlement_date"][src]
    t["net_u"] = t["quantity"] * t["price_u"]
    c = {k: v.copy() for k, v in t.items()}
    c["ref"] = np.array([f"CF{i:07d}" for i in range(n)], dtype=object)
    price = roll < 0.0125
    short = (roll >= 0.0125) & (roll < 0.025)
    missing = (roll >= 0.025) & (roll < 0.0375)
    alleged = (roll >= 0.0375) & (roll < 0.05)
    fills = (roll >= 0.98) & (roll < 0.99)
    c["price_u"][price] = c["price_u"][price] * 102 // 100
    c["quantity"][short] -= 100
    c["account"][alleged] = "ACC9999"  # booked nowhere
    first = (c["quantity"][fills] // 200) * 100
    second = c["quantity"][fills] - first
    c["quantity"][fills] = first
    c["net_u"] = c["quantity"] * c["price_u"]
    keep = ~missing
    confs = pd.DataFrame({k: v[keep] for k, v in c.items()})
    pieces = pd.DataFrame({k: v[fills] for k, v in c.items()})
    pieces["quantity"] = second
    pieces["net_u"] = second * pieces["price_u"]
    pieces["ref"] = pieces["ref"] + "B"
    pieces["id"] = np.arange(n, n + len(pieces))
    confs = pd.concat([confs, pieces], ignore_index=True).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    expected = {"price": int(price.sum()), "quantity": int(short.sum()), "missing": int(missing.sum()),
                "alleged": int(alleged.sum()), "look_alikes": len(twin), "fills": int(fills.sum())}
    return pd.DataFrame(t), confs, expected


def check(result, expected: dict) -> dict:
    """The breaks found are the ones made (random keys collide now and then: allow a handful more)."""
    pairs = result.pairs
    found = {"price": int(pairs["price"].sum()), "quantity": int(pairs["quantity"].sum()),
             "missing": len(result.missing), "alleged": len(result.alleged),
             "filled": result.fills["trade_id"].nunique()}
    for kind in ("price", "quantity"):
        assert expected[kind] <= found[kind] <= expected[kind] * 1.02 + 5, (found, expected)
    assert abs(found["missing"] - expected["missing"] - expected["alleged"]) <= expected["missing"] * 0.02 + 5, found
    assert found["filled"] >= expected["fills"] * 0.98, (found, expected)
    return found


def _time(fn, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def measure(n: int, rounds: int) -> tuple[float, float, dict]:
    t, c, expected = frames(n)
    result = pair(t, c, TOL_PCT, TOL_NET)
    found = check(result, expected)
    ours, bare = [], []
    for _ in range(rounds):  # interleaved, so that both see the same machine state
        ours += _time(lambda: pair(t, c, TOL_PCT, TOL_NET), 1)
        bare += _time(lambda: pd.merge(t, c, on=KEYS, how="inner"), 1)
    return median(ours), median(bare), found


def peak_memory(n: int) -> float:
    """Peak resident memory (MB) of a fresh process that builds the frames and matches them once."""
    out = subprocess.run([sys.executable, "-m", "bench.bench_trades", "--probe", str(n)], capture_output=True,
                         text=True, check=True)
    return float(json.loads(out.stdout.strip().splitlines()[-1])["peak_mb"])


def run(quick: bool, million: bool = False) -> list[Row]:
    rows = []
    sizes = [10_000] if quick else [100_000]
    if million:
        sizes.append(1_000_000)
    for n in sizes:
        figure, baseline, _found = measure(n, 5 if n < 1_000_000 else 3)
        big = n >= 1_000_000
        label = f"match {n // 1000}k trades vs ~{n // 1000}k confirmations (5% breaks, 1% look-alikes, 1% fills)"
        goal = 15_000 if big else 3_000
        rows.append(Row("trades", label, figure, "ms", baseline, "bare pandas merge on the same keys",
                        goal=f"< {goal} ms" + (" (at 100k; smoke run)" if quick else ""),
                        met=None if quick else figure < goal))
        if big:
            mb = peak_memory(n)
            rows.append(Row("trades", f"  peak memory, {n // 1000}k x {n // 1000}k (frames + matching)", mb, "MB",
                            goal="< 2048 MB", met=mb < 2048))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10k trades instead of 100k")
    parser.add_argument("--million", action="store_true", help="also 1M trades against 1M confirmations")
    parser.add_argument("--probe", type=int, help=argparse.SUPPRESS)  # the memory probe's child process
    args = parser.parse_args(argv)
    if args.probe:
        t, c, _ = frames(args.probe)
        pair(t, c, TOL_PCT, TOL_NET)
        print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
        return 0
    print_table(run(args.quick, args.million))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
