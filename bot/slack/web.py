"""The HTTP face: Bolt's ``/slack/events`` plus ``/healthz``, as one WSGI app (gunicorn in production)."""

from __future__ import annotations

import json
import logging
from typing import Any, Callable, Iterable

from gunicorn.app.base import BaseApplication
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text

from bot.routes import serve_route
from bot.runtime import Runtime
from bot.slack.app import create_app

log = logging.getLogger(__name__)


class WebApp:
    """WSGI: ``POST /slack/events`` goes to Bolt, ``GET /healthz`` checks the database."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.bolt = create_app(runtime)
        self.slack = SlackRequestHandler(self.bolt, path="/slack/events")

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            return self.health(start_response)
        if (route := self.runtime.registry.find_route(path)) is not None:
            return serve_route(route, self.runtime, environ, start_response)
        return self.slack(environ, start_response)

    def health(self, start_response: Callable) -> Iterable[bytes]:
        try:
            with self.runtime.db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            status, body = "200 OK", {"ok": True, "database": self.runtime.db.dialect}
        except Exception as exc:  # noqa: BLE001 - a health check reports, it does not raise
            log.warning("health check failed: %s", type(exc).__name__)
            status, body = "503 Service Unavailable", {"ok": False, "database": "unreachable"}
        payload = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
        return [payload]


def serve_gunicorn(runtime_factory: Callable[[], Runtime], port: int, workers: int) -> None:
    """Run the WSGI app under gunicorn (threads per worker, so acks are never stuck behind work)."""

    class _App(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"0.0.0.0:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", 8)
            self.cfg.set("timeout", 60)
            self.cfg.set("accesslog", None)

        def load(self) -> WebApp:
            return WebApp(runtime_factory())

    _App().run()
