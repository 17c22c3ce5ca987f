"""Mentions and DMs about leave: "who is out tomorrow?", "quem está de férias?", "meu saldo de férias"."""

from __future__ import annotations

import re

from bot.declare import intent
from bot.replies import Reply
from bot.request import Request
from handlers.leave.commands import WEEK, balance_cmd, today_of, who_cmd
from models.core.dates import parse_day

WHO_OUT = re.compile(r"\b(who(?:'s| is)? (?:out|off|away|on (?:leave|vacation|holiday))|quem (?:est[aá] |vai estar )?"
                     r"(?:de f[eé]rias|ausente|fora|de folga|de licen[cç]a))\b", re.IGNORECASE)
MY_BALANCE = re.compile(r"\b((?:my )?(?:leave|vacation) balance|saldo de (?:f[eé]rias|aus[eê]ncias?|folgas?)|"
                        r"how many (?:vacation |leave )?days)\b", re.IGNORECASE)


def leave_intent(text: str) -> float:
    """0.8 when the text asks who is out or for a balance, else 0."""
    return 0.8 if WHO_OUT.search(text) or MY_BALANCE.search(text) else 0.0


@intent(leave_intent)
def answer_text(req: Request) -> Reply:
    text = req.text.lower()
    if MY_BALANCE.search(text) and not WHO_OUT.search(text):
        req.text = ""
        return balance_cmd(req)
    words = [w.strip("?!.,") for w in text.split()]
    when = next((w for w in words if w in WEEK or parse_day(w, today_of(req), words=True)), "")
    req.text = when
    return who_cmd(req)
