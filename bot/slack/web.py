"""The HTTP face as one WSGI app: Slack's ``/slack/events`` plus the operators' endpoints.

``routes`` maps a path to a WSGI callable (``/healthz`` here; add others beside it); every
other path is Slack's guarded endpoint (:mod:`bot.slack.gate`), which refuses what is not
``POST /slack/events``. :mod:`bot.server` serves it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import text

from bot.routes import serve_route
from bot.runtime import Runtime
from bot.slack.app import create_app
from bot.slack.gate import SlackEndpoint, json_response

log = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
WSGI = Callable[[dict[str, Any], Callable], Iterable[bytes]]


class WebApp:
    """WSGI: ``POST /slack/events`` goes to Bolt (guarded), ``GET /healthz`` checks the database."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.bolt = create_app(runtime)
        self.slack = SlackEndpoint(self.bolt, runtime.settings.slack_signing_secret.get_secret_value())  # type: ignore[union-attr]
        self.routes: dict[str, WSGI] = {"/healthz": self.health}

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

    def health(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        try:
            with self.runtime.db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            status, body = "200 OK", {"ok": True, "database": self.runtime.db.dialect}
        except Exception as exc:  # noqa: BLE001 - a health check reports, it does not raise
            log.warning("health check failed: %s", type(exc).__name__)
            status, body = "503 Service Unavailable", {"ok": False, "database": "unreachable"}
        return json_response(start_response, status, body)
