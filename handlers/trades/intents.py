"""Free text in a mention or a DM: "@backoffice T20261123-0052?", "quebras de operações", "trades pending"."""

from __future__ import annotations

import re

from bot.declare import intent
from bot.replies import Reply
from bot.request import Request
from handlers.trades.breaks import all_breaks
from handlers.trades.commands import pending, show
from models.core.people import Role
from models.core.text import fold

REF = re.compile(r"\b(T\d{8}-\d{4})\b", re.IGNORECASE)
TRADE_WORDS = re.compile(r"\b(trades?|operac(ao|oes)|boletas?)\b")
BREAK_WORDS = re.compile(r"\b(breaks?|quebras?|mismatch\w*|divergen\w*)\b")
PENDING_WORDS = re.compile(r"\b(pending|pendentes?|unconfirmed|sem confirmacao|nao confirmadas?)\b")


def match(text: str) -> float:
    """A trade reference is unmistakable; "trade" words with "breaks" or "pending" are likely."""
    if REF.search(text):
        return 0.9
    plain = fold(text)
    if TRADE_WORDS.search(plain) and (BREAK_WORDS.search(plain) or PENDING_WORDS.search(plain)):
        return 0.7
    return 0.0


@intent(match)
def answer(req: Request) -> Reply:
    req.actor.require(Role.backoffice)
    found = REF.search(req.text)
    if found:
        req.text = found.group(1)
        return show(req)
    if BREAK_WORDS.search(fold(req.text)):
        return all_breaks(req)
    return pending(req)
