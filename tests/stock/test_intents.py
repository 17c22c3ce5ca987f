"""Mentions and DMs about stock, in English and Portuguese, answered in the thread."""

from __future__ import annotations

from handlers.stock.intents import about_stock
from tests.cast import MARIANA


def replies(standin, channel: str, count: int = 1):
    return standin.wait_for("chat.postMessage", count, where=lambda c: c.get("channel") == channel)


def test_mention_with_a_sku_gets_the_card_in_the_thread(bot, standin, catalogue):
    resp = bot.mention("do we have PRD-2009?", user=MARIANA, channel="C0SALES01")
    assert resp.status == 200
    msg = replies(standin, "C0SALES01")[-1]
    assert "Mesa de escritório 120 cm" in msg.text and "Em estoque 4" in msg.text
    assert msg.get("thread_ts")  # in the thread of the question, not in the channel


def test_english_question_about_the_blue_chair(bot, standin, catalogue):
    standin.add_user("U0ENGLISH", name="Emma Stone", email="emma@empresa.com.br", locale="en-US")
    bot.mention("is the blue chair available?", user="U0ENGLISH", channel="C0SALES01")
    msg = replies(standin, "C0SALES01")[-1]
    assert "Cadeira ergonômica azul" in msg.text and "Total available: 13 UN" in msg.text
    assert "preta" not in msg.text


def test_portuguese_dm_about_bolts_lists_the_m8_bolts(bot, standin, catalogue):
    bot.dm("tem parafuso M8 no estoque?", user=MARIANA)
    msg = replies(standin, "D0DIRECT01")[-1]
    assert "Parafuso sextavado M8 x 40" in msg.text and "Parafuso sextavado M8 x 60" in msg.text
    assert "M6" not in msg.text
    assert not msg.get("thread_ts")  # a DM answers in the conversation


def test_how_many_blue_chairs_in_portuguese(bot, standin, catalogue):
    bot.dm("quantas cadeiras azuis temos?", user=MARIANA)
    msg = replies(standin, "D0DIRECT01")[-1]
    assert "Cadeira ergonômica azul" in msg.text and "Total disponível: 13 UN" in msg.text


def test_a_stock_question_about_nothing_we_sell_says_so(bot, standin, catalogue):
    bot.dm("tem abacaxi no estoque?", user=MARIANA)
    msg = replies(standin, "D0DIRECT01")[-1]
    assert "Nada encontrado para “tem abacaxi no estoque?”" in msg.text


def test_a_question_without_a_product_asks_which(bot, standin, catalogue):
    bot.dm("what do we have in stock?", user=MARIANA)
    msg = replies(standin, "D0DIRECT01")[-1]
    assert "Qual produto?" in msg.text


def test_text_not_about_stock_gets_a_pointer_to_help(bot, standin, catalogue):
    bot.mention("qual é a capital da França?", user=MARIANA, channel="C0SALES01")
    msg = replies(standin, "C0SALES01")[-1]
    assert "Não entendi" in msg.text and "`help`" in msg.text


def test_small_talk_gets_a_greeting_that_points_to_help(bot, standin, catalogue):
    bot.mention("bom dia, tudo bem?", user=MARIANA, channel="C0SALES01")
    msg = replies(standin, "C0SALES01")[-1]
    assert msg.text.startswith("Oi, Mariana Souza!") and "`help`" in msg.text and "Não entendi" not in msg.text


def test_intent_scores_stock_questions_and_ignores_other_talk():
    for question in ("do we have PRD-1042?", "is the blue chair available?", "tem parafuso M8 no estoque?",
                     "quantas cadeiras azuis temos?", "any 7890000007061 left?"):
        assert about_stock(question) >= 0.5, question
    for other in ("who is out tomorrow?", "bom dia", "/incident list", "aprovar férias da Ana"):
        assert about_stock(other) == 0, other


def test_a_price_question_gets_the_card_with_its_price_in_reais(bot, standin, catalogue):
    bot.mention("quanto custa a cadeira azul?", user=MARIANA, channel="C0SALES01")
    msg = replies(standin, "C0SALES01")[-1]
    assert "Cadeira ergonômica azul" in msg.text and "R$ 1.499,90" in msg.text
    assert "preta" not in msg.text
