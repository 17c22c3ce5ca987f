"""Low stock: the list, and the channel alert once per crossing. Watches: a DM when it is back."""

from __future__ import annotations

from sqlalchemy import func, select

from models.core.audit import AuditRecord
from models.stock.tables import StockWatch
from tests.cast import CARLA, MARIANA
from tests.conftest import pg_only
from tests.stock.conftest import CATALOGUE

STOCK_CHANNEL = "C0STOCK01"

TONER = ("PRD-2008", "7890000020008", "Toner HP 58A", "SP-CD01")
MESA = ("PRD-2009", "7890000020009", "Mesa de escritório 120 cm", "SP-CD01")


def toner(on_hand: int, incoming: int = 0) -> list[tuple]:
    return [(*TONER, on_hand, 0, incoming, "2026-12-02" if incoming else "", 10, 20, "410,00")]


def mesa(on_hand: int, reserved: int = 4) -> list[tuple]:
    return [(*MESA, on_hand, reserved, 0, "", 10, 20, "1.187,08")]


def alerts(standin) -> list:
    standin.settle()
    return standin.messages(STOCK_CHANNEL)


def test_low_lists_items_at_or_below_reorder_level_worst_first(bot, catalogue):
    assert catalogue.file(toner(8))[0] == 0  # projected 8 of 10
    text = bot.command("/stock", "low", user=MARIANA).text
    assert "2 produtos no ponto de reposição ou abaixo" in text
    assert text.index("Mesa de escritório 120 cm") < text.index("Toner HP 58A")  # 0 of 10 before 8 of 10
    assert "projetado 0 de 10" in text and "projetado 8 de 10" in text
    assert "Cadeira" not in text and "Parafuso" not in text


def test_low_says_so_when_nothing_is_low(bot, importer):
    assert importer.file([(*TONER, 100, 0, 0, "", 10, 20, "410,00")])[0] == 0
    assert "Nenhum produto está no ponto de reposição" in bot.command("/stock", "low", user=MARIANA).text


def test_channel_hears_about_a_crossing_once_until_it_recovers_and_falls_again(bot, standin, catalogue):
    first = alerts(standin)
    assert len(first) == 1  # the first snapshot: the desk is already at 0 of 10
    assert "Mesa de escritório 120 cm" in first[0].text and "Toner" not in first[0].text
    assert "1 produto chegou ao ponto de reposição" in first[0].text

    assert catalogue.file(toner(5))[0] == 0
    posted = alerts(standin)
    assert len(posted) == 2 and "Toner HP 58A" in posted[-1].text and "projetado 5 de 10" in posted[-1].text

    assert catalogue.file(toner(3))[0] == 0  # lower still: same crossing, no new post
    assert len(alerts(standin)) == 2
    assert catalogue.file(toner(50))[0] == 0  # back above
    assert len(alerts(standin)) == 2
    assert catalogue.file(toner(0, incoming=10))[0] == 0  # projected 10 <= 10: a new crossing
    posted = alerts(standin)
    assert len(posted) == 3 and "Toner HP 58A" in posted[-1].text
    with catalogue.runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditRecord)
                        .where(AuditRecord.action == "stock.low_crossed")) == 3


def test_watch_then_back_in_stock_dm_once(bot, standin, catalogue):
    resp = bot.command("/stock", "watch PRD-2009", user=MARIANA)
    assert "Vou te avisar por DM quando Mesa de escritório 120 cm (PRD-2009) voltar ao estoque" in resp.text
    again = bot.command("/stock", "watch prd-2009", user=MARIANA)
    assert "Você já acompanha" in again.text
    listed = bot.command("/stock", "watch", user=MARIANA).text
    assert "Você acompanha 1 produto" in listed and "PRD-2009" in listed

    assert catalogue.file(mesa(4, reserved=4))[0] == 0  # still nothing available
    standin.settle()
    assert not standin.messages(MARIANA)
    assert catalogue.file(mesa(10, reserved=4))[0] == 0
    dm = standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == MARIANA)
    assert len(dm) == 1
    assert "Mesa de escritório 120 cm" in dm[0].text and "voltou ao estoque: 6 disponíveis" in dm[0].text

    assert catalogue.file(mesa(0, reserved=0))[0] == 0
    assert catalogue.file(mesa(8, reserved=0))[0] == 0  # back again, but the watch has ended
    standin.settle()
    assert len(standin.messages(MARIANA)) == 1
    assert "não acompanha nenhum produto" in bot.command("/stock", "watch", user=MARIANA).text


