"""The outbox sender: delivers queued notifications to Slack, once each, whatever Slack does.

Rows are claimed with a lease (``sending`` until ``lease_until``), handed to a
:data:`Deliver` function, and its :data:`Outcome` is written: :class:`Sent` marks the row
``sent`` with Slack's ``ts``; :class:`RetryLater` puts it back to ``pending`` with its next
attempt after Slack's ``Retry-After`` (or an exponential back-off); :class:`Failed` (a
permanent error such as ``channel_not_found``), or failing for too long, parks it as a dead
letter (:mod:`bot.outbox_dead`). A process that dies mid-send leaves a lease that expires, and
the sweep takes the row again; such a row, and one whose try got no answer, is *uncertain*: its
message may be out, so the next try looks for it first (:mod:`bot.slack.once`). ``stop`` hands
unsent rows back to the queue on shutdown. The Slack Web API delivery is
:class:`bot.slack.delivery.SlackDelivery`; the console prints instead.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import cast

from sqlalchemy import CursorResult, or_, select, update

from bot import i18n, metrics
from bot.clock import Clock
from bot.db import Database
from bot.outbox_dead import PERMANENT, Undeliverable, gives_up, park
from bot.render import render
from bot.settings import Settings
from models.core.outbox import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

LEASE = dt.timedelta(seconds=120)
GIVEN_UP = (OutboxStatus.dead.value, OutboxStatus.dropped.value)


@dataclass(frozen=True)
class Sent:
    """Delivered: where it went and Slack's ``ts`` (None for files; an update keeps its original's)."""

    channel: str | None
    ts: str | None


@dataclass(frozen=True)
class RetryLater:
    """Not now: try again after ``delay`` (None: the exponential back-off of the row's attempts)."""

    error: str
    delay: dt.timedelta | None = None
    rate_limited: bool = False  # Slack's Retry-After: a wait, not a failure (only the row's age bounds it)
    uncertain: bool = False  # no answer: the message may be out (the next try checks first)
    waiting: bool = False  # for the message it follows: not a failure of its own either
    paced: bool = False  # our own pacing of Slack's limits: nothing was sent, not a failure


@dataclass(frozen=True)
class Failed:
    """Never: the row becomes a dead letter with ``error`` (an admin retries or drops it)."""

    error: str


Outcome = Sent | RetryLater | Failed
Deliver = Callable[[OutboxMessage, dict], Outcome]
"""Send one row (its content rendered in the reader's language) and say how it went."""


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next attempt: 2, 4, 8... seconds, at most ten minutes."""
    return dt.timedelta(seconds=min(600, 2 ** min(attempts, 10)))


class OutboxSender:
    """Delivers outbox rows through ``deliver`` (Slack's Web API, or the console's printer).

    Without ``deliver`` the sender is off: this process cannot reach Slack, and rows wait for one
    that can.
    """

    def __init__(self, db: Database, clock: Clock, settings: Settings, deliver: Deliver | None = None,
                 workers: int = 2) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self._deliver = deliver
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="outbox")
        self._pending: set[Future] = set()
        self._lock = threading.Lock()
        self._claimed: set[int] = set()  # rows this process holds a lease on
        self._stopping = False

    # -- public -------------------------------------------------------------------------
    @property
    def enabled(self) -> bool:
        """False when this process has no way to reach Slack; rows then wait for one that has."""
        return self._deliver is not None

    def deliver_soon(self, ids: Iterable[int]) -> None:
        """Deliver these rows in the background, right after the commit that created them."""
        if not self.enabled or self._stopping:
            return  # stopping: the rows stay pending for the sweep of a process that runs on
        fut = self._pool.submit(self.deliver, list(ids))
        with self._lock:
            self._pending.add(fut)
        fut.add_done_callback(self._forget)

    def sweep(self, limit: int = 200) -> int:
        """Deliver everything due (retries, leftovers of a crash). Returns how many were sent."""
        return self.deliver(None, limit=limit)

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait for background deliveries started so far (tests, shutdown)."""
        with self._lock:
            futures = list(self._pending)
        for fut in futures:
            fut.result(timeout=timeout)

    def stop(self, timeout: float = 10.0) -> int:
        """Shutdown: take no new deliveries, let those in flight finish (bounded), and hand every
        row still leased by this process back to the queue. Returns how many went back."""
        self._stopping = True
        with self._lock:
            futures = list(self._pending)
        for fut in futures:
            try:
                fut.result(timeout=timeout)
            except Exception:  # noqa: BLE001 - a slow or failed delivery is released below
                pass
        self._pool.shutdown(wait=False, cancel_futures=True)
        return self.release()

    def release(self) -> int:
        """Rows leased here go back to ``pending``, due now; one whose send may be under way is
        marked uncertain, so whoever sends it next checks Slack first."""
        with self._lock:
            ids = list(self._claimed)
        if not ids:
            return 0
        with self.db.session() as s:
            done = cast(CursorResult, s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.sending.value)
                .values(status=OutboxStatus.pending.value, lease_until=None, uncertain=True,
                        next_attempt_at=self.clock.now()))).rowcount
            s.commit()
        log.info("handed %d undelivered notification(s) back to the outbox", done)
        return done

    def deliver(self, ids: list[int] | None = None, limit: int = 200) -> int:
        """Send these rows (all of them, ``limit`` claimed at a time), or up to ``limit`` due ones."""
        if not self.enabled or (self._stopping and ids is not None):
            return 0
        if ids is None:
            return self._deliver_claimed(self._claim(None, limit))
        sent = 0
        for start in range(0, len(ids), limit):
            if self._stopping:
                break  # the rest stay pending for the sweep of a process that runs on
            sent += self._deliver_claimed(self._claim(ids[start:start + limit], limit))
        return sent

    def _deliver_claimed(self, claimed: list[int]) -> int:
        sent = 0
        renewed = self.clock.now()
        for n, row_id in enumerate(claimed):
            if self.clock.now() - renewed >= LEASE / 2:  # paced sends take a while: keep the rest ours
                renewed = self._renew(claimed[n:])
            if self._send_one(row_id):
                sent += 1
                woken = self._wake_dependents(row_id)
                if woken:
                    sent += self.deliver(woken)
        return sent

    def _renew(self, ids: list[int]) -> dt.datetime:
        now = self.clock.now()
        with self.db.session() as s:
            s.execute(update(OutboxMessage)
                      .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.sending.value)
                      .values(lease_until=now + LEASE))
            s.commit()
        return now

    # -- internals ----------------------------------------------------------------------
    def _wake_dependents(self, row_id: int) -> list[int]:
        """Rows that were put back because this one (their original or thread) was not out yet:
        due now, so an in-place update follows its message at once, not at the next sweep."""
        with self.db.session() as s:
            ids = list(s.scalars(select(OutboxMessage.id).where(
                OutboxMessage.status == OutboxStatus.pending.value,
                or_(OutboxMessage.updates_id == row_id, OutboxMessage.thread_of_id == row_id))))
            if ids:
                s.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                          .values(next_attempt_at=self.clock.now()))
                s.commit()
            return ids

    def _forget(self, fut: Future) -> None:
        with self._lock:
            self._pending.discard(fut)
        if fut.exception() is not None:
            log.error("outbox delivery crashed: %r", fut.exception())

    def _claim(self, ids: list[int] | None, limit: int) -> list[int]:
        now = self.clock.now()
        db = self.db
        with db.session() as s:
            stmt = select(OutboxMessage).where(
                or_(
                    (OutboxMessage.status == OutboxStatus.pending.value) & (OutboxMessage.next_attempt_at <= now),
                    (OutboxMessage.status == OutboxStatus.sending.value) & (OutboxMessage.lease_until < now),
                )
            )
            if ids is not None:
                stmt = stmt.where(OutboxMessage.id.in_(ids))
            stmt = stmt.order_by(OutboxMessage.id).limit(limit)
            if db.dialect == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True, of=OutboxMessage)
            rows = list(s.scalars(stmt).unique())
            for row in rows:
                if row.status == OutboxStatus.sending.value:
                    row.uncertain = True  # its sender died mid-send: the message may be out
                row.status = OutboxStatus.sending.value
                row.lease_until = now + LEASE
                row.attempts += 1
            s.commit()
            with self._lock:
                self._claimed.update(r.id for r in rows)
            return [r.id for r in rows]

    def _send_one(self, row_id: int) -> int:
        try:
            return self._send_claimed(row_id)
        finally:
            with self._lock:
                self._claimed.discard(row_id)

    def _send_claimed(self, row_id: int) -> int:
        """Send one claimed row. Slack is called inside a read-only session (no write lock held
        while the network answers: SQLite has one writer), the outcome is written after."""
        assert self._deliver is not None
        with self.db.session(readonly=True) as s:
            row = s.get(OutboxMessage, row_id)
            if row is None or row.status != OutboxStatus.sending.value:
                return 0
            outcome = self._attempt(row, self._deliver)
            s.rollback()
        with self.db.session() as s:
            row = s.get(OutboxMessage, row_id)
            assert row is not None
            if row.status != OutboxStatus.sending.value:
                return 0  # handed back at shutdown meanwhile: the next sender decides
            match outcome:
                case Sent(channel=channel, ts=ts):
                    row.status = OutboxStatus.sent.value
                    row.sent_at = self.clock.now()
                    row.lease_until = None
                    row.slack_channel = channel or row.slack_channel
                    row.slack_ts = ts
                    row.last_error = None
                    row.uncertain = False
                    metrics.DELIVERIES.labels(outcome="sent").inc()
                case RetryLater():
                    self._retry_or_give_up(row, outcome)
                case Failed(error=error):
                    park(row, self.clock.now(), error, label=error if error in PERMANENT else "undeliverable")
            s.commit()
            return 1 if isinstance(outcome, Sent) else 0

    def _attempt(self, row: OutboxMessage, deliver: Deliver) -> Outcome:
        waiting_on = row.updates or row.thread_of
        if waiting_on is not None and waiting_on.slack_ts is None:
            if waiting_on.status in GIVEN_UP:
                return Failed("the message it follows could not be sent")
            # The message it follows is not out yet: try again in a moment.
            return RetryLater("waiting for the earlier message", dt.timedelta(seconds=2), waiting=True)
        try:
            locale, tz = self._reader(row)
            outcome = deliver(row, render(row.template, row.data, locale=locale, tz=tz))
        except Undeliverable as exc:
            return Failed(str(exc) or type(exc).__name__)
        except Exception as exc:
            # No answer (a time-out, a dropped connection): Slack may have posted it.
            log.warning("outbox %s: no answer from Slack (%s); will check and retry", row.id, type(exc).__name__,
                        exc_info=not isinstance(exc, OSError))
            return RetryLater(f"{type(exc).__name__}: {exc}"[:500], uncertain=True)
        if isinstance(outcome, Sent) and outcome.ts is None and row.updates is not None:
            return Sent(outcome.channel, row.updates.slack_ts)  # an update keeps its message's ts
        return outcome

    def _reader(self, row: OutboxMessage) -> tuple[str, str]:
        settings = self.settings
        person = row.person
        if person is not None:
            return i18n.normalize_locale(person.locale, settings.locale_default), person.timezone or settings.tz_default
        return settings.locale_default, settings.tz_default

    def _retry_or_give_up(self, row: OutboxMessage, outcome: RetryLater) -> None:
        """Again after the wait, or a dead letter once the tries (or the row's time) are spent."""
        now = self.clock.now()
        if outcome.uncertain:
            row.uncertain = True
        if gives_up(row, now, rate_limited=outcome.rate_limited or outcome.waiting or outcome.paced):
            park(row, now, outcome.error, label="tries_exhausted")
            return
        row.status = OutboxStatus.pending.value
        row.lease_until = None
        row.next_attempt_at = now + (backoff(row.attempts) if outcome.delay is None else outcome.delay)
        row.last_error = outcome.error
        metrics.DELIVERIES.labels(outcome="paced" if outcome.paced else
                                  "rate_limited" if outcome.rate_limited else "retry").inc()
