"""Mentions and DMs that sound like something broke ("o ERP caiu", "VPN is down"): point to /incident."""

from __future__ import annotations

import re

from bot.declare import intent
from bot.replies import Reply
from bot.request import Request
from models.core.text import fold
from models.incidents.tables import incident_data, open_incidents

BROKEN = re.compile(
    r"\b(incidente?s?|outage|fora do ar|caiu|cairam|is down|are down|esta down|not working|nao funciona|"
    r"quebrou|broken|travou|parou de funcionar|stopped working|sem acesso|no access)\b"
)


def sounds_broken(text: str) -> float:
    """0.75 when the text reports a breakage or asks about incidents, else 0."""
    return 0.75 if BROKEN.search(fold(text)) else 0.0


@intent(sounds_broken)
def answer(req: Request) -> Reply:
    """Offer the report form, with the incidents already open (it may be known)."""
    known = [incident_data(i) for i in open_incidents(req.ctx.session)[:5]]
    return Reply("incidents/pointer", {"incidents": known})
