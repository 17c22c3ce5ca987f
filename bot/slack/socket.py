"""``backoffice-bot socket``: the same Bolt app over Socket Mode (slack_sdk's built-in client),
with a graceful stop.

The client opens its WebSocket from ``apps.connections.open``, answers Slack's pings and
reconnects by itself when Slack asks (``disconnect``) or the socket drops. On SIGTERM the
worker stops taking envelopes (one it does not acknowledge, Slack delivers again, to another
connection), lets those in flight finish and their acks go out (bounded by ``SHUTDOWN_GRACE``),
closes the socket, waits for listeners still running after their ack, hands unsent
notifications back to the outbox and exits 0.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from typing import TYPE_CHECKING, Any

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.slack.app import create_app
from bot.slack.shutdown import finish_listeners

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)


class StoppableSocketHandler(SocketModeHandler):
    """Bolt's Socket Mode handler that can refuse new envelopes and count those in flight."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stopping = threading.Event()
        self._in_flight = 0
        self._idle = threading.Condition()

    def handle(self, client: Any, req: SocketModeRequest) -> None:
        with self._idle:
            if self.stopping.is_set():
                log.info("stopping: envelope %s left for Slack to deliver again", req.envelope_id)
                return
            self._in_flight += 1
        try:
            super().handle(client, req)
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()

    def drain(self, timeout: float) -> bool:
        """Refuse what comes next; wait until the envelopes taken so far are acknowledged."""
        self.stopping.set()
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._in_flight and time.monotonic() < deadline:
                self._idle.wait(max(0.0, deadline - time.monotonic()))
            return self._in_flight == 0


def run_socket(runtime: Runtime, app_token: str) -> int:
    """Connect and serve until SIGTERM (or Ctrl-C); then stop as described above. Returns 0."""
    grace = runtime.settings.shutdown_grace
    app = create_app(runtime)
    handler = StoppableSocketHandler(app, app_token, ping_interval=runtime.settings.socket_ping_interval)
    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        log.info("stopping (signal %s)", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    handler.connect()
    log.info("connected to Slack over Socket Mode")
    stop.wait()
    started = time.monotonic()
    if not handler.drain(grace):
        log.warning("stopping with envelopes still in flight after %.0f s", grace)
    handler.close()
    left = max(1.0, grace - (time.monotonic() - started))
    finish_listeners(app, left)
    runtime.sender.stop(left)
    log.info("stopped")
    return 0
