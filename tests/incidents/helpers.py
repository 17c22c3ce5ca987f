"""Shared steps of the incident stories: who is who, and reporting through the real modal."""

from __future__ import annotations

from sqlalchemy import select

from models.incidents.tables import Incident
from tests.cast import MARIANA

INCIDENTS = "C0INCIDNT"
ONCALL = "C0ONCALL1"


def report(bot, standin, *, title="Checkout fora do ar", severity="3", service="Loja online",
           description="Clientes não conseguem pagar.", user=MARIANA, channel="C0GENERAL"):
    """Open /incident, fill in the modal and submit it; returns the submit response."""
    before = len(standin.of("views.open"))
    bot.command("/incident", "", user=user, channel=channel)
    view = standin.wait_for("views.open", before + 1)[-1]["view"]
    return bot.submit(view, {"title": title, "severity": severity, "service": service, "description": description},
                      user=user)


def card_posts(standin):
    return standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == INCIDENTS)


def incident(runtime, number: int = 1) -> Incident:
    with runtime.db.session() as s:
        inc = s.scalar(select(Incident).where(Incident.number == number))
        assert inc is not None
        _ = inc.assignee, inc.reporter, [e.author for e in inc.timeline]
        return inc


def kinds(inc: Incident) -> list[str]:
    return [e.kind for e in inc.timeline]


def card_ts(runtime, number: int = 1) -> str:
    """The Slack ts of the incident's card (what chat.update and thread replies point at)."""
    from models.core.outbox import OutboxMessage

    inc = incident(runtime, number)
    with runtime.db.session() as s:
        return s.get(OutboxMessage, inc.card_id).slack_ts
