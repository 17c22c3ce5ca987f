"""Confirm, dispute and accept broker values, with four eyes, as analysts do it in Slack."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models.core.audit import AuditRecord
from models.core.errors import PermissionDenied
from models.trades.tables import TradeEvent
from tests.cast import ANA, GABRIELA, MARIANA, NICOLAS, QUESIA
from tests.conftest import pg_only
from tests.trades.conftest import DATA, channel_posts, import_file, opened_view, trade


def test_a_second_person_confirms_a_matched_trade_and_the_booker_hears_of_it(bot, desk, standin):
    resp = bot.command("/trade", "confirm T20261123-0001", user=QUESIA)  # booked by Nicolas
    assert resp.json["response_type"] == "ephemeral"
    assert "T20261123-0001 está confirmada" in resp.text
    done = trade(desk, "T20261123-0001")
    assert done.status == "confirmed" and done.confirmed_by.name == "Quésia Almeida"
    dm = standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == NICOLAS)
    assert "Quésia Almeida confirmou a sua operação T20261123-0001" in dm[0].text
    with desk.db.session() as s:
        rec = s.scalar(select(AuditRecord).where(AuditRecord.action == "trade.confirmed"))
        assert rec.before == {"status": "matched"} and rec.after == {"status": "confirmed"}
        assert rec.request_id.startswith("command:")
    again = bot.command("/trade", "confirm T20261123-0001", user=ANA)
    assert "já foi confirmada por Quésia Almeida" in again.text


def test_the_booker_may_not_confirm_their_own_trade_nor_may_the_domain(bot, desk):
    resp = bot.command("/trade", "confirm T20261123-0001", user=NICOLAS)
    assert resp.json["response_type"] == "ephemeral"
    assert "Você registrou T20261123-0001" in resp.text and "quatro olhos" in resp.text
    assert trade(desk, "T20261123-0001").status == "matched"
    from models.core.people import get_person
    from models.trades import flow as trades_flow

    with pytest.raises(PermissionDenied):
        with desk.unit_of_work(source="test") as ctx:
            ctx.actor = get_person(ctx.session, NICOLAS)
            trades_flow.confirm(ctx, "T20261123-0001")
    with pytest.raises(PermissionDenied):
        with desk.unit_of_work(source="test") as ctx:
            ctx.actor = get_person(ctx.session, ANA)
            trades_flow.accept_broker_values(ctx, "T20261123-0003")  # Ana booked it
    assert trade(desk, "T20261123-0003").status == "mismatched"


def test_whoever_imported_the_trades_may_not_confirm_them(bot, people, tmp_path):
    code, _, err = import_file(people, "trades", DATA / "trades.csv", actor=GABRIELA)
    assert code == 0, err
    assert import_file(people, "confirmations", DATA / "confirmations.csv", actor=GABRIELA)[0] == 0
    resp = bot.command("/trade", "confirm T20261123-0001", user=GABRIELA)
    assert "Você importou T20261123-0001" in resp.text
    assert trade(people, "T20261123-0001").status == "matched"
    ok = bot.command("/trade", "confirm T20261123-0001", user=QUESIA)
    assert "está confirmada" in ok.text


def test_only_the_back_office_uses_trade_and_it_says_so(bot, desk):
    resp = bot.command("/trade", "pending", user=MARIANA)
    assert "back office" in resp.text and "T2026" not in resp.text
    assert bot.command("/trade", "confirm T20261123-0001", user=MARIANA).text.count("back office") >= 1
    assert trade(desk, "T20261123-0001").status == "matched"


def test_a_break_cannot_be_confirmed_but_its_broker_values_can_be_accepted(bot, desk, standin):
    refused = bot.command("/trade", "confirm T20261123-0056", user=ANA)
    assert "não bate com a confirmação (price, net_amount)" in refused.text or "não bate" in refused.text
    assert trade(desk, "T20261123-0056").status == "mismatched"
    # The booker (Quésia) cannot accept the broker's values on her own trade.
    own = bot.click(("trade_accept:T20261123-0056", "T20261123-0056"), user=QUESIA)
    assert own.status == 200
    said = standin.wait_for("response_url", where=lambda c: "quatro olhos" in c.text)
    assert "Você registrou T20261123-0056" in said[0].text
    assert trade(desk, "T20261123-0056").status == "mismatched"
    # Ana, a second person, accepts them: the trade takes the broker's price and net amount.
    bot.click(("trade_accept:T20261123-0056", "T20261123-0056"), user=ANA)
    standin.wait_for("response_url", where=lambda c: "valores da corretora e está confirmada" in c.text)
    accepted = trade(desk, "T20261123-0056")
    assert accepted.status == "confirmed" and accepted.price == Decimal("42.35") and accepted.breaks == []
    assert accepted.net_amount == Decimal("42337.54")
    posts = channel_posts(standin, 3)
    assert any("Ana Silva aceitou os valores da corretora para T20261123-0056" in p.text for p in posts)
    with desk.db.session() as s:
        rec = s.scalar(select(AuditRecord).where(AuditRecord.action == "trade.broker_values_accepted"))
        assert Decimal(rec.before["price"]) == Decimal("41.52") and rec.before["breaks"] == ["price", "net_amount"]
        assert rec.after["confirmation"] == "CF-20261123-0056"


def test_dispute_by_command_tells_the_channel_and_the_trader(bot, desk, standin):
    missing = bot.command("/trade", "dispute T20261123-0003", user=QUESIA)
    assert "Diga por que contesta" in missing.text
    resp = bot.command("/trade", "dispute T20261123-0003 preço da corretora 2% acima do boleto <@U1>", user=QUESIA)
    assert "T20261123-0003 está contestada" in resp.text
    disputed = trade(desk, "T20261123-0003")
    assert disputed.status == "disputed" and disputed.dispute_reason.startswith("preço da corretora")
    post = [p for p in channel_posts(standin, 3) if "contestou" in p.text][0]
    assert "Quésia Almeida contestou T20261123-0003 com a BRADESCO" in post.text
    assert "&lt;@U1&gt;" in post.text  # the reason cannot ping anyone
    dm = standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == ANA)  # Ana booked it
    assert "contestou a sua operação T20261123-0003" in dm[0].text
    again = bot.command("/trade", "dispute T20261123-0003 outra vez", user=NICOLAS)
    assert "já está contestada" in again.text
    with desk.db.session() as s:
        ev = s.scalar(select(TradeEvent).where(TradeEvent.action == "disputed"))
        assert ev.from_status == "mismatched" and ev.to_status == "disputed"


def test_dispute_from_the_button_opens_a_form_that_wants_a_reason(bot, desk, standin):
    bot.click(("trade_dispute:T20261123-0009", "T20261123-0009"), user=NICOLAS)
    view = opened_view(standin)
    assert view["callback_id"] == "trade_dispute" and "T20261123-0009" in view["private_metadata"]
    empty = bot.submit(view, {"reason": ""}, user=NICOLAS)
    assert empty.json["response_action"] == "errors"
    assert "Diga por que contesta" in empty.json["errors"]["reason"]
    assert trade(desk, "T20261123-0009").status == "mismatched"
    ok = bot.submit(view, {"reason": "Preço acima do limite da ordem"}, user=NICOLAS)
    assert ok.status == 200 and not ok.body.strip("{}")
    assert trade(desk, "T20261123-0009").status == "disputed"
    standin.wait_for("chat.postEphemeral", where=lambda c: "T20261123-0009 está contestada" in c.text)


def test_show_gives_both_sides_the_breaks_and_the_history(bot, desk):
    resp = bot.command("/trade", "show t20261123-0052", user=QUESIA)
    text = resp.text
    assert "Operação T20261123-0052" in text
    assert "Confirmação da corretora CF-20261123-0052" in text
    assert "nossa 1.000 · corretora 900" in text or "nosso 1.000 · corretora 900" in text
    assert "Histórico" in text
    ids = [e["action_id"] for b in resp.json["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert ids == ["trade_accept", "trade_dispute"]
    unknown = bot.command("/trade", "show T1999", user=QUESIA)
    assert "Não existe a operação T1999" in unknown.text
    bad = bot.command("/trade", "frobnicate", user=QUESIA)
    assert "frobnicate" in bad.text and "/trade help" in bad.text


def test_pending_lists_what_is_open_with_confirm_buttons(bot, desk, standin):
    resp = bot.command("/trade", "pending", user=QUESIA)
    assert "60 operações aguardando confirmação" in resp.text
    assert "Página 1 de 2" in resp.text and "operações 1–40 de 60" in resp.text
    assert "R$ 27,50" in resp.text  # money in pt-BR
    ids = [e["action_id"] for b in resp.json["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert "trade_confirm:T20261119-0004" in ids and "trades_breaks" in ids
    # The other twenty are one click away: Next rewrites the message with them.
    nxt = next(e for b in resp.json["blocks"] if b["type"] == "actions" for e in b["elements"]
               if e["action_id"] == "trades_pending_page:next")
    bot.click(nxt, user=QUESIA)
    page = standin.wait_for("response_url", where=lambda c: "Página 2 de 2" in c.text)[0]
    assert page["replace_original"] in (True, "true") and "operações 41–60 de 60" in page.text
    # A forged page number far past the end (bigger than any SQL integer) shows the last page.
    standin.reset()
    bot.click({**nxt, "value": "9" * 40}, user=QUESIA)
    last = standin.wait_for("response_url")[0]
    assert "Página 2 de 2" in last.text and "referência" not in last.text


@pg_only()
def test_two_people_confirming_one_trade_at_once_decide_once(desk):
    from models.core.errors import Conflict
    from models.core.people import get_person
    from models.trades import flow as trades_flow

    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def confirm_as(user: str) -> None:
        try:
            with desk.unit_of_work(source="test") as ctx:
                ctx.actor = get_person(ctx.session, user)
                barrier.wait()
                trades_flow.confirm(ctx, "T20261123-0001")
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=confirm_as, args=(u,)) for u in (QUESIA, ANA)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    with desk.db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.action == "trade.confirmed")) == 1


def test_a_mention_with_a_trade_reference_or_asking_for_breaks_is_understood(bot, desk, standin):
    bot.mention("como está a T20261123-0052?", user=QUESIA, channel="C0DESK001")
    card = standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == "C0DESK001")
    assert "Operação T20261123-0052" in card[0].text and card[0].get("thread_ts")
    bot.dm("quais as quebras das operações de hoje?", user=QUESIA)
    standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == "D0DIRECT01" and "quebras a resolver" in c.text)
    bot.dm("T20261123-0052", user=MARIANA)
    refused = standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == "D0DIRECT01" and "back office" in c.text)
    assert "Operação T20261123-0052" not in refused[-1].text
