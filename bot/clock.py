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

    def pacing(self) -> Clock:
        """The clock that paces calls to Slack: real time, like this one."""
        return self


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

    def pacing(self) -> Clock:
        """Pacing under a frozen clock: this clock's time plus the waits paced so far, so paced calls
        take no real time and the business time stays where the test put it (unless ``sleep_moves``)."""
        return _PacingView(self)

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


class _PacingView(Clock):
    """A frozen clock's time, running ahead by the waits slept on it (see :meth:`FrozenClock.pacing`)."""

    def __init__(self, base: FrozenClock) -> None:
        self._base = base
        self._ahead = 0.0
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._base.now() + dt.timedelta(seconds=self._ahead)

    def sleep(self, seconds: float) -> None:
        if self._base.sleep_moves:
            self._base.sleep(seconds)
        elif seconds > 0:
            with self._lock:
                self._ahead += seconds
