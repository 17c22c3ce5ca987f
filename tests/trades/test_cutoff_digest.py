"""The cut-off alert (once), and what the managers' digest and its chart get from the desk."""

from __future__ import annotations

import datetime as dt
import time

import pandas as pd
from sqlalchemy import func, select

from bot.registry import DigestScope
from bot.render import environment
from models.trades.imports import book_trade
from models.trades.tables import Trade
from tests.cast import ANA, GABRIELA, MARIANA, NICOLAS, QUESIA
from tests.trades.conftest import channel_posts, trade

UTC = dt.UTC


def run_cutoff(runtime, at: dt.datetime) -> str:
    """What the scheduler (or `backoffice-bot job trades.cutoff --at ...`) does at ``at``."""
    runtime.clock.set(at)
    result = runtime.registry.jobs["trades.cutoff"].run(runtime, runtime.clock.now())
    runtime.sender.wait_idle(timeout=30)
    return str(result)  # as the scheduler logs it


def book_today(runtime) -> None:
    with runtime.unit_of_work(source="test") as ctx:
        book_trade(ctx, trade_ref="T20261125-0001", trade_date="2026-11-25", settlement_date="2026-11-27",
                   account="FUNDO-A", side="BUY", isin="BRPETRACNPR6", ticker="PETR4", quantity="100", price="37.00",
                   fees="1.00", net_amount="3701.00", broker="XPINC", trader_email="lucas.lima@empresa.com.br")


def test_cutoff_flags_unconfirmed_trades_and_alerts_the_channel_once(bot, desk, standin):
    book_today(desk)
    bot.command("/trade", "confirm T20261123-0001", user=QUESIA)  # confirmed in time: never flagged
    before = len(channel_posts(standin, 2))
    # 17:59 in São Paulo: the cut-off of the 23rd and 19th passed long ago, today's not yet.
    said = run_cutoff(desk, dt.datetime(2026, 11, 25, 20, 59, tzinfo=UTC))
    assert said.startswith("59 ")
    alert = channel_posts(standin, before + 1)[-1]
    assert "59 operações ainda sem confirmação depois do corte das 18:00" in alert.text
    assert "T20261119-0004" in alert.text and "…e mais 44." in alert.text
    assert trade(desk, "T20261123-0001").late_at is None
    assert trade(desk, "T20261125-0001").late_at is None
    assert trade(desk, "T20261119-0004").late_at is not None
    # Running again for the same moment (a second scheduler, a restart) says nothing more.
    assert run_cutoff(desk, dt.datetime(2026, 11, 25, 20, 59, tzinfo=UTC)) == "No trade to flag."
    # 18:00 in São Paulo: today's trade is late now, and only it is announced.
    assert run_cutoff(desk, dt.datetime(2026, 11, 25, 21, 0, tzinfo=UTC)).startswith("1 ")
    assert run_cutoff(desk, dt.datetime(2026, 11, 25, 21, 5, tzinfo=UTC)) == "No trade to flag."
    standin.settle()
    alerts = [p for p in channel_posts(standin, 0) if "depois do corte" in p.text]
    assert len(alerts) == 2 and "T20261125-0001" in alerts[1].text and "T20261119-0004" not in alerts[1].text
    # The flag shows where analysts look.
    shown = bot.command("/trade", "show T20261125-0001", user=ANA)
    assert "depois do horário de corte" in shown.text


def test_digest_section_builds_in_one_batch_for_back_office_managers(desk):
    managers = pd.DataFrame([
        {"person_id": 2, "name": "Gabriela Santos", "roles": ["backoffice", "employee", "manager"]},
        {"person_id": 1, "name": "Tiago Costa", "roles": ["employee", "manager", "sales"]},
    ])
    section = desk.registry.digest_sections[[s.desk for s in desk.registry.digest_sections].index("trades")]
    assert section.roles == ("backoffice",)
    with desk.db.session() as s:
        built = section.build(s, DigestScope(managers=managers, now=dt.datetime(2026, 11, 25, 12, tzinfo=UTC)))
    assert set(built) == {2}
    data = built[2]
    assert data["unconfirmed"] == 60 and data["breaks"] == 5 and data["missing"] == 5 and data["alleged"] == 1
    assert data["top_breaks"][0] == {"ref": "T20261119-0012", "ticker": "WEGE3", "breaks": ["price", "net_amount"]}
    macro = environment("pt-BR").get_template(section.template).module.section
    blocks: list = []
    macro(blocks, data)
    text = str(blocks)
    assert "60 operações ainda não confirmadas" in text and "5 quebras" in text and "valor líquido" in text
    assert blocks[-1]["type"] == "actions"


def test_unconfirmed_series_counts_each_day(bot, desk):
    bot.command("/trade", "confirm T20261123-0001", user=QUESIA)  # confirmed on the 25th
    series = desk.registry.digest_series[[s.label for s in desk.registry.digest_series].index("Unconfirmed trades")]
    with desk.db.session() as s:
        counts = series.build(s, dt.date(2026, 11, 18), dt.date(2026, 11, 25))
        total = s.scalar(select(func.count()).select_from(Trade))
    assert total == 60
    assert counts[dt.date(2026, 11, 18)] == 0
    assert counts[dt.date(2026, 11, 19)] == 23
    assert counts[dt.date(2026, 11, 23)] == 60 and counts[dt.date(2026, 11, 24)] == 60
    assert counts[dt.date(2026, 11, 25)] == 59
    assert GABRIELA  # a back-office manager reads these


def test_the_app_home_shows_the_desk_to_the_back_office_only(bot, desk, standin):
    def open_home(user: str):
        bot.event({"type": "app_home_opened", "user": user, "channel": "D0DIRECT01", "tab": "home",
                   "event_ts": f"{time.time():.6f}"})
        return standin.wait_for("views.publish", where=lambda c: c.get("user_id") == user)[-1].text

    mine = open_home(NICOLAS)  # 49 matched, 13 of them booked by him: four eyes leaves him 36
    assert "37 operações casadas que você pode confirmar" in mine and "5 quebras" in mine
    assert "Ver pendentes" in mine
    assert "operações casadas que você pode confirmar" not in open_home(MARIANA)
