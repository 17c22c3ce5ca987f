"""A stand-in for Slack's Socket Mode end: a WebSocket server on loopback (the ``websockets`` package).

The Web API stand-in hands its URL out from ``apps.connections.open``. Each connection gets
``hello``; ``send`` delivers an envelope (``slash_commands``, ``interactive``, ``events_api``) with
an ``envelope_id`` and records the bot's ack and its payload. As Slack does, an envelope not acked
when its connection goes is delivered again on the next one, with ``retry_attempt`` raised.
``disconnect`` asks the bot to reconnect (``refresh_requested``); ``drop`` cuts the socket.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve


class SocketStandIn:
    def __init__(self, web: Any) -> None:
        self.acks: dict[str, dict | None] = {}  # envelope id -> the ack's payload
        self.delivered: list[dict] = []  # every envelope sent, redeliveries included
        self.connections = 0
        self._unacked: dict[str, dict] = {}
        self._ids = itertools.count(1)
        self._current: ServerConnection | None = None
        self._changed = threading.Condition()
        self._server = serve(self._session, "127.0.0.1", 0)
        self.port = self._server.socket.getsockname()[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="socket-standin")
        web.socket_url = f"ws://127.0.0.1:{self.port}/link/?ticket=t-1&app_id=A0000001"

    def start(self) -> SocketStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    # -- the connection ---------------------------------------------------------------------------
    def _session(self, ws: ServerConnection) -> None:
        with self._changed:
            self.connections += 1
            self._current = ws
            pending = list(self._unacked.values())
            self._changed.notify_all()
        ws.send(json.dumps({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0000001"},
                            "debug_info": {"host": "standin", "approximate_connection_time": 3600}}))
        for envelope in pending:  # what the last connection left unanswered, again
            envelope["retry_attempt"] = envelope.get("retry_attempt", 0) + 1
            envelope["retry_reason"] = "timeout"
            self._deliver(ws, envelope)
        try:
            for raw in ws:
                message = json.loads(raw)
                envelope_id = message.get("envelope_id")
                if envelope_id:
                    with self._changed:
                        self.acks[envelope_id] = message.get("payload")
                        self._unacked.pop(envelope_id, None)
                        self._changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                if self._current is ws:
                    self._current = None
                self._changed.notify_all()

    def _deliver(self, ws: ServerConnection, envelope: dict) -> None:
        with self._changed:
            self.delivered.append(envelope)
        try:
            ws.send(json.dumps(envelope))
        except ConnectionClosed:
            pass  # stays unacked: delivered again on the next connection

    # -- scripting ---------------------------------------------------------------------------------
    def send(self, kind: str, payload: dict, *, envelope_id: str | None = None, retry_attempt: int | None = None) -> str:
        """Deliver one envelope on the open connection; returns its ``envelope_id``."""
        envelope_id = envelope_id or f"env-{next(self._ids):05d}"
        envelope: dict[str, Any] = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                                    "accepts_response_payload": kind != "events_api"}
        if kind == "events_api":
            envelope.update(retry_attempt=retry_attempt or 0, retry_reason="timeout" if retry_attempt else "")
        ws = self.wait_connected()
        with self._changed:
            self._unacked[envelope_id] = envelope
        self._deliver(ws, envelope)
        return envelope_id

    def wait_connected(self, connections: int = 1, timeout: float = 30.0) -> ServerConnection:
        """The open connection, once at least ``connections`` were made in all."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._current is None or self.connections < connections:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"the bot did not connect (connections so far: {self.connections})")
                self._changed.wait(left)
            return self._current

    def wait_ack(self, envelope_id: str, timeout: float = 15.0) -> dict | None:
        """The payload the bot acked ``envelope_id`` with (None for a bare ack)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while envelope_id not in self.acks:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"envelope {envelope_id} was never acknowledged")
                self._changed.wait(left)
            return self.acks[envelope_id]

    def wait_all_acked(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._unacked:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"never acknowledged: {sorted(self._unacked)}")
                self._changed.wait(left)

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the bot to move to a new connection, as Slack does every few hours."""
        ws = self.wait_connected()
        ws.send(json.dumps({"type": "disconnect", "reason": reason, "debug_info": {"host": "standin"}}))

    def drop(self) -> None:
        """Cut the open connection with no closing handshake (a network failure)."""
        ws = self.wait_connected()
        ws.socket.shutdown(socket.SHUT_RDWR)
        ws.socket.close()
