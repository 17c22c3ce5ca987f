"""Clocks: the system's, and one that tests (and the console's --at) can set and move."""

from __future__ import annotations

import datetime as dt
import threading
import time


class Clock:
    """The real time, in UTC."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (pacing Slack calls); a frozen clock decides what waiting means."""
        time.sleep(seconds)


class FrozenClock(Clock):
    """A clock that stands still until told to move; safe to share between threads."""

    def __init__(self, at: dt.datetime, *, sleep_moves: bool = False) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._at = at.astimezone(dt.UTC)
        self._lock = threading.Lock()
        self.sleep_moves = sleep_moves  # True: sleeping moves the clock on; False: time stands still

    def sleep(self, seconds: float) -> None:
        """Returns at once: the clock moves on by ``seconds`` if ``sleep_moves``, else stands still."""
        if self.sleep_moves and seconds > 0:
            self.advance(seconds=seconds)

    def now(self) -> dt.datetime:
        with self._lock:
            return self._at

    def set(self, at: dt.datetime) -> None:
        with self._lock:
            self._at = at.astimezone(dt.UTC)

    def advance(self, **delta: float) -> dt.datetime:
        with self._lock:
            self._at += dt.timedelta(**delta)
            return self._at
