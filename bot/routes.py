"""Plain HTTP routes that desks declare (``registry.route``), served beside Bolt's endpoint."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from bot.replies import HttpReply

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

STATUS = {200: "200 OK", 304: "304 Not Modified", 404: "404 Not Found", 500: "500 Internal Server Error"}


def serve_route(route: Callable[..., HttpReply], runtime: Runtime, environ: dict[str, Any],
                start_response: Callable) -> Iterable[bytes]:
    """Run a desk's route and answer WSGI; a crash is a bare 500 (the path may hold a secret: not logged)."""
    try:
        reply = route(runtime, environ)
    except Exception as exc:  # noqa: BLE001 - never a traceback to the caller
        log.error("HTTP route failed: %s", type(exc).__name__)
        reply = HttpReply(500)
    body = b"" if environ.get("REQUEST_METHOD") == "HEAD" else reply.body
    headers = [(k, v) for k, v in reply.headers.items()] + [("Content-Length", str(len(reply.body)))]
    start_response(STATUS.get(reply.status, f"{reply.status} Status"), headers)
    return [body]
