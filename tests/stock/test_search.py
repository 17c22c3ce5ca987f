"""A salesperson asks `/stock ...` in Slack and gets availability per warehouse."""

from __future__ import annotations

import threading

from tests.cast import MARIANA
from tests.stock.conftest import CATALOGUE


def buttons(resp) -> list[dict]:
    found = []
    for block in resp.json.get("blocks", []):
        if block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
        found.extend(e for e in block.get("elements", []) if e.get("type") == "button")
    return found


def mrkdwn(resp) -> str:
    """The message text and every mrkdwn text in it: where Slack would turn <!channel> into a ping."""
    parts = [resp.json.get("text", "")]

    def walk(obj):
        if isinstance(obj, dict):
            if obj.get("type") == "mrkdwn":
                parts.append(obj.get("text", ""))
            for value in obj.values():
                walk(value)
        elif isinstance(obj, list):
            for value in obj:
                walk(value)

    walk(resp.json.get("blocks", []))
    return "\n".join(parts)


def test_exact_sku_gets_the_card_per_warehouse_in_portuguese(bot, catalogue):
    resp = bot.command("/stock", "PRD-2001", user=MARIANA)
    assert resp.status == 200
    assert resp.json["response_type"] == "ephemeral"
    text = resp.text
    assert "Cadeira ergonômica azul" in text
    assert "SP-CD01" in text and "RJ-CD02" in text
    assert "Em estoque 12 · reservado 2 · *disponível 10*" in text
    assert "a chegar 20, previsto para 10 de dez. de 2026" in text
    assert "Total disponível: 13 UN" in text
    assert "R$ 1.499,90" in text
    assert "Estoque de 25/11/2026 08:00" in text


def test_sku_is_found_whatever_the_case_and_dashes_and_by_barcode(bot, catalogue):
    assert "Parafuso sextavado M8 x 40" in bot.command("/stock", "prd2003", user=MARIANA).text
    assert "Parafuso sextavado M8 x 40" in bot.command("/stock", "prd-2003", user=MARIANA).text
    by_barcode = bot.command("/stock", "7890000020006", user=MARIANA)
    assert "Porca sextavada M8" in by_barcode.text and "Em estoque 900" in by_barcode.text


def test_words_without_accents_find_the_product(bot, catalogue):
    resp = bot.command("/stock", "cadeira ergonomica azul", user=MARIANA)
    text = resp.text
    assert "Cadeira ergonômica azul" in text and "Total disponível: 13 UN" in text  # one clear answer: its card
    assert "preta" not in text


def test_several_bolts_come_as_a_list_whose_button_opens_the_card(bot, standin, catalogue):
    resp = bot.command("/stock", "parafuso m8", user=MARIANA)
    text = resp.text
    assert "2 produtos encontrados para “parafuso m8”" in text
    assert "Parafuso sextavado M8 x 40" in text and "Parafuso sextavado M8 x 60" in text
    assert "M6" not in text and "Porca" not in text
    opens = [b for b in buttons(resp) if b["action_id"].startswith("stock_open")]
    assert [b["value"] for b in opens] == ["PRD-2003", "PRD-2004"]
    assert len({b["action_id"] for b in opens}) == 2  # Slack wants unique action ids in one message
    click = bot.click(opens[1], user=MARIANA)
    assert click.status == 200
    shown = standin.wait_for("response_url")[-1]
    assert "Parafuso sextavado M8 x 60" in shown.text and "MG-CD03" in shown.text
    assert shown["response_type"] == "ephemeral"


def test_typos_still_find_it(bot, catalogue):
    assert "Office chair mesh" in bot.command("/stock", "ofice chiar", user=MARIANA).text
    assert "Toner HP 58A" in bot.command("/stock", "tonner hp", user=MARIANA).text
    plural = bot.command("/stock", "cadeiras azuis", user=MARIANA).text
    assert "Cadeira ergonômica azul" in plural and "preta" not in plural


def test_nothing_found_suggests_close_products_and_how_to_search(bot, catalogue):
    resp = bot.command("/stock", "cadeira gamer vermelha", user=MARIANA)
    text = resp.text
    assert "Nada encontrado para “cadeira gamer vermelha”" in text
    assert "Você quis dizer" in text and "Cadeira ergonômica" in text
    assert "/stock PRD-1042" in text
    nothing = bot.command("/stock", "xyzzy", user=MARIANA).text
    assert "Nada encontrado" in nothing and "Você quis dizer" not in nothing


def test_out_of_stock_card_offers_to_watch(bot, catalogue):
    resp = bot.command("/stock", "PRD-2008", user=MARIANA)
    assert "Total disponível: 0 UN" in resp.text
    assert "A chegar 30; projetado 30" in resp.text
    watch = [b for b in buttons(resp) if b["action_id"].startswith("stock_watch")]
    assert watch and watch[0]["value"] == "PRD-2008"


def test_user_text_cannot_ping_or_break_the_message(bot, importer):
    evil = [("PRD-6666", "", "Caixa <!channel> & <@U070000023>", "SP-CD01", 1, 0, 0, "", 0, 0, "1,00")]
    assert importer.file(evil)[0] == 0
    resp = bot.command("/stock", "PRD-6666", user=MARIANA)
    assert "&lt;!channel&gt; &amp; &lt;@U070000023&gt;" in resp.json["text"]
    assert "<!channel>" not in mrkdwn(resp) and "<@U070000023>" not in mrkdwn(resp)
    assert "&lt;!channel&gt;" in mrkdwn(resp)
    query = bot.command("/stock", "<!here> nada", user=MARIANA)
    assert "<!here>" not in mrkdwn(query) and "&lt;!here&gt;" in mrkdwn(query)


