"""A broker's amendment after confirmation reopens the trade; zero quantities and prices are refused;
every import says who imported it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from models.core.audit import AuditRecord
from models.core.errors import Conflict
from models.trades.tables import Confirmation, Trade
from tests.cast import ANA, GABRIELA, NICOLAS, QUESIA
from tests.trades.conftest import DATA, channel_posts, import_file, trade, write_csv


def resend(tmp_path, confirm_id: str, kind: str, price: str | None = None):
    """A broker file with one message: ``confirm_id`` again as REPLACE (at ``price``) or CANCEL."""
    def edit(rows):
        out = [rows[0]]
        for r in rows[1:]:
            if r[0] == confirm_id:
                r = r[:1] + [kind] + r[2:]
                if price is not None:
                    qty, fees = int(r[10]), Decimal(r[14])
                    gross = Decimal(price) * qty
                    r[11], r[13], r[15] = price, f"{gross:.2f}", f"{gross + fees:.2f}"  # BUY: net = gross + fees
                r[16] = "2026-11-24T10:00:00-03:00"
                out.append(r)
        return out
    return write_csv(tmp_path, f"{confirm_id}-{kind}.csv", DATA / "confirmations.csv", edit)


def test_a_replace_after_confirmation_reopens_the_trade_and_tells_who_confirmed_it(bot, desk, standin, tmp_path):
    assert "está confirmada" in bot.command("/trade", "confirm T20261123-0001", user=QUESIA).text  # booked by Nicolas
    code, _, err = import_file(desk, "confirmations", resend(tmp_path, "CF-20261123-0001", "REPLACE", "12.08"))
    assert code == 0, err
    reopened = trade(desk, "T20261123-0001")
    assert reopened.status == "mismatched" and reopened.breaks == ["price", "net_amount"]
    assert reopened.confirmed_by_id is None and reopened.confirmed_at is None
    assert reopened.confirmation.confirm_id == "CF-20261123-0001" and reopened.confirmation.version == 2
    with desk.db.session() as s:
        rec = s.scalar(select(AuditRecord).where(AuditRecord.action == "trade.reopened"))
        assert rec.before["status"] == "confirmed" and rec.before["confirmed_by"] == "Quésia Almeida"
        assert rec.after["why"] == "replaced" and "price" in rec.after["changed"]
    dm = standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == QUESIA and "substituiu" in c.text)
    assert "A corretora substituiu CF-20261123-0001 depois que você confirmou T20261123-0001" in dm[0].text
    assert "mudou: preço, valor líquido" in dm[0].text
    post = [p for p in channel_posts(standin, 4) if "reaberta" in p.text]
    assert post and "Quésia Almeida" in post[0].text
    card = bot.command("/trade", "show T20261123-0001", user=ANA).text
    assert "confirmada" in card and "reaberta (a corretora substituiu CF-20261123-0001)" in card
    assert "divergente" in card
    # Confirmed again by someone else once the break is settled: accept the broker's new values.
    assert "está confirmada" in bot.command("/trade", "accept T20261123-0001", user=ANA).text
    assert trade(desk, "T20261123-0001").price == Decimal("12.08")


def test_a_cancel_after_confirmation_sends_the_trade_back_to_no_confirmation(bot, desk, standin, tmp_path):
    assert "está confirmada" in bot.command("/trade", "confirm T20261123-0017", user=QUESIA).text
    code, _, err = import_file(desk, "confirmations", resend(tmp_path, "CF-20261123-0017", "CANCEL"))
    assert code == 0, err
    back = trade(desk, "T20261123-0017")
    assert back.status == "unmatched" and back.confirmation_id is None and back.confirmed_by_id is None
    dm = standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == QUESIA and "cancelou" in c.text)
    assert "voltou a ficar sem confirmação" in dm[0].text
    card = bot.command("/trade", "show T20261123-0017", user=ANA).text
    assert "reaberta (a corretora cancelou CF-20261123-0017) → sem confirmação" in card


def test_the_same_terms_sent_again_as_replace_leave_the_confirmation_standing(bot, desk, tmp_path):
    bot.command("/trade", "confirm T20261123-0001", user=QUESIA)
    code, _, err = import_file(desk, "confirmations", resend(tmp_path, "CF-20261123-0001", "REPLACE"))
    assert code == 0, err
    assert trade(desk, "T20261123-0001").status == "confirmed"


def test_zero_quantities_and_prices_are_refused_row_numbered(people, tmp_path):
    def zero(rows):
        rows[1][10] = "0"  # quantity
        rows[2][11], rows[2][13], rows[2][15] = "0", "0.00", rows[2][14]  # price (a BUY: net = fees)
        return rows

    code, out, err = import_file(people, "confirmations", write_csv(tmp_path, "c.csv", DATA / "confirmations.csv", zero))
    assert code == 1 and out == ""
    assert "linha 2 [quantity]" in err and "maior que zero" in err
    assert "linha 3 [price]" in err and "O preço deve ser maior que zero" in err

    def zero_price(rows):
        rows[1][8], rows[1][11] = "0", rows[1][10]  # trades: price 0 (net = fees)
        return rows

    code, _, err = import_file(people, "trades", write_csv(tmp_path, "t.csv", DATA / "trades.csv", zero_price))
    assert code == 1 and "linha 2 [price]" in err


def test_accepting_broker_values_never_books_a_zero_quantity(desk):
    """Data from before the rule (a confirmation for 0 shares) cannot be accepted into a trade."""
    from models.core.people import get_person
    from models.trades.flow import accept_broker_values

    with desk.db.session() as s:
        conf = s.scalar(select(Confirmation).where(Confirmation.confirm_id == "CF-20261123-0052"))
        conf.quantity, conf.net_amount = 0, Decimal("3.70")
        s.commit()
    with pytest.raises(Conflict):
        with desk.unit_of_work(source="test") as ctx:
            ctx.actor = get_person(ctx.session, QUESIA)
            accept_broker_values(ctx, "T20261123-0052")
    assert trade(desk, "T20261123-0052").quantity == 1000


def test_an_import_without_an_identity_is_refused_unless_an_operator_is_configured(people):
    code, out, err = import_file(people, "trades", DATA / "trades.csv", actor=None)
    assert code == 1 and "--as" in err and "IMPORT_OPERATOR" in err and "quatro olhos" in err
    with people.db.session() as s:
        assert s.scalar(select(Trade).limit(1)) is None
    people.settings.import_operator = "nobody@empresa.com.br"
    code, _, err = import_file(people, "confirmations", DATA / "confirmations.csv", actor=None)
    assert code == 1 and "nobody@empresa.com.br" in err
    people.settings.import_operator = "gabriela.santos@empresa.com.br"
    assert import_file(people, "trades", DATA / "trades.csv", actor=None)[0] == 0
    assert trade(people, "T20261123-0001").imported_by_id == people.person_id_for_slack_user(GABRIELA)
    assert import_file(people, "trades", DATA / "trades.csv", actor=NICOLAS)[0] == 0  # --as wins: nothing changed
