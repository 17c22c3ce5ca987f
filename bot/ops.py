"""What the platform and Prometheus ask a process: ``/healthz``, ``/readyz`` and ``/metrics``.

``/healthz`` says the process is alive (no database call: a slow database must not get it
killed). ``/readyz`` says it can serve: the database answers, its schema is at the code's
migration heads, and Slack accepted the bot token (a Slack that cannot be reached does not
make it unready: requests still work and notifications wait in the outbox). Neither body holds
a secret or an internal detail, only ``ok`` or what is wrong in a word.

The web process serves these next to ``/slack/events``; the scheduler and the socket worker
serve them on ``METRICS_PORT`` (:func:`serve_in_background`).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from sqlalchemy import text

from bot import metrics
from bot.slack.client import token_status

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

PATHS = ("/healthz", "/readyz", "/metrics")
REMEMBER = 60.0  # seconds a schema or token check stays good (probes come every few seconds)


class Ops:
    """The three endpoints, as a WSGI app."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._checked: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            body, ctype = metrics.exposition(self.runtime.db, self.runtime.clock)
            return _answer(start_response, "200 OK", body, ctype)
        if path == "/readyz":
            checks = self.readiness()
            ready = all(v in ("ok", "unreachable") for v in checks.values())
            return _json(start_response, "200 OK" if ready else "503 Service Unavailable",
                         {"ready": ready, "checks": checks})
        if path == "/healthz":
            return _json(start_response, "200 OK", {"alive": True})
        return _json(start_response, "404 Not Found", {"error": "not_found"})

    # -- readiness ----------------------------------------------------------------------------
    def readiness(self) -> dict[str, str]:
        database = self._database()
        return {
            "database": database,
            "schema": self._remembered("schema", self._schema) if database == "ok" else "unknown",
            "slack_token": self._remembered("slack_token", self._token),
        }

    def _database(self) -> str:
        try:
            with self.runtime.db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return "ok"
        except Exception as exc:  # noqa: BLE001 - a probe reports, it does not raise
            log.warning("readiness: database unreachable (%s)", type(exc).__name__)
            return "unreachable"

    def _schema(self) -> str:
        try:
            return "ok" if self.runtime.db.is_current() else "behind"
        except Exception as exc:  # noqa: BLE001 - a probe reports, it does not raise
            log.warning("readiness: schema check failed (%s)", type(exc).__name__)
            return "unknown"

    def _token(self) -> str:
        if self.runtime.settings.slack_bot_token is None:
            return "missing"
        return token_status(self.runtime.web_client())

    def _remembered(self, name: str, check: Callable[[], str]) -> str:
        """A good answer is kept for :data:`REMEMBER` seconds; a bad one is checked again next time."""
        with self._lock:
            at, value = self._checked.get(name, (0.0, ""))
        if value == "ok" and time.monotonic() - at < REMEMBER:
            return value
        value = check()
        with self._lock:
            self._checked[name] = (time.monotonic(), value)
        return value


def _answer(start_response: Callable, status: str, body: bytes, ctype: str) -> list[bytes]:
    start_response(status, [("Content-Type", ctype), ("Content-Length", str(len(body))),
                            ("Cache-Control", "no-store")])
    return [body]


def _json(start_response: Callable, status: str, payload: dict) -> list[bytes]:
    return _answer(start_response, status, json.dumps(payload).encode(), "application/json")


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:  # a scrape every 15 s is not news
        pass


def serve_in_background(runtime: Runtime, port: int | None) -> WSGIServer | None:
    """``METRICS_PORT``: the scheduler and the socket worker answer probes and scrapes there."""
    if not port:
        return None
    server = make_server("0.0.0.0", port, Ops(runtime), server_class=_Server, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True, name="ops-http").start()
    log.info("metrics and probes on port %d", port)
    return server
