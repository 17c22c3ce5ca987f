"""Words of product names and questions: accents, plurals, English synonyms, filler words.

Salespeople type fast, without accents, in Portuguese or English ("cadeiras azuis", "blue
chair"); the catalogue says "Cadeira ergonômica azul". Both sides go through the same
normalisation so they meet in the middle.
"""

from __future__ import annotations

import functools

from models.core.text import fold_words

# Function words that carry no product meaning in a search.
FILLER = frozenset(
    "a o os as um uma uns umas de do da dos das e em no na nos nas com para por pra pro "
    "the an of for with and in on to".split()
)

# Words of a question about stock, removed before searching ("tem parafuso M8 no estoque?").
QUESTION = FILLER | frozenset(
    """
    do we you i they have has had got is are was there any some stock stocks in-stock instock available
    availability how many much left still can could please check show tell me us about what whats which
    where our my does did qty quantity inventory units unit item items product products sku
    tem temos tens ha existe existem estoque estoques disponivel disponiveis disponibilidade quanto quanta
    quantos quantas ainda voce voces pode podem ver consultar consulta diz diga me mostra mostre qual quais
    saldo sobrou sobraram sobra restam resta tenho temos vende vendemos algum alguma alguns algumas
    item itens produto produtos unidade unidades sobre o que
    custa custam custo preco precos valor price prices cost costs whats
    """.split()
)

# English -> Portuguese, for an English question about a Portuguese catalogue (and back).
SYNONYMS = {
    "chair": "cadeira", "office": "escritorio", "desk": "mesa", "table": "mesa", "blue": "azul",
    "black": "preta", "grey": "cinza", "gray": "cinza", "white": "branca", "red": "vermelha",
    "green": "verde", "yellow": "amarela", "bolt": "parafuso", "screw": "parafuso", "nut": "porca",
    "washer": "arruela", "glove": "luva", "tape": "fita", "cable": "cabo", "paper": "papel",
    "laptop": "notebook", "screen": "monitor", "display": "monitor", "ergonomic": "ergonomica",
    "hex": "sextavado", "flat": "lisa", "adhesive": "adesiva", "box": "caixa", "ream": "resma",
    "small": "p", "medium": "m", "large": "g", "inch": "pol", "clear": "transparente",
}


def fold(text: object) -> str:
    """Lower case, accents removed, anything but letters and digits turned into spaces."""
    return fold_words(str(text))  # a cell of an imported file may be a number


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light Portuguese/English singular: cadeiras -> cadeira, azuis -> azul, botões -> botao."""
    if len(word) < 4 or not word.isalpha():
        return word
    for plural, singular in (("oes", "ao"), ("aes", "ao"), ("ais", "al"), ("eis", "el"), ("uis", "ul"),
                             ("ois", "ol"), ("res", "r"), ("zes", "z")):
        if word.endswith(plural):
            return word[: -len(plural)] + singular
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The searchable words of a name or a query, folded and singular (``M8`` stays one word)."""
    return [stem(w) for w in fold(text).split()]


def query_words(text: str, *, question: bool = False) -> list[str]:
    """The words worth searching for in what someone typed (filler and question words dropped)."""
    drop = QUESTION if question else FILLER
    found = [stem(w) for w in fold(text).split() if w not in drop]
    found = [w for w in found if w not in drop]
    return found or ([] if question else words(text))
