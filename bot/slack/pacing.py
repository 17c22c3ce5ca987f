"""Slack's rate limits, kept on our side so that a morning of digests never becomes a 429 storm.

Slack allows about one message a second per channel and, per Web API method, a number of calls
a minute by *tier* (Tier 2: 20+, Tier 3: 50+, Tier 4: 100+; ``chat.postMessage`` is special:
per channel, plus a workspace-wide "several hundred a minute"). :class:`Pacer` books each call
a slot: one bucket per method (a generic cell rate, i.e. a token bucket with a small burst) and
one per channel; a 429's ``Retry-After`` pauses its method for everyone in this process. A
call whose slot is further away than ``max_wait`` is not booked: the caller puts its outbox row
back for then, instead of holding a worker thread.

Times come from the injected :class:`~bot.clock.Clock` and waits go through ``Clock.sleep``, so
tests drive it with a frozen clock and no real waiting.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from bot.clock import Clock


@dataclass(frozen=True)
class Limit:
    """``per_minute`` calls a minute, of which ``burst`` may go back to back."""

    per_minute: float
    burst: int = 1

    @property
    def interval(self) -> float:
        return 60.0 / self.per_minute


TIER2, TIER3, TIER4 = Limit(20, 2), Limit(50, 5), Limit(100, 10)
# Below Slack's "several hundred a minute" for a workspace's messages: 10,000 DMs take ~42 min.
POST_MESSAGE = Limit(240, 10)
PER_CHANNEL = Limit(60, 1)  # about one message a second in any one conversation

METHODS: dict[str, Limit] = {
    "chat.postMessage": POST_MESSAGE,
    "chat.update": TIER3,
    "chat.postEphemeral": TIER4,
    "chat.getPermalink": TIER4,
    "conversations.open": TIER3,
    "conversations.history": TIER3,
    "conversations.replies": TIER3,
    "conversations.info": TIER3,
    "conversations.invite": TIER3,
    "conversations.create": TIER2,
    "conversations.setTopic": TIER2,
    "conversations.list": TIER2,
    "files.getUploadURLExternal": TIER4,
    "files.completeUploadExternal": TIER4,
    "views.publish": TIER4,
    "views.open": TIER4,
    "views.update": TIER4,
    "users.info": TIER4,
    "users.lookupByEmail": TIER3,
}
DEFAULT = TIER3
# Methods that write into a conversation: each one counts against that channel's second.
CHANNEL_PACED = frozenset({"chat.postMessage", "chat.update", "files.completeUploadExternal"})
MAX_WAIT = 10.0  # seconds a sender may wait for a slot; further away, the row is put back for then


@dataclass(frozen=True)
class Slot:
    """When a call may go: ``wait`` seconds from now; ``booked`` False means it was too far (not taken)."""

    wait: float
    booked: bool


class Pacer:
    """Books Web API calls into slots that keep within Slack's limits (thread-safe)."""

    def __init__(self, clock: Clock, *, methods: dict[str, Limit] | None = None, per_channel: Limit = PER_CHANNEL,
                 max_wait: float = MAX_WAIT) -> None:
        self.clock = clock
        self.methods = METHODS if methods is None else methods
        self.per_channel = per_channel
        self.max_wait = max_wait
        self._due: dict[str, float] = {}  # bucket -> its theoretical next arrival (epoch seconds)
        self._paused: dict[str, float] = {}  # method -> no call before (a 429's Retry-After)
        self._lock = threading.Lock()

    def _now(self) -> float:
        return self.clock.now().timestamp()

    def _buckets(self, method: str, channel: str | None) -> list[tuple[str, Limit]]:
        buckets = [(method, self.methods.get(method, DEFAULT))]
        if channel and method in CHANNEL_PACED:
            buckets.append((f"channel:{channel}", self.per_channel))
        return buckets

    def reserve(self, method: str, channel: str | None = None) -> Slot:
        """Book the earliest slot for a call of ``method`` (into ``channel``), unless it is too far off."""
        with self._lock:
            now = self._now()
            buckets = self._buckets(method, channel)
            at = max([now, self._paused.get(method, now)]
                     + [self._due.get(key, now) - (limit.burst - 1) * limit.interval for key, limit in buckets])
            wait = at - now
            if wait > self.max_wait:
                return Slot(wait, booked=False)
            for key, limit in buckets:
                self._due[key] = max(self._due.get(key, now), at) + limit.interval
            return Slot(wait, booked=True)

    def pause(self, method: str, seconds: float) -> None:
        """Slack said 429: no call of ``method`` for ``seconds``, then one an interval (no burst)."""
        with self._lock:
            until = self._now() + max(0.0, seconds)
            self._paused[method] = max(self._paused.get(method, until), until)
            limit = self.methods.get(method, DEFAULT)
            self._due[method] = max(self._due.get(method, until), until + (limit.burst - 1) * limit.interval)

    def wait(self, method: str, channel: str | None = None) -> Slot:
        """Reserve, and sleep (on the clock) until the slot when it was booked."""
        slot = self.reserve(method, channel)
        if slot.booked and slot.wait > 0:
            self.clock.sleep(slot.wait)
        return slot
