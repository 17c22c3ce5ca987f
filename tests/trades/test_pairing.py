"""Pairing look-alikes and partial fills: the same, optimal pairing whatever the file order."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import Decimal

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from models.trades.pairing import pair
from models.trades.tables import Confirmation, Trade, TradeEvent
from tests.cast import GABRIELA, QUESIA
from tests.trades.conftest import C_HEAD, T_HEAD, conf_line, import_file, trade, trade_line, write

TOL, NET_TOL = Decimal("0.05"), Decimal("1.00")
DAY = dt.date(2026, 11, 23)
KEYS = {"isin": "BRPETRACNPR6", "side": "BUY", "account": "FUNDO-A", "broker": "XPINC", "trade_date": DAY}


def frame(rows: list[tuple[str, int, int, int]]) -> pd.DataFrame:
    """(ref, quantity, price in cents, settlement offset in days) -> a frame as ``rematch`` builds it."""
    return pd.DataFrame([{"id": i, "ref": ref, **KEYS, "quantity": qty, "price_u": cents * 10_000,
                          "net_u": qty * cents * 10_000, "settlement_date": DAY + dt.timedelta(days=2 + late)}
                         for i, (ref, qty, cents, late) in enumerate(rows)])


def pairs_of(result, trades: pd.DataFrame, confs: pd.DataFrame) -> set[tuple[str, str]]:
    t_ref = dict(zip(trades["id"], trades["ref"], strict=True))
    c_ref = dict(zip(confs["id"], confs["ref"], strict=True))
    return {(t_ref[t], c_ref[c]) for t, c in zip(result.pairs["trade_id"], result.pairs["conf_id"], strict=True)}


def disagreement(t: tuple, c: tuple) -> tuple[int, int, float]:
    """What the rule ranks: a break at all, how many breaks, then how far apart (same quantity here)."""
    price_break = abs(c[2] - t[2]) * 10_000 > int(t[2] * 10_000 * 0.0005 + 1e-6)
    net_break = abs(c[2] - t[2]) * t[1] * 10_000 > 1_000_000
    settle_break = c[3] != t[3]
    n = price_break + net_break + settle_break
    return int(n > 0), n, 2 * abs(c[2] - t[2]) / t[2] + abs(c[3] - t[3]) / 30  # price and net move together


def test_the_confirmation_goes_to_the_trade_it_agrees_with_whatever_the_order():
    trades = [("T-1", 100, 1000, 0), ("T-2", 100, 1050, 0)]  # alike but for the price
    confs = [("CF-2", 100, 1050, 0)]  # agrees exactly with T-2
    for order in itertools.permutations(trades):
        t, c = frame(list(order)), frame(confs)
        result = pair(t, c, TOL, NET_TOL)
        assert pairs_of(result, t, c) == {("T-2", "CF-2")}
        assert not result.pairs[["price", "net_amount"]].any(axis=None)
        assert [dict(zip(t["id"], t["ref"], strict=True))[i] for i in result.missing] == ["T-1"]


group = st.lists(st.tuples(st.sampled_from([1000, 1001, 1020, 1050, 1100]), st.sampled_from([0, 0, 1])),
                 min_size=1, max_size=4)


@settings(max_examples=60, deadline=None)
@given(group, group, st.randoms(use_true_random=False))
def test_look_alike_groups_pair_optimally_and_the_same_in_any_order(t_vals, c_vals, rnd):
    trades = [(f"T-{i}", 100, cents, late) for i, (cents, late) in enumerate(t_vals)]
    confs = [(f"CF-{i}", 100, cents, late) for i, (cents, late) in enumerate(c_vals)]
    t0, c0 = frame(trades), frame(confs)
    expected = pairs_of(pair(t0, c0, TOL, NET_TOL), t0, c0)
    for _ in range(4):  # the same pairing in other row orders
        t_order, c_order = trades[:], confs[:]
        rnd.shuffle(t_order)
        rnd.shuffle(c_order)
        t, c = frame(t_order), frame(c_order)
        assert pairs_of(pair(t, c, TOL, NET_TOL), t, c) == expected
    by_t, by_c = {r[0]: r for r in trades}, {r[0]: r for r in confs}

    def score(pairs) -> tuple:
        parts = [disagreement(by_t[a], by_c[b]) for a, b in pairs]
        return (sum(p[0] for p in parts), sum(p[1] for p in parts), round(sum(p[2] for p in parts), 9))

    # Optimal: no one-to-one pairing of as many pairs disagrees less (checked by brute force).
    k = min(len(trades), len(confs))
    assert len(expected) == k
    best = min(score(list(zip(ts, cs, strict=True))) for ts in itertools.permutations(by_t, k)
               for cs in itertools.combinations(by_c, k))
    assert score(expected) == best
    # A trade that agrees exactly is never left out while its confirmation goes to one that does not.
    paired_t, owner = {a for a, _ in expected}, {b: a for a, b in expected}
    for t_ref in set(by_t) - paired_t:
        for c_ref, t_other in owner.items():
            if disagreement(by_t[t_ref], by_c[c_ref])[0] == 0:
                assert disagreement(by_t[t_other], by_c[c_ref])[0] == 0


def test_partial_fills_that_add_up_confirm_one_trade_and_others_stay_a_quantity_break():
    trades = frame([("T-FILL", 1000, 1000, 0), ("T-SHORT", 1000, 2000, 0)])
    trades.loc[1, "isin"] = "BRVALEACNOR0"
    confs = frame([("CF-A", 500, 999, 0), ("CF-B", 500, 1001, 0), ("CF-C", 400, 2000, 0), ("CF-D", 500, 2000, 0)])
    confs.loc[2:3, "isin"] = "BRVALEACNOR0"
    result = pair(trades, confs, TOL, NET_TOL)
    fills = set(zip(result.fills["trade_id"], result.fills["conf_id"], strict=True))
    assert fills == {(0, 0), (0, 1)}  # 500 + 500 = 1000 at R$ 9.99 and 10.01: an average of R$ 10.00
    row = result.pairs[result.pairs["trade_id"] == 0].iloc[0]
    assert not row[["price", "quantity", "net_amount", "settlement_date"]].any()
    short = result.pairs[result.pairs["trade_id"] == 1].iloc[0]  # 400 + 500 is not 1000: one of them, short
    assert bool(short["quantity"]) and len(result.alleged) == 1


# -- through the files, as the desk imports them ------------------------------------------------------

LOOK_ALIKE_TRADES = [trade_line("T-LA-1", 100, "37.40"), trade_line("T-LA-2", 100, "38.20"),
                     trade_line("T-LA-3", 100, "37.90")]
LOOK_ALIKE_CONFS = [conf_line("CF-LA-0001", 100, "38.20"), conf_line("CF-LA-0002", 100, "37.41")]


def test_look_alikes_imported_in_any_order_pair_the_same(people, tmp_path):
    seen = []
    for n in range(4):
        rnd = random.Random(n)
        t_lines, c_lines = LOOK_ALIKE_TRADES[:], LOOK_ALIKE_CONFS[:]
        rnd.shuffle(t_lines)
        rnd.shuffle(c_lines)
        with people.db.session() as s:  # a fresh book each round, rows numbered in this round's order
            s.execute(delete(TradeEvent))
            s.execute(delete(Trade))
            s.execute(delete(Confirmation))
            s.commit()
        assert import_file(people, "trades", write(tmp_path / "t.csv", T_HEAD, t_lines), actor=GABRIELA)[0] == 0
        assert import_file(people, "confirmations", write(tmp_path / "c.csv", C_HEAD, c_lines), actor=GABRIELA)[0] == 0
        with people.db.session() as s:
            seen.append({(t.ref, t.confirmation.confirm_id if t.confirmation else None, t.status)
                         for t in s.scalars(select(Trade)).unique()})
    assert all(round_ == seen[0] for round_ in seen)
    assert seen[0] == {("T-LA-1", "CF-LA-0002", "matched"),  # 37.41 is a cent off 37.40: inside tolerance
                       ("T-LA-2", "CF-LA-0001", "matched"), ("T-LA-3", None, "unmatched")}


def test_partial_fills_match_and_the_card_shows_them(bot, people, tmp_path):
    trades = [trade_line("T-PF-1", 1000, "37.40"), trade_line("T-PF-2", 1000, "37.40", account="FUNDO-B")]
    confs = [conf_line("CF-PF-0001", 500, "37.39"), conf_line("CF-PF-0002", 500, "37.41"),
             conf_line("CF-PF-0003", 400, "37.40", account="FUNDO-B"),
             conf_line("CF-PF-0004", 500, "37.40", account="FUNDO-B")]
    assert import_file(people, "trades", write(tmp_path / "t.csv", T_HEAD, trades), actor=GABRIELA)[0] == 0
    assert import_file(people, "confirmations", write(tmp_path / "c.csv", C_HEAD, confs), actor=GABRIELA)[0] == 0
    filled = trade(people, "T-PF-1")
    assert filled.status == "matched" and filled.breaks == []
    with people.db.session() as s:
        assert sorted(s.scalars(select(Confirmation.confirm_id).where(Confirmation.fill_of_id == filled.id))) == \
            ["CF-PF-0001", "CF-PF-0002"]
    card = bot.command("/trade", "show T-PF-1", user=QUESIA).text
    assert "CF-PF-0001" in card and "CF-PF-0002" in card and "2 execuções" in card
    short = trade(people, "T-PF-2")  # 400 + 500 is not 1.000: the quantity break stays
    assert short.status == "mismatched" and "quantity" in short.breaks
    ok = bot.command("/trade", "confirm T-PF-1", user=QUESIA)
    assert "está confirmada" in ok.text
