"""Stopping a Bolt app: no new listener starts, and those still running after their ack finish
(within a bound), so a request Slack was told "ok" about is not cut off half-way."""

from __future__ import annotations

import logging
import time

from slack_bolt import App

log = logging.getLogger(__name__)


def finish_listeners(app: App, timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for the app's listeners; True if none was left running."""
    executor = app._listener_runner.listener_executor  # Bolt keeps no public handle
    executor.shutdown(wait=False)  # a request arriving now is refused instead of started
    deadline = time.monotonic() + timeout
    for thread in list(getattr(executor, "_threads", ())):
        thread.join(max(0.0, deadline - time.monotonic()))
    running = [t for t in getattr(executor, "_threads", ()) if t.is_alive()]
    if running:
        log.warning("stopping with %d listener(s) still running after %.0f s", len(running), timeout)
    return not running
