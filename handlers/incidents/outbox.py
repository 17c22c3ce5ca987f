"""The incident desk's own outbox kinds: the Slack side of an incident's channel.

Creating the channel, inviting, archiving run after commit in the outbox sender, so a Slack
error is retried like any notification, and a retry never creates a second channel.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import object_session

from bot.declare import outbox_kind
from bot.outbox_dead import Undeliverable
from bot.runtime import Runtime
from bot.slack.api import SlackApiError, WebClient, error_code
from models.core.outbox import OutboxMessage
from models.incidents import flow
from models.incidents.tables import KIND_ARCHIVE, KIND_CHANNEL, KIND_INVITE, Incident, channel_name

MAX_NAME_TRIES = 30
HARMLESS = {"already_in_channel", "cant_invite_self", "already_archived", "already_pinned"}


def _quietly(call: Any, *args: Any, **kwargs: Any) -> Any:
    """A call whose "already done" answer is as good as success (a retried delivery repeats it)."""
    try:
        return call(*args, **kwargs)
    except SlackApiError as exc:
        if error_code(exc) in HARMLESS:
            return None
        raise


@outbox_kind(KIND_CHANNEL)
def create_channel(runtime: Runtime, client: WebClient, row: OutboxMessage, content: dict) -> dict:
    """Outbox kind ``inc_channel``: create ``inc-0042-title`` (suffix if taken), remember it,
    invite reporter, assignee and on call, set the topic, post and pin the summary."""
    data = row.data
    session = object_session(row)
    inc = session.get(Incident, data["id"]) if session is not None else None
    channel, name = (inc.channel_id, inc.channel_name) if inc else (None, None)
    if channel is None:
        for attempt in range(1, MAX_NAME_TRIES + 1):
            name = channel_name(data["number"], data["title"], attempt)
            try:
                channel = client.conversations_create(name=name, is_private=False)["channel"]["id"]
                break
            except SlackApiError as exc:
                if error_code(exc) != "name_taken":
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


def remember_channel(runtime: Runtime, row: OutboxMessage, incident_id: int, channel: str, name: str) -> None:
    """Store the new channel on the incident at once, so a retry never creates a second one."""
    with runtime.unit_of_work(source="outbox") as ctx:
        flow.set_channel(ctx, incident_id, channel, name)


@outbox_kind(KIND_INVITE)
def invite_and_tell(runtime: Runtime, client: WebClient, row: OutboxMessage, content: dict) -> dict:
    """Outbox kind ``inc_invite``: bring the new assignee into the channel, then say so there."""
    if row.channel is None:  # notify() addresses every invite to the incident's channel
        raise Undeliverable(f"invite #{row.id} has no channel")
    if row.data.get("invite"):
        _quietly(client.conversations_invite, channel=row.channel, users=",".join(row.data["invite"]))
    posted = client.chat_postMessage(channel=row.channel, text=content.get("text", ""), blocks=content.get("blocks"))
    return {"channel": row.channel, "ts": posted["ts"]}


@outbox_kind(KIND_ARCHIVE)
def archive(runtime: Runtime, client: WebClient, row: OutboxMessage, content: dict) -> dict:
    """Outbox kind ``inc_archive``: archive the channel once the summary is posted in it."""
    _quietly(client.conversations_archive, channel=row.channel)
    return {"channel": row.channel, "ts": None}
