"""/trade report: P&L by average cost and exposure per broker, checked against a hand computation."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from bot.files import to_csv
from bot.request import Request
from handlers.trades.files import report_sheets
from models.trades.imports import book_trade
from models.trades.report import build_report
from tests.cast import MARIANA, QUESIA

PETR4, VALE3 = "BRPETRACNPR6", "BRVALEACNOR0"
BOOK = [
    # ref, trade date, settlement, account, side, isin, ticker, qty, price, fees, net, broker
    ("T-A1", "2026-11-20", "2026-11-24", "FUNDO-X", "BUY", PETR4, "PETR4", 100, "10.00", "1.00", "1001.00", "XPINC"),
    ("T-A2", "2026-11-23", "2026-11-25", "FUNDO-X", "BUY", PETR4, "PETR4", 100, "12.00", "1.00", "1201.00", "XPINC"),
    ("T-A3", "2026-11-24", "2026-11-26", "FUNDO-X", "SELL", PETR4, "PETR4", 50, "13.00", "0.50", "649.50", "BTGP"),
    ("T-Y1", "2026-11-20", "2026-11-24", "FUNDO-Y", "SELL", VALE3, "VALE3", 100, "60.00", "2.00", "5998.00", "BTGP"),
    ("T-Y2", "2026-11-23", "2026-11-25", "FUNDO-Y", "BUY", VALE3, "VALE3", 40, "55.00", "1.00", "2201.00", "BRADESCO"),
    ("T-A4", "2026-11-25", "2026-11-27", "FUNDO-X", "BUY", PETR4, "PETR4", 10, "20.00", "0.00", "200.00", "XPINC"),
]


def book(runtime) -> None:
    with runtime.unit_of_work(source="test") as ctx:
        for ref, td, sd, acct, side, isin, ticker, qty, price, fees, net, broker in BOOK:
            book_trade(ctx, trade_ref=ref, trade_date=td, settlement_date=sd, account=acct, side=side, isin=isin,
                       ticker=ticker, quantity=str(qty), price=price, fees=fees, net_amount=net, broker=broker,
                       trader_email="nicolas.costa@empresa.com.br")


def test_report_figures_match_a_hand_computation(people):
    book(people)
    from models.core.people import get_person

    with people.unit_of_work(source="test") as ctx:
        ctx.actor = get_person(ctx.session, QUESIA)
        rep = build_report(ctx, dt.date(2026, 11, 24))
        by = {(p.account, p.ticker): p for p in rep.positions}
        # FUNDO-X PETR4: 200 bought for 1001 + 1201 = 2202 -> average 11.01 (fees in the cost).
        # Sold 50 for a net 649.50: realized 649.50 - 50 × 11.01 = 99.00. Left: 150 costing 1651.50.
        # Marked at 13.00 (the last trade on or before the 24th): 1950.00 - 1651.50 = 298.50.
        x = by[("FUNDO-X", "PETR4")]
        assert x.quantity == 150 and x.average_cost == Decimal("11.01")
        assert x.realized == Decimal("99.00") and x.unrealized == Decimal("298.50")
        # FUNDO-Y VALE3, a short: sold 100 for 5998 (59.98 each), covered 40 for 2201 (55.025 each).
        # Realized (59.98 - 55.025) × 40 = 198.20; 60 still short at 59.98 = 3598.80 of proceeds.
        # Marked at 55.00: 3598.80 - 60 × 55.00 = 298.80.
        y = by[("FUNDO-Y", "VALE3")]
        assert y.quantity == -60 and y.realized == Decimal("198.20") and y.unrealized == Decimal("298.80")
        assert rep.realized == Decimal("297.20") and rep.unrealized == Decimal("597.30")
        assert rep.trades == 5  # T-A4 is after the report date
        # Unsettled after the 24th: T-A2 (pay 1201.00, XPINC), T-A3 (receive 649.50, BTGP), T-Y2 (pay 2201.00).
        exp = {e.broker: e for e in rep.exposures}
        assert set(exp) == {"XPINC", "BTGP", "BRADESCO"}
        assert exp["XPINC"].to_pay == Decimal("1201.00") and exp["XPINC"].to_receive == 0
        assert exp["BTGP"].to_receive == Decimal("649.50") and exp["BTGP"].net == Decimal("649.50")
        assert exp["BRADESCO"].net == Decimal("-2201.00")
        ctx.actor.locale = "en"
        english = to_csv(report_sheets(Request(people, ctx), rep), "en")
        ctx.actor.locale = "pt-BR"
        portuguese = to_csv(report_sheets(Request(people, ctx), rep), "pt-BR")
        ctx.session.rollback()
    rows = list(csv.reader(io.StringIO(english.decode("utf-8-sig"))))
    assert rows[0] == ["Account", "Ticker", "ISIN", "Position", "Average cost", "Mark price", "Realized P&L",
                       "Unrealized P&L"]
    assert ["FUNDO-X", "PETR4", PETR4, "150", "11.01", "13.00", "99.00", "298.50"] in rows
    assert ["BRADESCO", "1", "2201.00", "0.00", "-2201.00", "2201.00"] in rows
    # For a Brazilian spreadsheet: semicolons, decimal commas, Portuguese headers.
    rows = list(csv.reader(io.StringIO(portuguese.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Conta", "Código", "ISIN", "Posição"] and "Custo médio" in rows[0]
    assert ["FUNDO-X", "PETR4", PETR4, "150", "11,01", "13,00", "99,00", "298,50"] in rows
    assert ["BRADESCO", "1", "2201,00", "0,00", "-2201,00", "2201,00"] in rows


def test_report_over_slack_shows_the_card_and_attaches_the_csv(bot, people, standin):
    book(people)
    resp = bot.command("/trade", "report 24/11/2026", user=QUESIA)
    assert resp.json["response_type"] == "ephemeral"
    text = resp.text
    assert "Relatório de operações de 24 de nov. de 2026" in text
    assert "R$ 297,20" in text and "R$ 597,30" in text
    assert "FUNDO-Y · VALE3*: posição -60" in text
    assert "BRADESCO" in text and "a pagar R$ 2.201,00" in text
    upload = standin.wait_for("files.getUploadURLExternal")
    assert upload[0]["filename"] == "trades-report-2026-11-24.csv"
    standin.wait_for("files.completeUploadExternal")
    default = bot.command("/trade", "report", user=QUESIA)  # today, the 25th, in São Paulo
    assert "25 de nov. de 2026" in default.text
    bad = bot.command("/trade", "report amanhã-ish", user=QUESIA)
    assert "não é uma data" in bad.text and "/trade report 2026-11-23" in bad.text
    refused = bot.command("/trade", "report", user=MARIANA)
    assert "back office" in refused.text and "R$" not in refused.text
