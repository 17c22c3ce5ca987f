"""Matching tolerances at their edges: price within a percentage, net amount within an amount."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd

from models.trades.pairing import UNIT, pair

PRICE_PCT, NET = Decimal("0.05"), Decimal("1.00")  # the defaults: 0.05 % of the price, R$ 1,00 of net amount
TRADE_DAY, SETTLE = dt.date(2026, 11, 23), dt.date(2026, 11, 25)


def side(first_id: int, rows: list[dict]) -> pd.DataFrame:
    """Rows of one side with the six keys shared, ``price``/``net`` given as Decimal text."""
    return pd.DataFrame([{
        "id": first_id + n, "ref": f"R{first_id + n}", "isin": "BRPETRACNPR6", "side": "BUY",
        "quantity": r.get("quantity", 100), "account": "ACC1", "broker": "XPINC", "trade_date": TRADE_DAY,
        "price_u": int(Decimal(r["price"]) * UNIT), "net_u": int(Decimal(r["net"]) * UNIT),
        "settlement_date": r.get("settle", SETTLE),
    } for n, r in enumerate(rows)])


def breaks(trade: dict, conf: dict) -> dict[str, bool]:
    found = pair(side(1, [trade]), side(100, [conf]), PRICE_PCT, NET)
    assert list(found.pairs["trade_id"]) == [1] and list(found.pairs["conf_id"]) == [100]
    row = found.pairs.iloc[0]
    return {k: bool(row[k]) for k in ("price", "quantity", "net_amount", "settlement_date")}


def test_a_price_exactly_at_the_tolerance_matches_and_a_millionth_more_breaks() -> None:
    trade = {"price": "100.00", "net": "10000.00"}
    assert breaks(trade, {"price": "100.05", "net": "10000.00"})["price"] is False  # 0.05 % of 100.00
    assert breaks(trade, {"price": "99.95", "net": "10000.00"})["price"] is False
    assert breaks(trade, {"price": "100.050001", "net": "10000.00"})["price"] is True
    assert breaks(trade, {"price": "99.949999", "net": "10000.00"})["price"] is True


def test_the_price_tolerance_is_relative_to_the_trade_price() -> None:
    cheap = {"price": "10.00", "net": "1000.00"}  # 0.05 % of 10.00 is 0.005
    assert breaks(cheap, {"price": "10.005", "net": "1000.00"})["price"] is False
    assert breaks(cheap, {"price": "10.006", "net": "1000.00"})["price"] is True


def test_a_net_amount_exactly_at_the_tolerance_matches_and_a_cent_more_breaks() -> None:
    trade = {"price": "100.00", "net": "10000.00"}
    assert breaks(trade, {"price": "100.00", "net": "10001.00"})["net_amount"] is False
    assert breaks(trade, {"price": "100.00", "net": "9999.00"})["net_amount"] is False
    assert breaks(trade, {"price": "100.00", "net": "10001.01"})["net_amount"] is True


def test_quantity_and_settlement_have_no_tolerance() -> None:
    trade = {"price": "100.00", "net": "10000.00"}
    assert breaks(trade, {"price": "100.00", "net": "10000.00"}) == {
        "price": False, "quantity": False, "net_amount": False, "settlement_date": False}
    late = breaks(trade, {"price": "100.00", "net": "10000.00", "settle": dt.date(2026, 11, 26)})
    assert late["settlement_date"] is True
    short = pair(side(1, [trade]), side(100, [{"price": "100.00", "net": "9900.00", "quantity": 99}]), PRICE_PCT, NET)
    assert bool(short.pairs.iloc[0]["quantity"]) is True  # paired on five keys: a quantity break, not two orphans


def test_the_closer_of_two_look_alike_confirmations_wins_whatever_the_order() -> None:
    trade = side(1, [{"price": "100.00", "net": "10000.00"}])
    near, far = {"price": "100.01", "net": "10000.00"}, {"price": "100.04", "net": "10000.00"}
    for confs in ([near, far], [far, near]):
        found = pair(trade, side(100, confs), PRICE_PCT, NET)
        nearest = 100 if confs[0] is near else 101
        assert list(found.pairs["conf_id"]) == [nearest]
        assert list(found.alleged) == [201 - nearest]
