"""Exactly once, as people see it: a message is never posted twice by the outbox.

Slack has no idempotency key, but a message can carry ``metadata``. Every message the outbox
posts carries its outbox id; when the last try of a row ended without an answer (a time-out,
a process killed mid-send), the next try first looks for that id in the conversation's
recent history (or the thread's replies) and, if the message is there, takes its ``ts``
instead of posting again.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot import metrics

log = logging.getLogger(__name__)

EVENT_TYPE = "backoffice_outbox"
# The newest messages looked through: an uncertain try is seconds or minutes old. No ``oldest``
# bound, so that our clock and Slack's need not agree.
HISTORY_LIMIT = 200


class OnceClient:
    """A Web API client for one outbox row: ``chat_postMessage`` is stamped with the row's id and,
    after an uncertain try, answered from the conversation if the message already landed there.
    Every other method is the wrapped client's."""

    def __init__(self, client: Any, row_id: int, *, uncertain: bool) -> None:
        self._client = client
        self.row_id = row_id
        self.uncertain = uncertain

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def chat_postMessage(self, *, channel: str, **kwargs: Any) -> Any:
        if self.uncertain:
            found = self.already_posted(channel, kwargs.get("thread_ts"))
            if found is not None:
                metrics.DELIVERIES.labels(outcome="found_sent").inc()
                log.info("outbox %s was already in the conversation; not posting it again", self.row_id)
                return found
        metadata = {"event_type": EVENT_TYPE, "event_payload": {"outbox_id": self.row_id}}
        return self._client.chat_postMessage(channel=channel, metadata=metadata, **kwargs)

    def already_posted(self, channel: str, thread_ts: str | None) -> dict | None:
        """The message of this row in ``channel`` (or its thread), if an earlier try posted it."""
        try:
            conversation = channel
            if channel[:1] in ("U", "W"):  # a DM by user id: history needs the conversation id
                conversation = self._client.conversations_open(users=channel)["channel"]["id"]
            if thread_ts:
                resp = self._client.conversations_replies(channel=conversation, ts=thread_ts, limit=HISTORY_LIMIT,
                                                          include_all_metadata=True)
            else:
                resp = self._client.conversations_history(channel=conversation, limit=HISTORY_LIMIT,
                                                          include_all_metadata=True)
        except SlackApiError as exc:
            if getattr(exc.response, "status_code", None) == 429:
                raise  # asked to wait: the sender tries again after Retry-After
            # Unable to look (a missing scope, say): posting again is better than never posting.
            log.warning("outbox %s: could not check the conversation (%s); posting", self.row_id,
                        exc.response.get("error") if exc.response is not None else "unknown")
            return None
        for message in resp.get("messages") or []:
            meta = message.get("metadata") or {}
            if meta.get("event_type") == EVENT_TYPE and (meta.get("event_payload") or {}).get("outbox_id") == self.row_id:
                return {"ok": True, "channel": conversation, "ts": message.get("ts")}
        return None
