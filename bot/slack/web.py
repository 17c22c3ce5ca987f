"""The HTTP face: Bolt's ``/slack/events`` plus ``/healthz``, ``/readyz`` and ``/metrics``
(:mod:`bot.ops`), as one WSGI app (gunicorn in production). On SIGTERM gunicorn stops taking
connections and lets requests in flight finish (``SHUTDOWN_GRACE``); then each worker's
:meth:`WebApp.shutdown` lets listeners finish and hands unsent notifications back to the outbox."""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterable

from gunicorn.app.base import BaseApplication
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot import metrics
from bot.ops import PATHS, Ops
from bot.runtime import Runtime
from bot.slack.app import create_app
from bot.slack.shutdown import finish_listeners

log = logging.getLogger(__name__)


class WebApp:
    """WSGI: ``POST /slack/events`` goes to Bolt; probes and metrics to :class:`bot.ops.Ops`."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.bolt = create_app(runtime)
        self.slack = SlackRequestHandler(self.bolt, path="/slack/events")
        self.ops = Ops(runtime)

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path in PATHS:
            return self.ops(environ, start_response)
        return self.slack(environ, start_response)

    def shutdown(self, timeout: float) -> None:
        """Stopping: listeners still running after their ack finish, then the outbox lets go."""
        finish_listeners(self.bolt, timeout)
        self.runtime.sender.stop(timeout)


def _worker_exit(_arbiter: Any, worker: Any) -> None:
    """gunicorn, in a worker that stops: its requests are done; finish what followed their acks."""
    app = getattr(worker, "wsgi", None)
    if isinstance(app, WebApp):
        app.shutdown(timeout=max(1.0, worker.cfg.graceful_timeout / 2))


def serve_gunicorn(runtime_factory: Callable[[], Runtime], port: int, workers: int, grace: float = 20.0) -> None:
    """Run the WSGI app under gunicorn (threads per worker, so acks are never stuck behind work)."""

    class _App(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"0.0.0.0:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", 8)
            self.cfg.set("timeout", 60)
            self.cfg.set("accesslog", None)
            self.cfg.set("graceful_timeout", max(1, int(grace)))
            self.cfg.set("logger_class", "bot.logs.GunicornLogger")
            self.cfg.set("worker_exit", _worker_exit)
            self.cfg.set("child_exit", lambda _arbiter, worker: metrics.worker_exited(worker.pid))

        def load(self) -> WebApp:
            return WebApp(runtime_factory())

    _App().run()
