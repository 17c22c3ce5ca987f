"""What the desks' outbox kinds and events use of Slack's Web API: the client, its error, and
the error's code. Desks import these from here: only ``bot/slack/`` imports slack_sdk."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

__all__ = ["SlackApiError", "WebClient", "error_code"]


def error_code(exc: SlackApiError) -> str:
    """Slack's error code (``name_taken``, ``already_in_channel``...), or "" if it gave none."""
    return (exc.response.get("error") if exc.response is not None else None) or ""
