"""Questions about stock in mentions and DMs, in English and Portuguese.

"do we have PRD-1042?", "is the blue chair available?", "tem parafuso M8 no estoque?",
"quantas cadeiras azuis temos?", "quanto custa a cadeira azul?" get the same answer as `/stock`,
in the thread.
"""

from __future__ import annotations

import re

from bot.declare import intent
from bot.replies import Reply
from bot.request import Request
from handlers.stock.commands import lookup
from models.stock.words import fold

SKU = re.compile(r"\b[A-Za-z]{2,5}-?\d{3,}\b")
BARCODE = re.compile(r"\b\d{8,14}\b")
STOCK_WORDS = {"estoque", "estoques", "stock", "disponivel", "disponiveis", "available", "availability",
               "inventory", "instock"}
ASKING = ("do we have", "have any", "how many", "how much", "any left", "still have", "tem algum", "tem alguma",
          "ainda tem", "a gente tem")
ASKING_WORDS = {"temos", "quantas", "quantos", "sobrou", "restam"}
# "quanto custa a cadeira azul?", "what's the price of PRD-1042?": the product card has the price.
PRICE_WORDS = {"custa", "custam", "custo", "preco", "precos", "valor", "price", "prices", "cost", "costs"}


def about_stock(text: str) -> float:
    """How sure we are that ``text`` asks about stock (0: not at all)."""
    folded = fold(text)
    found = set(folded.split())
    score = 0.0
    if SKU.search(text):
        score = 0.9
    elif BARCODE.search(text):
        score = 0.8
    if found & STOCK_WORDS:
        score = max(score, 0.7)
    if any(phrase in folded for phrase in ASKING) or found & ASKING_WORDS:
        score = max(score, 0.55)
    if found & PRICE_WORDS:
        score = max(score, 0.55)
    if "tem" in found:
        score = max(score, 0.35)
    return score


@intent(about_stock)
def answer(req: Request) -> Reply:
    return lookup(req, req.text, question=True)
