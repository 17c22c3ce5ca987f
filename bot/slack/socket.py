"""Socket Mode: the same Bolt app over a WebSocket Slack opens (no public URL needed)."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.runtime import Runtime
from bot.slack.app import create_app


def run_socket_mode(runtime: Runtime, app_token: str) -> None:
    """Serve until the process stops."""
    SocketModeHandler(create_app(runtime), app_token).start()
