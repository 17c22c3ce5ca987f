"""Answer Slack the moment a listener acks, not at Bolt's next 10 ms poll.

With ``process_before_response=False`` Bolt submits the listener to its executor and then
polls ``ack.response`` every 10 ms, so every ack waits up to 10 ms (5 on average) after it
happened. Here the middleware gives each request an :class:`Ack` that signals an event, and
the executor's ``submit`` (called from the request thread) waits on that event or on the
listener finishing; Bolt's poll then finds the ack already set and returns at once. Work
after ``ack()`` (``views.open``, ``respond``...) still runs after Slack has its answer, and
events (acked by Bolt before ``submit``) are not waited for at all.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from slack_bolt.context.ack import Ack
from slack_bolt.response import BoltResponse

from bot.slack.observe import acked

ACK_WAIT = 3.0  # Slack's own deadline; past it Bolt's poll takes over and gives up as before

_pending = threading.local()


class SignallingAck(Ack):
    """Bolt's ``ack`` that also wakes the request thread waiting in :meth:`AckAwareExecutor.submit`."""

    def __init__(self, kind: str = "request", started: float | None = None) -> None:
        super().__init__()
        self.done = threading.Event()
        self.kind = kind
        self.started = time.monotonic() if started is None else started

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        try:
            return super().__call__(*args, **kwargs)
        finally:
            if not self.done.is_set():
                acked(self.kind, self.started)  # the ack latency metric: arrival to answer
            self.done.set()


def install_ack(context: Any, kind: str = "request", started: float | None = None) -> None:
    """Give this request (in the request thread, before its listener runs) a signalling ack."""
    ack = SignallingAck(kind, started)
    context["ack"] = ack
    _pending.ack = ack


P = ParamSpec("P")
T = TypeVar("T")


class AckAwareExecutor(ThreadPoolExecutor):
    """Bolt's listener executor: ``submit`` returns once the request's listener acked or ended."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        ack: SignallingAck | None = getattr(_pending, "ack", None)
        _pending.ack = None  # one wait per request; lazy listeners submitted after it never wait
        future = super().submit(fn, *args, **kwargs)
        if ack is not None and ack.response is None:
            future.add_done_callback(lambda _f: ack.done.set())  # it raised or never acked
            ack.done.wait(ACK_WAIT)
        return future


ANSWER_DEADLINE = 2.5  # seconds a command's answer may take to go in its ack (Slack waits 3, the network takes some)


class LateAnswer:
    """A slash command's answer, in its ack when it is ready within :data:`ANSWER_DEADLINE`.

    A command still being worked on then (a first search of a huge catalogue, a slow database)
    is acked empty so that Slack does not show the user a timeout, and its answer follows
    through ``response_url`` when it is ready. Used as a context manager: the timer starts on
    entry, and an answer never given is acked empty on exit.
    """

    def __init__(self, ack: Callable[..., Any], respond: Callable[..., Any], after: float | None = None) -> None:
        self._ack, self._respond = ack, respond
        self._lock = threading.Lock()
        self._acked = False
        self._timer = threading.Timer(ANSWER_DEADLINE if after is None else after, self._ack_empty)
        self._timer.daemon = True

    def __enter__(self) -> LateAnswer:
        self._timer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._timer.cancel()
        self._ack_empty()

    @property
    def late(self) -> bool:
        """The empty ack went out: what follows goes through ``response_url``."""
        with self._lock:
            return self._acked

    def _ack_empty(self) -> None:
        with self._lock:
            if self._acked:
                return
            self._acked = True
        self._ack()

    def give(self, **message: Any) -> None:
        """Answer with ``message`` (``response_type``, ``text``, ``blocks``): in the ack if still in time."""
        with self._lock:
            in_time, self._acked = not self._acked, True
        if in_time:
            self._ack(**message)
        elif message.get("text") or message.get("blocks"):
            self._respond(replace_original=False, **message)
