"""What the incident handlers share: finding the incident a request is about."""

from __future__ import annotations

import re

from bot.request import Request
from models.errors import N_, ValidationError
from models.incidents import Incident, get_incident, incident_in_channel, parse_ref

CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")


def take_incident(req: Request, words: list[str], *, strict: bool = False) -> tuple[Incident, list[str]]:
    """The incident named by the first word (``INC-0042``), or the one whose channel this is.

    ``strict`` accepts only ``INC-42`` / ``#42`` as a number, so that a note may start with a digit.
    Returns the incident (locked for the change) and the words left.
    """
    number = parse_ref(words[0], strict=strict) if words else None
    if number is not None:
        return get_incident(req.ctx.session, number, lock=True), words[1:]
    here = incident_in_channel(req.ctx.session, req.channel_id)
    if here is not None:
        return get_incident(req.ctx.session, here.number, lock=True), words
    raise ValidationError(N_("Which incident? Give its number, e.g. `{example}`, or run the command in the incident's channel."),
                          example="/incident ack INC-0042")


def channel_ref(channel: str) -> str:
    """A channel setting (an id or a #name) as something clickable in mrkdwn."""
    return f"<#{channel}>" if CHANNEL_ID.match(channel or "") else (channel or "")