def test_the_watch_button_on_a_card_and_unwatch(bot, standin, catalogue, runtime):
    card = bot.command("/stock", "PRD-2009", user=CARLA)
    button = next(b for blk in card.json["blocks"] if blk["type"] == "actions" for b in blk["elements"])
    assert button["action_id"] == "stock_watch:PRD-2009"
    bot.click(button, user=CARLA)
    reply = standin.wait_for("response_url")[-1]
    assert "Vou te avisar" in reply.text
    card = bot.command("/stock", "PRD-2009", user=CARLA)
    assert "Parar de acompanhar" in card.text
    gone = bot.command("/stock", "unwatch PRD-2009", user=CARLA)
    assert "Você deixou de acompanhar Mesa de escritório 120 cm" in gone.text
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(StockWatch)) == 0
        actions = set(s.scalars(select(AuditRecord.action).where(AuditRecord.action.like("stock.watch%"))))
        assert actions == {"stock.watch_started", "stock.watch_stopped"}


def test_watch_mistakes_get_friendly_answers(bot, catalogue):
    in_stock = bot.command("/stock", "watch PRD-2002", user=MARIANA)
    assert "já está em estoque: 35 disponíveis" in in_stock.text
    unknown = bot.command("/stock", "watch PRD-9999", user=MARIANA)
    assert unknown.json["response_type"] == "ephemeral"
    assert "Nenhum produto tem o SKU ou código de barras “PRD-9999”" in unknown.text
    not_watching = bot.command("/stock", "unwatch PRD-2009", user=MARIANA)
    assert "Você não acompanha PRD-2009" in not_watching.text
    bare = bot.command("/stock", "unwatch", user=MARIANA)
    assert "/stock unwatch PRD-1042" in bare.text


@pg_only()
def test_two_watch_clicks_at_once_make_one_watch(catalogue, runtime):
    import threading

    from models.core.people import Person
    from models.stock.flow import watch

    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def click() -> None:
        with runtime.unit_of_work(source="test") as ctx:
            ctx.actor = ctx.session.scalar(select(Person).where(Person.slack_user_id == MARIANA))
            barrier.wait()
            outcomes.append(watch(ctx, "PRD-2009").status)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already", "watching"]
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(StockWatch)) == 1


def test_a_seller_watching_fifty_products_pages_through_all_of_them(bot, standin, catalogue):
    skus = [f"PRD-{5000 + n}" for n in range(50)]  # MAX_WATCHES: the most one may watch
    rows = [(sku, "", f"Luva nitrílica lote {n}", "SP-CD01", 0, 0, 0, "", 10, 20, "9,90") for n, sku in enumerate(skus)]
    assert catalogue.file(CATALOGUE + rows)[0] == 0
    for sku in skus:
        assert "Vou te avisar" in bot.command("/stock", f"watch {sku}", user=MARIANA).text
    first = bot.command("/stock", "watch", user=MARIANA)
    assert "Você acompanha 50 produtos" in first.text and "Mostrando 1–20 de 50" in first.text
    seen = [sku for sku in skus if sku in first.text]
    assert len(first.json["blocks"]) <= 50
    reply = first.json
    while True:
        nxt = [b for blk in reply["blocks"] if blk["type"] == "actions" for b in blk["elements"]
               if b["action_id"] == "stock_watch_page:next"]
        if not nxt:
            break
        standin.reset()
        bot.click(nxt[0], user=MARIANA)
        page = standin.wait_for("response_url")[-1]
        assert page.get("replace_original") is True and len(page.get("blocks")) <= 50
        seen += [sku for sku in skus if sku in page.text]
        reply = {"blocks": page.get("blocks")}
    assert sorted(seen) == sorted(skus)  # every one of the fifty, each once
