"""SLAs: a missed acknowledge deadline escalates once; an overdue update reminds the assignee once
per interval; SEV4 waits for the next business day (weekends and holidays skipped)."""

from __future__ import annotations

import datetime as dt

from tests.cast import HENRIQUE, SOFIA, TIAGO
from tests.incidents.helpers import ONCALL, card_posts, incident, kinds, report

UTC = dt.UTC


def _run(runtime, clock):
    """What one pass of the SLA job did: how many incidents it escalated and reminded."""
    return runtime.registry.jobs["incidents.sla"].run(runtime, clock.now()).params


def _escalations(standin):
    return standin.of("chat.postMessage", lambda c: "não foi reconhecido" in c.text)


def test_a_missed_acknowledge_deadline_escalates_once_to_on_call_and_managers(bot, standin, people, runtime, clock):
    report(bot, standin, severity="3")  # SEV3: 60 minutes to acknowledge
    card_posts(standin)
    clock.advance(minutes=59)
    assert _run(runtime, clock) == {"escalated": 0, "reminded": 0}
    clock.advance(minutes=4)
    assert _run(runtime, clock) == {"escalated": 1, "reminded": 0}
    posts = standin.wait_for("chat.postMessage", 2, where=lambda c: "não foi reconhecido" in c.text)
    where = {c["channel"] for c in posts}
    assert ONCALL in where and SOFIA in where  # the on-call channel and Sofia, IT's manager
    assert TIAGO not in where  # Tiago manages sales, not on call
    oncall_post = next(c for c in posts if c["channel"] == ONCALL)
    assert "INC-0001" in oncall_post.text and "há 3 minutos" in oncall_post.text
    assert next(e["action_id"] for b in oncall_post["blocks"] if b["type"] == "actions" for e in b["elements"]) \
        == "incident_ack"
    clock.advance(minutes=5)
    assert _run(runtime, clock) == {"escalated": 0, "reminded": 0}
    runtime.sender.wait_idle()
    assert len(_escalations(standin)) == 2
    assert kinds(incident(runtime)).count("escalated") == 1


def test_an_incident_acknowledged_in_time_never_escalates(bot, standin, people, runtime, clock):
    report(bot, standin, severity="1")  # SEV1: 5 minutes
    clock.advance(minutes=4)
    bot.command("/incident", "ack 1", user=HENRIQUE)
    clock.advance(minutes=10)
    assert _run(runtime, clock)["escalated"] == 0
    runtime.sender.wait_idle()
    assert not _escalations(standin)


def test_an_overdue_update_reminds_the_assignee_once_per_interval(bot, standin, people, runtime, clock):
    report(bot, standin, severity="2")  # SEV2: updates every 60 minutes
    bot.command("/incident", "ack 1", user=HENRIQUE)
    clock.advance(minutes=61)
    assert _run(runtime, clock) == {"escalated": 0, "reminded": 1}
    dm = standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == HENRIQUE)[0]
    assert "INC-0001 precisa de uma atualização" in dm.text
    clock.advance(minutes=1)
    assert _run(runtime, clock) == {"escalated": 0, "reminded": 0}
    clock.advance(minutes=60)  # another interval without news
    assert _run(runtime, clock) == {"escalated": 0, "reminded": 1}
    bot.command("/incident", "note 1 ainda investigando o banco", user=HENRIQUE)  # news: the clock restarts
    clock.advance(minutes=59)
    assert _run(runtime, clock) == {"escalated": 0, "reminded": 0}
    runtime.sender.wait_idle()
    reminders = standin.of("chat.postMessage", lambda c: c.get("channel") == HENRIQUE and "atualização" in c.text)
    assert len(reminders) == 2
    assert kinds(incident(runtime)).count("reminded") == 2


def test_a_long_outage_of_the_bot_gives_one_reminder_not_a_burst(bot, standin, people, runtime, clock):
    report(bot, standin, severity="1")  # updates every 30 minutes
    bot.command("/incident", "ack 1", user=HENRIQUE)
    clock.advance(hours=5)
    assert _run(runtime, clock)["reminded"] == 1
    assert _run(runtime, clock)["reminded"] == 0


def test_sev4_waits_for_the_end_of_the_next_business_day(bot, standin, people, runtime, clock):
    report(bot, standin, severity="4")  # Wednesday 25 Nov
    assert incident(runtime).ack_due_at == dt.datetime(2026, 11, 26, 21, 0, tzinfo=UTC)  # Thu 18:00 São Paulo
    clock.set(dt.datetime(2026, 11, 19, 15, 0, tzinfo=UTC))  # Thursday before Black Consciousness Day
    report(bot, standin, severity="4", title="Impressora")
    assert incident(runtime, 2).ack_due_at == dt.datetime(2026, 11, 23, 21, 0, tzinfo=UTC)  # Fri 20 is a holiday
    clock.set(dt.datetime(2026, 11, 26, 21, 1, tzinfo=UTC))
    assert _run(runtime, clock)["escalated"] == 2


def test_sev4_has_no_update_reminders(bot, standin, people, runtime, clock):
    report(bot, standin, severity="4")
    bot.command("/incident", "ack 1", user=HENRIQUE)
    assert incident(runtime).update_due_at is None
    clock.advance(days=3)
    assert _run(runtime, clock)["reminded"] == 0

