"""An ETA already past reads as late, never as upcoming; a product with no reorder level is never "low"."""

from __future__ import annotations

from tests.cast import MARIANA
from tests.stock.conftest import CATALOGUE

STOCK_CHANNEL = "C0STOCK01"
# Today is 25/11/2026: one shipment was due on 20/11 and has not arrived, one is due on 10/12.
LATE = ("PRD-2101", "7890000021001", "Grampeador de mesa", "SP-CD01", 0, 0, 50, "2026-11-20", 100, 20, "35,00")
SOON = ("PRD-2101", "7890000021001", "Grampeador de mesa", "RJ-CD02", 2, 0, 30, "2026-12-10", 100, 20, "35,00")
NO_LEVEL = ("PRD-2102", "7890000021002", "Clipe galvanizado", "SP-CD01", 0, 0, 0, "", 0, 0, "4,00")


def test_a_shipment_due_before_today_is_marked_late_on_the_card_and_in_low(bot, importer):
    code, _out, err = importer.file([*CATALOGUE, LATE, SOON, NO_LEVEL])
    assert code == 0, err
    card = bot.command("/stock", "PRD-2101", user=MARIANA).text
    assert "a chegar 50, atrasado: previsto para 20 de nov. de 2026" in card
    assert "a chegar 30, previsto para 10 de dez. de 2026" in card
    assert "próxima chegada atrasada: prevista para 20 de nov. de 2026" in card
    low = bot.command("/stock", "low", user=MARIANA).text
    assert "Grampeador de mesa" in low and "80 a chegar (:warning: atrasado: previsto para 20 de nov. de 2026)" in low


def test_a_product_without_a_reorder_level_is_never_listed_or_alerted_as_low(bot, standin, importer):
    code, _out, err = importer.file([*CATALOGUE, NO_LEVEL])
    assert code == 0, err
    low = bot.command("/stock", "low", user=MARIANA).text
    assert "Clipe galvanizado" not in low and "projetado 0 de 0" not in low
    standin.settle()
    assert all("Clipe galvanizado" not in m.text for m in standin.messages(STOCK_CHANNEL))
    card = bot.command("/stock", "PRD-2102", user=MARIANA).text
    assert "No ponto de reposição ou abaixo" not in card and "Clipe galvanizado" in card
