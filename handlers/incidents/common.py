"""What the incident handlers share: finding the incident a request is about, the reply to a change."""

from __future__ import annotations

import re

from bot.replies import Reply
from bot.request import Request
from models.core.errors import N_, ValidationError
from models.incidents.tables import Incident, get_incident, incident_data, incident_in_channel, parse_ref

CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")


def take_incident(req: Request, words: list[str], *, strict: bool = False) -> tuple[Incident, list[str]]:
    """The incident named by the first word (``INC-0042``), or the one whose channel this is.

    ``strict``: inside an incident's channel only ``INC-42`` / ``#42`` name another incident, so
    that a note there may start with a number ("2 servers restarted").
    Returns the incident (locked for the change) and the words left.
    """
    here = incident_in_channel(req.ctx.session, req.channel_id)
    number = parse_ref(words[0], strict=strict and here is not None) if words else None
    if number is not None:
        return get_incident(req.ctx.session, number, lock=True), words[1:]
    if here is not None:
        return get_incident(req.ctx.session, here.number, lock=True), words
    raise ValidationError(N_("Which incident? Give its number, e.g. `{example}`, or run the command in the incident's channel."),
                          example="/incident ack INC-0042")


def channel_ref(channel: str) -> str:
    """A channel setting (an id or a #name) as something clickable in mrkdwn."""
    return f"<#{channel}>" if CHANNEL_ID.match(channel or "") else (channel or "")


def changed(action: str, inc: Incident, *, granted: bool = False) -> Reply:
    """The reply to a change of an incident (``action``: acknowledged, assigned, status...).

    ``granted``: the assignee is not on call and was given the right to act on this incident.
    """
    return Reply("incidents/changed", {"action": action, "incident": incident_data(inc), "granted": granted})
