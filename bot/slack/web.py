"""The HTTP face as one WSGI app: Slack's ``/slack/events`` plus the operators' endpoints.

``routes`` maps a path to a WSGI callable (``/healthz``, ``/readyz`` and ``/metrics``, from
:mod:`bot.ops`; add others beside them); every other path is Slack's guarded endpoint
(:mod:`bot.slack.gate`), which refuses what is not ``POST /slack/events``. :mod:`bot.server`
serves it; once it has drained on SIGTERM, :meth:`WebApp.shutdown` lets listeners still running
after their ack finish and hands unsent notifications back to the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from bot.ops import PATHS, Ops
from bot.routes import serve_route
from bot.runtime import Runtime
from bot.slack.app import create_app
from bot.slack.gate import SlackEndpoint, json_response
from bot.slack.shutdown import finish_listeners

log = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
WSGI = Callable[[dict[str, Any], Callable], Iterable[bytes]]


class WebApp:
    """WSGI: ``POST /slack/events`` goes to Bolt (guarded); probes and metrics to :class:`bot.ops.Ops`."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.bolt = create_app(runtime)
        self.slack = SlackEndpoint(self.bolt, runtime.settings.signing_secret)
        ops = Ops(runtime)
        self.routes: dict[str, WSGI] = dict.fromkeys(PATHS, ops)

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        route = self.routes.get(path)
        if route is not None:
            return route(environ, start_response)
        if (feed := self.runtime.registry.find_route(path)) is not None:  # a desk's GET route (a calendar feed)
            return serve_route(feed, self.runtime, environ, start_response)
        if path == SLACK_PATH:
            return self.slack(environ, start_response)
        return json_response(start_response, "404 Not Found", {"error": "not found"})

    def shutdown(self, timeout: float) -> None:
        """Stopping: listeners still running after their ack finish, then the outbox lets go."""
        finish_listeners(self.bolt, timeout)
        self.runtime.sender.stop(timeout)
