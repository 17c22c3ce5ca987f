"""Slack's rate limits, kept by the outbox: a channel hears at most about one message a second,
and after a 429 nobody calls that method again before its Retry-After. On an injected clock."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.clock import FrozenClock
from bot.slack.pacing import Limit, Pacer, Slot
from models.core.notify import notify
from models.core.outbox import OutboxMessage

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def _queue(runtime, channels: list[str]) -> list[int]:
    with runtime.unit_of_work(source="test") as ctx:
        rows = [notify(ctx, "admin/role_changed", {"name": f"Canal {n}", "roles": ["sales"]}, channel=channel)
                for n, channel in enumerate(channels)]
        ctx.session.flush()
        return [r.id for r in rows]


def _statuses(runtime, ids: list[int]) -> dict[str, int]:
    with runtime.db.session() as s:
        found: dict[str, int] = {}
        for status in s.scalars(select(OutboxMessage.status).where(OutboxMessage.id.in_(ids))):
            found[status] = found.get(status, 0) + 1
        return found


def test_messages_to_one_channel_go_at_least_a_second_apart():
    clock = FrozenClock(NOW, sleep_moves=True)
    pacer = Pacer(clock)
    sent_at = []
    for _ in range(50):
        assert pacer.wait("chat.postMessage", "C0PACED01").booked
        sent_at.append(clock.now())
    gaps = [(b - a).total_seconds() for a, b in zip(sent_at, sent_at[1:], strict=False)]
    assert min(gaps) >= 1.0
    assert sent_at[-1] - sent_at[0] < dt.timedelta(seconds=60)  # paced, not stalled


def test_a_method_keeps_to_its_tier_with_a_short_burst():
    clock = FrozenClock(NOW, sleep_moves=True)
    pacer = Pacer(clock, methods={"conversations.open": Limit(50, 5)})
    times = []
    for _ in range(55):
        pacer.wait("conversations.open")
        times.append(clock.now())
    assert times[4] == NOW  # the burst goes at once
    per_minute = sum(1 for t in times if t < NOW + dt.timedelta(minutes=1))
    assert per_minute <= 50 + 5


def test_after_a_429_nothing_goes_to_that_method_before_retry_after():
    clock = FrozenClock(NOW)
    pacer = Pacer(clock)
    pacer.pause("chat.postMessage", 30)
    slot = pacer.reserve("chat.postMessage", "C0OTHER01")
    assert not slot.booked and slot.wait >= 30  # too far off: the row goes back for then
    assert pacer.reserve("views.publish") == Slot(0.0, booked=True)  # other methods go on
    for seconds in (10, 25, 29, 30):
        clock.set(NOW + dt.timedelta(seconds=seconds))
        slot = pacer.reserve("chat.postMessage", f"C0OTHER{seconds:02d}")
        assert clock.now() + dt.timedelta(seconds=slot.wait) >= NOW + dt.timedelta(seconds=30)


def test_fifty_queued_to_one_channel_reach_slack_a_second_apart_each_once(runtime, standin, clock):
    clock.sleep_moves = True  # the sender's waits move the test's clock, not the wall clock
    standin.stamp = clock.now
    ids = _queue(runtime, ["C0PACED01"] * 50)
    runtime.sender.wait_idle(timeout=60)
    posts = standin.messages("C0PACED01")
    assert len(posts) == 50
    assert sorted(p["metadata"]["event_payload"]["outbox_id"] for p in posts) == sorted(ids)
    gaps = [(b.stamp - a.stamp).total_seconds() for a, b in zip(posts, posts[1:], strict=False)]
    assert min(gaps) >= 1.0
    assert _statuses(runtime, ids) == {"sent": 50}


def test_after_a_429_the_outbox_waits_for_retry_after_without_a_storm(runtime, standin, clock):
    standin.fail("chat.postMessage", retry_after=30, times=1)
    ids = _queue(runtime, [f"C0STORM{n:02d}" for n in range(5)])
    runtime.sender.wait_idle()
    # One call was refused; the other four were held back by the sender itself, not sent to be refused.
    assert len(standin.rejected) == 1 and standin.messages() == []
    assert _statuses(runtime, ids) == {"pending": 5}
    clock.advance(seconds=29)
    runtime.sender.sweep()
    assert standin.messages() == [] and len(standin.rejected) == 1  # Retry-After is not over yet
    clock.advance(seconds=1)
    runtime.sender.sweep()
    assert sorted(c["channel"] for c in standin.messages()) == [f"C0STORM{n:02d}" for n in range(5)]
    assert _statuses(runtime, ids) == {"sent": 5}


def test_paced_waits_under_a_frozen_clock_leave_the_business_time_alone():
    clock = FrozenClock(NOW)
    pacer = Pacer(clock.pacing())
    for _ in range(20):  # 20 posts to one channel: 19 s of pacing, none of it real or on the business clock
        assert pacer.wait("chat.postMessage", "C0PACED01").booked
    assert clock.now() == NOW
    assert pacer.clock.now() >= NOW + dt.timedelta(seconds=19)
    clock.advance(minutes=1)  # the business clock moving on moves the pacing on with it
    assert pacer.reserve("chat.postMessage", "C0PACED01") == Slot(0.0, booked=True)
