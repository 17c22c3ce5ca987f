"""The HTTP server behind ``backoffice-bot serve``: waitress, stopped gracefully on SIGTERM.

waitress reads every request (headers and body) in its I/O loop and hands it to a worker
thread only once it is complete, so a client that sends half a request and stalls holds a
socket, not a thread: stalled or slow clients cannot starve Slack's signed requests. Bodies
above :data:`MAX_BODY` are refused with 413 before they are read whole, idle or stalled
connections are dropped after :data:`IDLE_TIMEOUT`, and the connection limit is set well
above what a few hundred stalled sockets take.
"""

from __future__ import annotations

import logging
import resource
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from waitress import create_server, wasyncore

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # Slack's largest payloads (a block_actions with its message) are far below this
IDLE_TIMEOUT = 20  # seconds without a byte before a connection (stalled mid-request too) is closed
CONNECTION_LIMIT = 2000
DRAIN_TIMEOUT = 30.0  # SIGTERM: how long requests in flight may take to finish


def _raise_open_files_limit(wanted: int) -> None:
    """Many hosts default to 1024 open files; the connection limit needs more (up to the hard limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def _busy(server: Any) -> bool:
    """A request being served or an answer not yet flushed (a half-received request does not count)."""
    return any(ch.requests or ch.total_outbufs_len for ch in list(server.active_channels.values()))


def serve(app: Callable, port: int, *, threads: int, host: str = "0.0.0.0",
          stop: threading.Event | None = None) -> None:
    """Serve ``app`` on ``host:port`` until SIGTERM/SIGINT (or ``stop``), then drain and return.

    On the signal the listening socket closes at once (a load balancer moves to another
    process), requests in flight are served to the end (up to :data:`DRAIN_TIMEOUT`), then
    the worker threads stop.
    """
    _raise_open_files_limit(CONNECTION_LIMIT + 256)
    server = create_server(
        app, host=host, port=port, threads=threads, ident="backoffice-bot",
        max_request_body_size=MAX_BODY, channel_timeout=IDLE_TIMEOUT, cleanup_interval=5,
        connection_limit=CONNECTION_LIMIT, expose_tracebacks=False,
    )
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    log.info("listening on %s:%s (%d threads)", host, server.effective_port, threads)
    while not stop.is_set():
        wasyncore.loop(timeout=0.5, map=server._map, count=1)
    log.info("stopping: no new connections, finishing requests in flight")
    wasyncore.dispatcher.close(server)  # the listening socket only; the trigger still wakes the loop
    deadline = time.monotonic() + DRAIN_TIMEOUT
    while _busy(server) and time.monotonic() < deadline:
        wasyncore.loop(timeout=0.1, map=server._map, count=1)
    server.task_dispatcher.shutdown(cancel_pending=False, timeout=5)
    wasyncore.close_all(server._map)
