"""Outbox rows delivered through Slack's Web API, and Slack's errors read as outcomes.

A rate limit waits for ``Retry-After``; a permanent error (``channel_not_found``...) fails the
row (a dead letter); any other Slack error retries with the back-off, as long as the outbox's
bounds allow (:mod:`bot.outbox_dead`). A desk's own kinds (``registry.outbox_kinds``: an
incident's channel, a digest chart) are called with the client. Every client call goes through
:class:`bot.slack.once.OnceClient`, so a post after an uncertain try is never a second post, and
through one :class:`~bot.slack.pacing.Pacer` per process, so the outbox keeps within Slack's
limits (a call whose slot is too far off puts its row back for then: ``Paced``).
"""

from __future__ import annotations

import base64
import datetime as dt

from bot.outbox import Failed, Outcome, RetryLater, Sent
from bot.outbox_dead import PERMANENT
from bot.runtime import Runtime
from bot.slack.api import SlackApiError, WebClient
from bot.slack.client import Paced, make_paced_client, retry_after
from bot.slack.once import OnceClient
from bot.slack.pacing import Pacer
from models.core.outbox import OutboxKind, OutboxMessage


def slack_outcome(row: OutboxMessage, exc: SlackApiError) -> Outcome:
    """What to do with ``row`` after Slack answered ``exc``."""
    status = getattr(exc.response, "status_code", None)
    code = (exc.response.get("error") if exc.response is not None else None) or "unknown_error"
    if status == 429:
        return RetryLater(f"rate limited ({code})", dt.timedelta(seconds=retry_after(exc.response)), rate_limited=True)
    if code in PERMANENT:
        return Failed(code)
    return RetryLater(code)


class SlackDelivery:
    """The outbox's :data:`~bot.outbox.Deliver` for a process that has a bot token."""

    def __init__(self, runtime: Runtime, pacer: Pacer | None = None) -> None:
        self.runtime = runtime
        self.pacer = pacer or Pacer(runtime.clock.pacing())
        self._client: WebClient | None = None

    def client(self) -> WebClient:
        if self._client is None:
            # No automatic retry of a dropped connection here: a post may have landed, and only
            # the next try (which checks the conversation first) may send it again.
            self._client = make_paced_client(self.runtime.settings, self.pacer, retry_connection_errors=False)
        return self._client

    def __call__(self, row: OutboxMessage, content: dict) -> Outcome:
        try:
            result = self.send(row, content)
        except Paced as exc:
            return RetryLater(str(exc), dt.timedelta(seconds=exc.delay), paced=True)
        except SlackApiError as exc:
            return slack_outcome(row, exc)
        return Sent(result.get("channel"), result.get("ts"))

    def send(self, row: OutboxMessage, content: dict) -> dict:
        """One Web API call (or a desk kind's few) for ``row``: ``{"channel", "ts"}``."""
        client = OnceClient(self.client(), row.id, uncertain=row.uncertain)
        text, blocks = content.get("text", ""), content.get("blocks")
        kind = row.kind
        custom = self.runtime.registry.outbox_kinds.get(kind)
        if custom is not None:
            return custom(self.runtime, client, row, content)
        if kind == OutboxKind.update.value:
            target = row.updates
            assert target is not None
            resp = client.chat_update(channel=target.slack_channel, ts=target.slack_ts, text=text, blocks=blocks)
            return {"channel": resp.get("channel"), "ts": target.slack_ts}
        channel = _channel_for(row)
        thread_ts = row.thread_ts or (row.thread_of.slack_ts if row.thread_of else None)
        if kind == OutboxKind.ephemeral.value:
            user = row.person.slack_user_id if row.person else None
            resp = client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=blocks, thread_ts=thread_ts)
            return {"channel": channel, "ts": resp.get("message_ts")}
        if kind == OutboxKind.file.value:
            if channel[:1] in ("U", "W"):  # files go to a conversation id: open the DM first
                channel = client.conversations_open(users=channel)["channel"]["id"]
            files = row.data.get("files") or []
            client.files_upload_v2(
                channel=channel,
                thread_ts=thread_ts,
                initial_comment=text,
                file_uploads=[
                    {"content": _file_bytes(f), "filename": f["filename"], "title": f.get("title") or f["filename"]}
                    for f in files
                ],
            )
            return {"channel": channel, "ts": None}
        resp = client.chat_postMessage(channel=channel, text=text, blocks=blocks, thread_ts=thread_ts,
                                       unfurl_links=False)
        return {"channel": resp.get("channel"), "ts": resp.get("ts")}


def _channel_for(row: OutboxMessage) -> str:
    if row.channel:
        return row.channel
    if row.person is not None and row.person.slack_user_id:
        return row.person.slack_user_id
    raise SlackApiError("no Slack user id for this person", {"ok": False, "error": "user_not_found"})


def _file_bytes(spec: dict) -> bytes:
    if "base64" in spec:
        return base64.b64decode(spec["base64"])
    return str(spec.get("text", "")).encode("utf-8")
