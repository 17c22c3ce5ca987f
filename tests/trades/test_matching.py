"""Matching as the desk sees it: every deliberate break in the sample files found and named."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from models.core.audit import AuditRecord
from models.trades.tables import Confirmation, Trade, TradeEvent
from tests.cast import QUESIA
from tests.trades.conftest import DATA, channel_posts, import_file, trade, write_csv


def test_each_break_in_the_sample_files_is_found_and_named(bot, desk, standin):
    resp = bot.command("/trade", "breaks", user=QUESIA)
    assert resp.status == 200 and resp.json["response_type"] == "ephemeral"
    text = resp.text
    # A price 2% off: named as a price break, both prices shown in reais.
    assert "T20261123-0056" in text and "R$ 41,52" in text and "R$ 42,35" in text
    assert trade(desk, "T20261123-0056").breaks == ["price", "net_amount"]
    for ref in ("T20261119-0012", "T20261123-0003", "T20261123-0009"):
        assert trade(desk, ref).breaks == ["price", "net_amount"]
        assert trade(desk, ref).status == "mismatched"
    # A quantity short by 100: a quantity break, not a missing trade plus an alleged confirmation.
    short = trade(desk, "T20261123-0052")
    assert short.status == "mismatched" and short.breaks == ["quantity", "net_amount"]
    assert short.confirmation.confirm_id == "CF-20261123-0052"
    assert "quantidade: nossa 1.000, corretora 900" in text
    # A purchase filled in two pieces (60 + 40 at R$ 37,75) is matched, not a break.
    filled = trade(desk, "T20261123-0025")
    assert filled.status == "matched" and "T20261123-0025" not in text
    # The alleged confirmation: a broker trade nobody booked.
    assert "CF-20261123-9999" in text and "1 confirmação sem operação" in text
    # Trades without confirmation stay unmatched, and are not breaks.
    for ref in ("T20261123-0028", "T20261119-0038", "T20261123-0039", "T20261123-0051", "T20261119-0057"):
        assert trade(desk, ref).status == "unmatched"
        assert ref not in text
    assert "5 quebras a resolver" in text
    # The buttons an analyst uses on each break.
    blocks = resp.json["blocks"]
    ids = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert "trade_accept:T20261123-0056" in ids and "trade_dispute:T20261123-0056" in ids


def test_a_price_one_cent_off_is_inside_tolerance_and_matches(desk, tmp_path):
    def one_cent(rows):
        for r in rows:
            if r[0] == "CF-20261119-0018":  # SELL 100 WEGE3 at 50.77: the broker says 50.78
                r[11], r[13], r[15] = "50.78", "5078.00", "5076.48"
        return rows

    path = write_csv(tmp_path, "confirmations.csv", DATA / "confirmations.csv", one_cent)
    code, out, err = import_file(desk, "confirmations", path)
    # The same id with other values must come as REPLACE: the file is refused whole.
    assert code == 1 and "REPLACE" in err and "CF-20261119-0018" in err

    def replace(rows):
        rows = one_cent(rows)
        return [rows[0]] + [r[:1] + ["REPLACE"] + r[2:] for r in rows[1:] if r[0] == "CF-20261119-0018"]

    code, out, err = import_file(desk, "confirmations", write_csv(tmp_path, "fix.csv", DATA / "confirmations.csv", replace))
    assert code == 0, err
    assert "1 atualizado," in out
    matched = trade(desk, "T20261119-0018")
    assert matched.status == "matched" and matched.breaks == []
    assert matched.confirmation.price == Decimal("50.78")


def test_a_price_just_over_tolerance_is_a_price_break(desk, tmp_path):
    def over(rows):
        out = [rows[0]]
        for r in rows[1:]:
            if r[0] == "CF-20261119-0060":  # BUY 1000 WEGE3 at 53.14; 0.05% is 0.02657
                out.append(r[:1] + ["REPLACE"] + r[2:11] + ["53.17", "BRL", "53170.00", "15.94", "53185.94"] + r[16:])
        return out

    code, _, err = import_file(desk, "confirmations", write_csv(tmp_path, "c.csv", DATA / "confirmations.csv", over))
    assert code == 0, err
    assert trade(desk, "T20261119-0060").breaks == ["price", "net_amount"]


def test_after_each_import_the_channel_gets_the_summary_with_buttons(desk, standin):
    posts = channel_posts(standin, 2)
    trades_post, confs_post = posts[0], posts[1]
    assert "60 novas" in trades_post.text
    text = confs_post.text
    assert "50 operações casadas" in text
    assert "5 quebras" in text
    assert "5 operações sem confirmação" in text
    assert "1 confirmação sem operação" in text and "CF-20261123-9999" in text
    buttons = [e["action_id"] for b in confs_post["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["trades_breaks", "trades_pending"]


def test_the_same_files_twice_change_nothing(desk, standin):
    with desk.db.session() as s:
        audits = s.scalar(select(func.count()).select_from(AuditRecord))
        events = s.scalar(select(func.count()).select_from(TradeEvent))
    posts = len(channel_posts(standin, 2))
    for kind in ("trades", "confirmations"):
        code, out, err = import_file(desk, kind, DATA / f"{kind}.csv")
        assert code == 0, err
        assert "0 criado, 0 atualizado, 60 sem mudança" in out or "0 criado, 0 atualizado, 57 sem mudança" in out
    desk.sender.wait_idle(timeout=30)
    standin.settle()
    with desk.db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditRecord)) == audits
        assert s.scalar(select(func.count()).select_from(TradeEvent)) == events
        assert s.scalar(select(func.count()).select_from(Trade)) == 60
    assert len(channel_posts(standin, 0)) == posts


def test_replace_supersedes_and_cancel_cancels(desk, tmp_path):
    def fix_price(rows):
        return [rows[0]] + [r[:1] + ["REPLACE"] + r[2:11] + ["41.52", "BRL", "41520.00", "12.46", "41507.54"] + r[16:]
                            for r in rows[1:] if r[0] == "CF-20261123-0056"]

    code, _, err = import_file(desk, "confirmations", write_csv(tmp_path, "r.csv", DATA / "confirmations.csv", fix_price))
    assert code == 0, err
    fixed = trade(desk, "T20261123-0056")
    assert fixed.status == "matched" and fixed.breaks == []
    with desk.db.session() as s:
        conf = s.scalar(select(Confirmation).where(Confirmation.confirm_id == "CF-20261123-0056"))
        assert conf.version == 2 and conf.trans_type == "REPLACE"

    def cancel(rows):
        return [rows[0]] + [r[:1] + ["CANCEL"] + r[2:] for r in rows[1:] if r[0] == "CF-20261123-0001"]

    code, _, err = import_file(desk, "confirmations", write_csv(tmp_path, "x.csv", DATA / "confirmations.csv", cancel))
    assert code == 0, err
    gone = trade(desk, "T20261123-0001")
    assert gone.status == "unmatched" and gone.confirmation_id is None
    with desk.db.session() as s:
        assert s.scalar(select(Confirmation.status).where(Confirmation.confirm_id == "CF-20261123-0001")) == "cancelled"


def test_a_trade_booked_one_by_one_is_matched_at_once(desk):
    from models.trades.imports import book_trade

    with desk.unit_of_work(source="test") as ctx:
        booked = book_trade(ctx, trade_ref="T20261123-0099", trade_date="2026-11-23", settlement_date="2026-11-25",
                            account="FUNDO-A", side="BUY", isin="BRPETRACNPR6", ticker="PETR4", quantity="700",
                            price="37.40", currency="BRL", fees="7.85", net_amount="26187.85", broker="XPINC",
                            trader_email="ana.silva@empresa.com.br")
        assert booked.status == "matched"
        assert booked.confirmation.confirm_id == "CF-20261123-9999"  # the alleged one found its trade
    import pytest

    from models.core.errors import ValidationError

    with pytest.raises(ValidationError) as err:
        with desk.unit_of_work(source="test") as ctx:
            book_trade(ctx, trade_ref="T1", trade_date="2026-11-23", settlement_date="2026-11-20", account="FUNDO-A",
                       side="BUY", isin="BRPETRACNPR6", quantity="1", price="1", fees="0", net_amount="1",
                       broker="XPINC", trader_email="ana.silva@empresa.com.br")
    assert err.value.field == "settlement_date"


def test_a_trade_cancelled_by_the_front_office_leaves_matching(bot, desk, tmp_path):
    def cancel(rows):
        return [rows[0] + ["trans_type"]] + [r + ["CANCEL"] for r in rows[1:] if r[0] == "T20261123-0001"]

    path = write_csv(tmp_path, "cancel.csv", DATA / "trades.csv", cancel)
    code, _, err = import_file(desk, "trades", path)
    assert code == 0, err
    gone = trade(desk, "T20261123-0001")
    assert gone.status == "cancelled" and gone.confirmation_id is None
    breaks = bot.command("/trade", "breaks", user=QUESIA)
    assert "CF-20261123-0001" in breaks.text  # the broker's confirmation has no trade now
    refused = bot.command("/trade", "confirm T20261123-0001", user=QUESIA)
    assert "foi cancelada" in refused.text
    # Cancelling again changes nothing; cancelling a trade never booked is refused whole.
    assert import_file(desk, "trades", path)[0] == 0

    def unknown(rows):
        return [rows[0] + ["trans_type"], ["T20991231-0001"] + rows[1][1:] + ["CANCEL"]]

    code, _, err = import_file(desk, "trades", write_csv(tmp_path, "u.csv", DATA / "trades.csv", unknown))
    assert code == 1 and "CANCEL de T20991231-0001" in err


def test_the_summary_buttons_answer_the_person_who_clicks(bot, desk, standin):
    post = channel_posts(standin, 2)[1]
    show_breaks = [e for b in post["blocks"] if b["type"] == "actions" for e in b["elements"]][0]
    bot.click(show_breaks, user=QUESIA, channel="C0TRADES1")
    answer = standin.wait_for("response_url", where=lambda c: "quebras a resolver" in c.text)
    assert answer[0]["response_type"] == "ephemeral" and "T20261123-0052" in answer[0].text


def test_tolerances_come_from_the_settings(desk):
    desk.settings.trades_price_tolerance_pct = Decimal("2.5")  # percent
    desk.settings.trades_net_tolerance = Decimal("1000.00")  # reais
    code, _, err = import_file(desk, "confirmations", DATA / "confirmations.csv")  # matching runs again
    assert code == 0, err
    assert trade(desk, "T20261123-0056").status == "matched"  # 2% off and R$ 830 of net: inside now
    assert trade(desk, "T20261119-0012").breaks == ["net_amount"]  # R$ 3.180 of net is still too much
    assert trade(desk, "T20261123-0052").breaks == ["quantity", "net_amount"]  # quantity never has a tolerance
