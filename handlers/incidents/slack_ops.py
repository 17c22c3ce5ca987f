"""The Slack side of an incident's channel: create it (after commit, retried by the outbox),
invite, archive, and the :pushpin: reaction that copies a message into the timeline."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import object_session

from bot.outbox_dead import Undeliverable
from bot.replies import Nothing
from bot.request import Request
from models.incidents import flow
from models.incidents.tables import (
    KIND_ARCHIVE,
    KIND_CHANNEL,
    KIND_INVITE,
    Incident,
    channel_name,
    incident_in_channel,
)

log = logging.getLogger(__name__)

MAX_NAME_TRIES = 30
HARMLESS = {"already_in_channel", "cant_invite_self", "already_archived", "already_pinned"}


def _error(exc: SlackApiError) -> str:
    return (exc.response.get("error") if exc.response is not None else None) or ""


def _quietly(call, *args, **kwargs):  # type: ignore[no-untyped-def]
    """A call whose "already done" answer is as good as success (a retried delivery repeats it)."""
    try:
        return call(*args, **kwargs)
    except SlackApiError as exc:
        if _error(exc) in HARMLESS:
            return None
        raise


def create_channel(runtime, client, row, content) -> dict:  # type: ignore[no-untyped-def]
    """Outbox kind ``inc_channel``: create ``inc-0042-title`` (suffix if taken), remember it,
    invite reporter, assignee and on call, set the topic, post and pin the summary."""
    data = row.data
    inc = object_session(row).get(Incident, data["id"])
    channel, name = (inc.channel_id, inc.channel_name) if inc else (None, None)
    if channel is None:
        for attempt in range(1, MAX_NAME_TRIES + 1):
            name = channel_name(data["number"], data["title"], attempt)
            try:
                channel = client.conversations_create(name=name, is_private=False)["channel"]["id"]
                break
            except SlackApiError as exc:
                if _error(exc) != "name_taken":
                    raise
        else:
            # Every name taken: another sweep would find them taken too (issue 14 item 9). The row
            # becomes a dead letter that an admin retries once a name is freed.
            raise Undeliverable(f"no free channel name for {data['ref']} after {MAX_NAME_TRIES} tries")
        remember_channel(runtime, row, data["id"], channel, name)
    if data.get("invite"):
        _quietly(client.conversations_invite, channel=channel, users=",".join(data["invite"]))
    if content.get("topic"):
        client.conversations_setTopic(channel=channel, topic=content["topic"][:250])
    posted = client.chat_postMessage(channel=channel, text=content.get("text", ""), blocks=content.get("blocks"),
                                     unfurl_links=False)
    _quietly(client.pins_add, channel=channel, timestamp=posted["ts"])
    return {"channel": channel, "ts": posted["ts"]}


def remember_channel(runtime, row, incident_id: int, channel: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """Store the new channel on the incident at once, so a retry never creates a second one."""
    with runtime.unit_of_work(source="outbox") as ctx:
        flow.set_channel(ctx, incident_id, channel, name)


def invite_and_tell(runtime, client, row, content) -> dict:  # type: ignore[no-untyped-def]
    """Outbox kind ``inc_invite``: bring the new assignee into the channel, then say so there."""
    if row.data.get("invite"):
        _quietly(client.conversations_invite, channel=row.channel, users=",".join(row.data["invite"]))
    posted = client.chat_postMessage(channel=row.channel, text=content.get("text", ""), blocks=content.get("blocks"))
    return {"channel": row.channel, "ts": posted["ts"]}


def archive(runtime, client, row, content) -> dict:  # type: ignore[no-untyped-def]
    """Outbox kind ``inc_archive``: archive the channel once the summary is posted in it."""
    _quietly(client.conversations_archive, channel=row.channel)
    return {"channel": row.channel, "ts": None}


def on_reaction(req: Request) -> Nothing:
    """:pushpin: on a message in an incident's channel: the message joins the timeline."""
    event = req.payload
    item = event.get("item") or {}
    if event.get("reaction") not in ("pushpin", "round_pushpin") or item.get("type") != "message":
        return Nothing()
    inc = incident_in_channel(req.ctx.session, item.get("channel"))
    if inc is None:
        return Nothing()
    text = fetch_text(req, item["channel"], item["ts"])
    if text is None:
        return Nothing()
    from models.incidents.tables import get_incident

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
        log.warning("could not read the pinned message in %s: %s", channel, _error(exc))
        return None
    return messages[0].get("text", "") if messages else None


def register_slack_ops(registry) -> None:  # type: ignore[no-untyped-def]
    registry.need_scopes("channels:manage", "channels:join", "channels:read", "pins:write", "chat:write.public")
    registry.outbox_kind(KIND_CHANNEL)(create_channel)
    registry.outbox_kind(KIND_INVITE)(invite_and_tell)
    registry.outbox_kind(KIND_ARCHIVE)(archive)
    registry.event("reaction_added", scopes=("reactions:read", "channels:history", "groups:history"))(on_reaction)
