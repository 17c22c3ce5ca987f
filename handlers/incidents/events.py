"""Slack events of the incident desk: a :pushpin: on a message in an incident's channel."""

from __future__ import annotations

import logging

from bot.declare import event
from bot.replies import Nothing
from bot.request import Request
from bot.slack.api import SlackApiError, error_code
from models.incidents import flow
from models.incidents.tables import get_incident, incident_in_channel

log = logging.getLogger(__name__)


@event("reaction_added", scopes=("reactions:read", "channels:history", "groups:history"))
def on_reaction(req: Request) -> Nothing:
    """:pushpin: on a message in an incident's channel: the message joins the timeline."""
    payload = req.payload
    item = payload.get("item") or {}
    if payload.get("reaction") not in ("pushpin", "round_pushpin") or item.get("type") != "message":
        return Nothing()
    inc = incident_in_channel(req.ctx.session, item.get("channel"))
    if inc is None:
        return Nothing()
    text = fetch_text(req, item["channel"], item["ts"])
    if text is None:
        return Nothing()
    locked = get_incident(req.ctx.session, inc.number, lock=True)
    link = f"https://slack.com/archives/{item['channel']}/p{item['ts'].replace('.', '')}"
    flow.pin_message(req.ctx, locked, text=text, message_ts=item["ts"], permalink=link)
    return Nothing()


def fetch_text(req: Request, channel: str, ts: str) -> str | None:
    """The text of one message: a channel message, or else a reply in a thread."""
    client = req.runtime.web_client()
    try:
        found = client.conversations_history(channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1)
        messages = [m for m in found.get("messages") or [] if m.get("ts") == ts]
        if not messages:
            found = client.conversations_replies(channel=channel, ts=ts, limit=200)
            messages = [m for m in found.get("messages") or [] if m.get("ts") == ts]
    except SlackApiError as exc:
        log.warning("could not read the pinned message in %s: %s", channel, error_code(exc))
        return None
    return messages[0].get("text", "") if messages else None
