"""Importing trades and confirmations from the CLI: bad files refused whole, real-world files accepted."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from models.trades.imports import isin_valid
from models.trades.tables import Confirmation, Trade
from tests.trades.conftest import DATA, import_file, trade, write_csv


def test_a_bad_trades_file_is_refused_whole_with_row_numbered_reasons(people, tmp_path):
    def spoil(rows):
        rows[1][5] = "BRB3SAACNOR7"  # wrong ISIN check digit
        rows[2][4] = "HOLD"  # no such side
        rows[3][7] = "-5"  # quantity
        rows[4][11] = "13754.00"  # net is 13754.13
        rows[5][2] = "2026-11-18"  # settles before it trades
        rows[6][13] = "nobody@empresa.com.br"
        rows[7][0] = rows[8][0]  # the same reference twice
        return rows

    code, out, err = import_file(people, "trades", write_csv(tmp_path, "trades.csv", DATA / "trades.csv", spoil))
    assert code == 1 and out == ""
    assert "nada foi alterado" in err or "nothing was changed" in err
    assert "linha 2 [isin]" in err and "BRB3SAACNOR7" in err and "dígito verificador" in err
    assert "linha 3 [side]" in err and "HOLD" in err
    assert "linha 4 [quantity]" in err
    assert "linha 5 [net_amount]" in err and "13754.13" in err
    assert "linha 6 [settlement_date]" in err
    assert "linha 7 [trader_email]" in err and "nobody@empresa.com.br" in err
    assert "linha 9 [trade_ref]" in err and "linha 8" in err
    with people.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Trade)) == 0


def test_semicolons_brazilian_decimals_and_a_bom_are_read(people, tmp_path):
    def brazilian(rows):
        for r in rows[1:]:
            for i in (8, 10, 11):  # price, fees, net_amount with a decimal comma
                whole, _, frac = r[i].partition(".")
                r[i] = f"{int(whole):,}".replace(",", ".") + "," + frac
            r[1] = "/".join(reversed(r[1].split("-")))  # 23/11/2026
        return rows

    path = write_csv(tmp_path, "trades.csv", DATA / "trades.csv", brazilian, sep=";")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, out, err = import_file(people, "trades", path)
    assert code == 0, err
    assert "60 criados" in out and "60 operações sem confirmação" in out
    big = trade(people, "T20261119-0019")
    assert big.net_amount == Decimal("537661.25") and str(big.trade_date) == "2026-11-19"


def test_confirmations_without_a_previous_new_cannot_replace_or_cancel(people, tmp_path):
    def replace_all(rows):
        return [rows[0]] + [r[:1] + ["REPLACE"] + r[2:] for r in rows[1:3]]

    code, _, err = import_file(people, "confirmations", write_csv(tmp_path, "c.csv", DATA / "confirmations.csv", replace_all))
    assert code == 1 and "REPLACE de CF-20261119-0007" in err
    with people.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Confirmation)) == 0


def test_isin_check_digits():
    for good in ("BRPETRACNPR6", "BRVALEACNOR0", "US0378331005", "BRB3SAACNOR6"):
        assert isin_valid(good)
    for bad in ("BRPETRACNPR5", "BRPETRACNPR", "brpetracnpr6", "XX0000000000X"):
        assert not isin_valid(bad)


def test_an_xlsx_file_imports_like_the_csv(people, tmp_path):
    import pandas as pd

    path = tmp_path / "trades.xlsx"
    pd.read_csv(DATA / "trades.csv", dtype=str).to_excel(path, index=False)
    code, out, err = import_file(people, "trades", path)
    assert code == 0, err
    assert "60 criados" in out
    assert trade(people, "T20261123-0049").quantity == 10000
