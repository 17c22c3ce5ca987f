"""Exactly once as people see it (issue 14 item 7): a slow Slack or a sender killed mid-post never
makes a person see a notification twice. Every post carries its outbox id in its metadata; after a
try whose outcome is unknown, the sender finds the message in the conversation instead of posting."""

from __future__ import annotations

import datetime as dt
import signal

import pytest
from sqlalchemy import select

from models.core.notify import notify
from models.core.outbox import OutboxMessage
from models.core.people import Person
from tests.cast import MARIANA
from tests.processes import bot_env, start


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"slack_timeout": 1})  # Slack "hangs" past it in a second, not ten


def _queue(runtime, n: int, **target) -> list[int]:
    with runtime.unit_of_work(source="test") as ctx:
        if "person" in target:
            target = {"person": ctx.session.scalar(select(Person).where(Person.slack_user_id == target["person"]))}
        rows = [notify(ctx, "admin/role_changed", {"name": f"N{i}", "roles": ["sales"]}, **target) for i in range(n)]
        ctx.session.flush()
        return [r.id for r in rows]


def _rows(runtime, ids):
    with runtime.db.session() as s:
        return [s.get(OutboxMessage, i) for i in ids]


@pytest.mark.parametrize("target", [{"channel": "C0TRADES1"}, {"person": MARIANA}], ids=["channel", "dm"])
def test_a_post_that_times_out_is_found_in_the_conversation_not_posted_again(people, standin, target):
    runtime = people
    standin.hang("chat.postMessage", 2.0)
    [row_id] = _queue(runtime, 1, **target)
    runtime.sender.wait_idle()
    [row] = _rows(runtime, [row_id])
    assert row.status == "pending" and row.uncertain  # no answer: maybe out, maybe not
    runtime.clock.advance(seconds=5)
    runtime.sender.sweep()
    [row] = _rows(runtime, [row_id])
    [landed] = standin.posted(row_id)
    assert row.status == "sent" and row.slack_ts == landed["ts"] and not row.uncertain
    assert len(standin.messages()) == 1  # one chat.postMessage in all: the person saw it once
    assert standin.of("conversations.history")


def test_a_certain_failure_is_simply_posted_again(people, standin):
    runtime = people
    standin.fail("chat.postMessage", status=500, times=2)  # answered: not posted
    [row_id] = _queue(runtime, 1, channel="C0TRADES1")
    runtime.sender.wait_idle()
    runtime.clock.advance(seconds=5)
    runtime.sender.sweep()
    [row] = _rows(runtime, [row_id])
    assert row.status == "sent" and len(standin.posted(row_id)) == 1
    assert not standin.of("conversations.history")  # nothing uncertain, nothing to look up


def test_posts_in_flight_when_the_sender_is_killed_are_not_posted_again(people, standin, database_url, tmp_path,
                                                                        monkeypatch):
    runtime = people
    runtime.clock.set(dt.datetime.now(dt.UTC))  # the process below reads the real clock
    monkeypatch.setattr(runtime.sender, "deliver_soon", lambda ids: None)  # this process sends nothing itself
    ids = _queue(runtime, 4, channel="C0TRADES1")
    standin.hang("chat.postMessage", 60)
    # `job` sweeps the outbox after its job: it claims all four, then posts the first, which hangs.
    proc = start(["job", "platform.prune_requests"], bot_env(database_url, standin, SLACK_TIMEOUT="90"), tmp_path)
    try:
        standin.wait_for("chat.postMessage", timeout=60)  # posted by Slack, never answered
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert [r.status for r in _rows(runtime, ids)] == ["sending"] * 4
    # The leases run out; the next sweep takes the rows again: the first is found, the others posted.
    runtime.clock.advance(minutes=5)
    runtime.sender.sweep()
    rows = _rows(runtime, ids)
    assert [r.status for r in rows] == ["sent"] * 4
    assert len(standin.messages()) == 4
    assert [r.slack_ts for r in rows] == [standin.posted(i)[0]["ts"] for i in ids]
    assert all(len(standin.posted(i)) == 1 for i in ids)
