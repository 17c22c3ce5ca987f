"""The outbox sender: delivers queued notifications to Slack, once each, whatever Slack does.

Rows are claimed with a lease (``sending`` until ``lease_until``), sent, then marked ``sent``
with Slack's ``ts``. A failed send goes back to ``pending`` with its next attempt after
Slack's ``Retry-After`` (or an exponential back-off); a permanent error (``channel_not_found``),
or failing for too long, parks it as a dead letter (:mod:`bot.outbox_dead`). A process that
dies mid-send leaves a lease that expires, and the sweep takes the row again; such a row, and
one whose try timed out, is *uncertain*: its message may be out, so the next try looks for it
first (:mod:`bot.slack.once`). ``stop`` hands unsent rows back to the queue on shutdown.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Callable, Iterable, cast

from slack_sdk.errors import SlackApiError
from sqlalchemy import CursorResult, or_, select, update

from bot import i18n, metrics
from bot.outbox_dead import PERMANENT, Undeliverable, gives_up, park
from bot.render import render
from bot.slack.once import OnceClient
from models.core.outbox import OutboxKind, OutboxMessage, OutboxStatus

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

LEASE = dt.timedelta(seconds=120)
GIVEN_UP = (OutboxStatus.dead.value, OutboxStatus.dropped.value)


class OutboxSender:
    """Delivers outbox rows through a Slack Web API client (or a console printer)."""

    def __init__(self, runtime: "Runtime", deliver_fn: Callable[[OutboxMessage, dict], dict] | None = None,
                 workers: int = 2) -> None:
        self.runtime = runtime
        self._deliver_fn = deliver_fn
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="outbox")
        self._pending: set[Future] = set()
        self._lock = threading.Lock()
        self._client = None
        self._claimed: set[int] = set()  # rows this process holds a lease on
        self._stopping = False

    # -- public -------------------------------------------------------------------------
    @property
    def enabled(self) -> bool:
        """False when this process has no way to reach Slack; rows then wait for one that has."""
        return self._deliver_fn is not None or self.runtime.settings.slack_bot_token is not None

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
        with self.runtime.db.session() as s:
            done = cast(CursorResult, s.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids),
                                                         OutboxMessage.status == OutboxStatus.sending.value)
                             .values(status=OutboxStatus.pending.value, lease_until=None, uncertain=True,
                                     next_attempt_at=self.runtime.clock.now()))).rowcount
            s.commit()
        log.info("handed %d undelivered notification(s) back to the outbox", done)
        return done

    def deliver(self, ids: list[int] | None = None, limit: int = 200) -> int:
        if not self.enabled or (self._stopping and ids is not None):
            return 0
        sent = 0
        for row_id in self._claim(ids, limit):
            if self._send_one(row_id):
                sent += 1
                woken = self._wake_dependents(row_id)
                if woken:
                    sent += self.deliver(woken)
        return sent

    # -- internals ----------------------------------------------------------------------
    def _wake_dependents(self, row_id: int) -> list[int]:
        """Rows that were put back because this one (their original or thread) was not out yet:
        due now, so an in-place update follows its message at once, not at the next sweep."""
        with self.runtime.db.session() as s:
            ids = list(s.scalars(select(OutboxMessage.id).where(
                OutboxMessage.status == OutboxStatus.pending.value,
                or_(OutboxMessage.updates_id == row_id, OutboxMessage.thread_of_id == row_id))))
            if ids:
                s.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                          .values(next_attempt_at=self.runtime.clock.now()))
                s.commit()
            return ids

    def _forget(self, fut: Future) -> None:
        with self._lock:
            self._pending.discard(fut)
        if fut.exception() is not None:
            log.error("outbox delivery crashed: %r", fut.exception())

    def _claim(self, ids: list[int] | None, limit: int) -> list[int]:
        now = self.runtime.clock.now()
        db = self.runtime.db
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
        db = self.runtime.db
        with db.session(readonly=True) as s:
            row = s.get(OutboxMessage, row_id)
            if row is None or row.status != OutboxStatus.sending.value:
                return 0
            waiting_on = row.updates or row.thread_of
            if waiting_on is not None and waiting_on.slack_ts is None:
                if waiting_on.status in GIVEN_UP:
                    outcome: tuple = ("dead", "the message it follows could not be sent")
                else:  # the message it follows is not out yet: try again in a moment
                    outcome = ("later", dt.timedelta(seconds=2), "waiting for the earlier message")
            else:
                try:
                    locale, tz = self._reader(row)
                    content = render(row.template, row.data, locale=locale, tz=tz)
                    result = (self._deliver_fn or self._deliver_slack)(row, content)
                    ts = result.get("ts") or (row.updates.slack_ts if row.updates else None)
                    outcome = ("sent", result.get("channel"), ts)
                except SlackApiError as exc:
                    outcome = ("slack", exc)
                except Undeliverable as exc:
                    outcome = ("dead", str(exc) or type(exc).__name__)
                except Exception as exc:  # noqa: BLE001 - keep the row; the sweep retries
                    # No answer (a time-out, a dropped connection): Slack may have posted it.
                    log.warning("outbox %s: no answer from Slack (%s); will check and retry", row.id,
                                type(exc).__name__, exc_info=not isinstance(exc, OSError))
                    outcome = ("error", f"{type(exc).__name__}: {exc}"[:500])
            s.rollback()
        with db.session() as s:
            row = s.get(OutboxMessage, row_id)
            assert row is not None
            kind = outcome[0]
            if row.status != OutboxStatus.sending.value:
                kind = "released"  # handed back at shutdown meanwhile: the next sender decides
            elif kind == "dead":
                park(row, self.runtime.clock.now(), outcome[1], label="undeliverable")
            elif kind == "later":
                self._retry_later(row, outcome[1], outcome[2])
            elif kind == "slack":
                self._handle_slack_error(row, outcome[1])
            elif kind == "error":
                row.uncertain = True
                self._failed(row, outcome[1])
            else:
                row.status = OutboxStatus.sent.value
                row.sent_at = self.runtime.clock.now()
                row.lease_until = None
                row.slack_channel = outcome[1] or row.slack_channel
                row.slack_ts = outcome[2]
                row.last_error = None
                row.uncertain = False
                metrics.DELIVERIES.labels(outcome="sent").inc()
            s.commit()
            return 1 if kind == "sent" else 0

    def _reader(self, row: OutboxMessage) -> tuple[str, str]:
        settings = self.runtime.settings
        person = row.person
        if person is not None:
            return i18n.normalize_locale(person.locale, settings.locale_default), person.timezone or settings.tz_default
        return settings.locale_default, settings.tz_default

    def _retry_later(self, row: OutboxMessage, delay: dt.timedelta, error: str, *, outcome: str = "retry") -> None:
        row.status = OutboxStatus.pending.value
        row.lease_until = None
        row.next_attempt_at = self.runtime.clock.now() + delay
        row.last_error = error
        metrics.DELIVERIES.labels(outcome=outcome).inc()

    def _failed(self, row: OutboxMessage, error: str, *, permanent: bool = False) -> None:
        """A try failed: again after the back-off, or a dead letter once the tries are spent."""
        now = self.runtime.clock.now()
        if gives_up(row, now, permanent=permanent):
            park(row, now, error, label=error if permanent else "tries_exhausted")
        else:
            self._retry_later(row, self._backoff(row), error)

    @staticmethod
    def _backoff(row: OutboxMessage) -> dt.timedelta:
        return dt.timedelta(seconds=min(600, 2 ** min(row.attempts, 10)))

    def _handle_slack_error(self, row: OutboxMessage, exc: SlackApiError) -> None:
        status = getattr(exc.response, "status_code", None)
        code = (exc.response.get("error") if exc.response is not None else None) or "unknown_error"
        if status == 429:
            retry_after = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after") or "1"
            try:
                delay = dt.timedelta(seconds=max(1, int(float(retry_after if isinstance(retry_after, str) else retry_after[0]))))
            except ValueError:
                delay = dt.timedelta(seconds=5)
            metrics.RETRY_AFTER.observe(delay.total_seconds())
            if gives_up(row, self.runtime.clock.now(), rate_limited=True):
                park(row, self.runtime.clock.now(), f"rate limited ({code})", label="tries_exhausted")
            else:
                self._retry_later(row, delay, f"rate limited ({code})", outcome="rate_limited")
        else:
            self._failed(row, code, permanent=code in PERMANENT)

    # -- Slack --------------------------------------------------------------------------
    def client(self):  # type: ignore[no-untyped-def]
        if self._client is None:
            # No automatic retry of a dropped connection here: a post may have landed, and only
            # the next try (which checks the conversation first) may send it again.
            self._client = self.runtime.web_client(retry_connection_errors=False)
        return self._client

    def _deliver_slack(self, row: OutboxMessage, content: dict) -> dict:
        client = OnceClient(self.client(), row.id, uncertain=row.uncertain)
        text, blocks = content.get("text", ""), content.get("blocks")
        kind = row.kind
        custom = self.runtime.registry.outbox_kinds.get(kind)
        if custom is not None:
            return custom(self.runtime, client, row, content)
        if kind == OutboxKind.update.value:
            target = row.updates
            assert target is not None
            resp = client.chat_update(channel=target.slack_channel, ts=target.slack_ts, text=text, blocks=blocks)
            return {"channel": resp.get("channel"), "ts": target.slack_ts}
        channel = self._channel_for(row)
        thread_ts = row.thread_ts or (row.thread_of.slack_ts if row.thread_of else None)
        if kind == OutboxKind.ephemeral.value:
            user = row.person.slack_user_id if row.person else None
            resp = client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=blocks, thread_ts=thread_ts)
            return {"channel": channel, "ts": resp.get("message_ts")}
        if kind == OutboxKind.file.value:
            if channel[:1] in ("U", "W"):  # files go to a conversation id: open the DM first
                channel = client.conversations_open(users=channel)["channel"]["id"]
            files = row.data.get("files") or []
            resp = client.files_upload_v2(
                channel=channel,
                thread_ts=thread_ts,
                initial_comment=text,
                file_uploads=[
                    {"content": _file_bytes(f), "filename": f["filename"], "title": f.get("title") or f["filename"]}
                    for f in files
                ],
            )
            return {"channel": channel, "ts": None}
        resp = client.chat_postMessage(channel=channel, text=text, blocks=blocks, thread_ts=thread_ts,
                                       unfurl_links=False)
        return {"channel": resp.get("channel"), "ts": resp.get("ts")}

    def _channel_for(self, row: OutboxMessage) -> str:
        if row.channel:
            return row.channel
        if row.person is not None and row.person.slack_user_id:
            return row.person.slack_user_id
        raise SlackApiError("no Slack user id for this person", {"ok": False, "error": "user_not_found"})


def _file_bytes(spec: dict) -> bytes:
    import base64

    if "base64" in spec:
        return base64.b64decode(spec["base64"])
    return str(spec.get("text", "")).encode("utf-8")