def test_english_speakers_get_english(bot, standin, catalogue):
    standin.add_user("U0ENGLISH", name="Emma Stone", email="emma@empresa.com.br", locale="en-US")
    resp = bot.command("/stock", "PRD-2009", user="U0ENGLISH")
    text = resp.text
    assert "On hand 4 · reserved 4 · *available 0*" in text
    assert "Total available: 0 UN" in text
    assert "R$1,187.08" in text
    assert "At or below its reorder level (10)" in text


def test_help_lists_every_stock_command(bot, people):
    text = bot.command("/stock", "help", user=MARIANA).text
    for usage in ("/stock low", "/stock watch [sku]", "/stock unwatch <sku>", "/stock <sku, código de barras"):
        assert usage in text


def test_bare_command_says_what_to_type(bot, people):
    resp = bot.command("/stock", "", user=MARIANA)
    assert resp.json["response_type"] == "ephemeral"
    assert "Diga o que você procura" in resp.text and "/stock parafuso m8" in resp.text


def test_index_follows_imports_without_a_restart(bot, catalogue):
    assert "Nada encontrado" in bot.command("/stock", "grampeador", user=MARIANA).text
    new = [("PRD-3001", "", "Grampeador de mesa", "SP-CD01", 15, 0, 0, "", 0, 0, "35,00")]
    assert catalogue.file(new)[0] == 0
    assert "Grampeador de mesa" in bot.command("/stock", "grampeador", user=MARIANA).text
    # And what was there stays findable.
    assert len(CATALOGUE) and "Porca sextavada M8" in bot.command("/stock", "porca", user=MARIANA).text


def test_demo_snapshot_answers_the_product_examples(bot, demo_stock):
    card = bot.command("/stock", "PRD-1042", user=MARIANA).text
    assert "Mesa de escritório 120 cm" in card and "Total disponível: 1.390 UN" in card
    bolts = bot.command("/stock", "parafuso m8", user=MARIANA).text
    assert "Parafuso sextavado M8 x 40" in bolts and "Porca" not in bolts
    chairs = bot.command("/stock", "cadeira ergonomica azul", user=MARIANA).text
    assert "Cadeira ergonômica azul" in chairs and "preta" not in chairs


def test_a_big_catalogues_rebuild_does_not_hold_up_answers(bot, catalogue, monkeypatch):
    from models.stock import search

    assert "Porca sextavada M8" in bot.command("/stock", "porca", user=MARIANA).text
    for index in search._cache.values():
        index.build_seconds = 7200.0  # a huge catalogue: longer than a request would wait
    monkeypatch.setattr(search, "REBUILD_WAIT", 3600.0)  # were a request to wait anyway, this test would hang
    gate, started = threading.Event(), threading.Event()
    load = search._load

    def slow_load(session, stamp):  # type: ignore[no-untyped-def]
        started.set()
        gate.wait(60)
        return load(session, stamp)

    monkeypatch.setattr(search, "_load", slow_load)
    new = [("PRD-3001", "", "Grampeador de mesa", "SP-CD01", 15, 0, 0, "", 0, 0, "35,00")]
    assert catalogue.file(new)[0] == 0
    try:
        # While the new index is built aside, the old one answers: what was there is found...
        assert "Porca sextavada M8" in bot.command("/stock", "porca", user=MARIANA).text
        assert started.wait(30)  # the rebuild is under way aside (its thread may start a moment after the answer)
        # ... and the new product not yet (its quantities would be right once it is).
        assert "Nada encontrado" in bot.command("/stock", "grampeador", user=MARIANA).text
    finally:
        gate.set()
    for worker in list(search._building.values()):
        worker.join(60)
    assert "Grampeador de mesa" in bot.command("/stock", "grampeador", user=MARIANA).text


def test_products_that_tie_come_in_catalogue_order_every_time():
    from models.stock.search import CatalogueIndex

    # 400 products of the same name: more ties than the search ranks, so the cut must not be arbitrary.
    rows = [(n, f"PRD-{n:04d}", None, "Cadeira azul") for n in range(1, 401)]
    rows += [(401, "PRD-0401", None, "Cadeira azul giratória"), (402, "PRD-0402", None, "Mesa azul")]
    index = CatalogueIndex("t", rows)
    hits = index.search("cadeira azul").hits
    assert [pid for pid, _score in hits] == list(range(1, 9))
    assert [pid for pid, _ in index.search("cadiera azul").hits] == list(range(1, 9))  # a typo: the same first eight
    assert 401 not in [pid for pid, _ in hits]  # the longer name ranks after the exact ones


def test_an_answer_slower_than_slacks_three_seconds_still_reaches_the_seller(bot, standin, catalogue, monkeypatch):
    from bot.slack import ack
    from handlers.stock import commands

    monkeypatch.setattr(ack, "ANSWER_DEADLINE", 0.2)  # stands for Slack's 3 s, without waiting them
    release = threading.Event()
    search = commands.search

    def slow_search(*args, **kwargs):  # type: ignore[no-untyped-def]
        release.wait(30)  # e.g. the first search of a huge catalogue, building its index
        return search(*args, **kwargs)

    monkeypatch.setattr(commands, "search", slow_search)
    try:
        reply = bot.command("/stock", "porca", user=MARIANA)
        # Slack got its answer in time: empty, so the seller sees no "operation timed out"...
        assert reply.status == 200 and reply.text == ""
    finally:
        release.set()
    # ... and the answer follows through the command's response_url, to the seller alone.
    [late] = standin.wait_for("response_url")
    assert "Porca sextavada M8" in late.text
    assert late.get("response_type") == "ephemeral" and late.get("replace_original") is False
