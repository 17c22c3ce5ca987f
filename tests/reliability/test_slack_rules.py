"""Slack's rules on the wire: signatures, retries, the health check, and Slack being down."""

from __future__ import annotations

from sqlalchemy import func, select

from models.core.audit import AuditRecord
from models.core.outbox import OutboxMessage
from models.core.people import Person
from tests.cast import ADMIN, MARIANA


def _count(runtime, model) -> int:
    with runtime.db.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_unsigned_wrongly_signed_and_stale_requests_get_401_and_change_nothing(bot, people, runtime):
    before = _count(runtime, AuditRecord)
    newcomer = "U0STRANGER"
    for kwargs in ({"signed": False}, {"secret": "not-the-secret"}, {"age": 6 * 60}):
        resp = bot.command("/backoffice", f"role <@{MARIANA}> admin", user=ADMIN, **kwargs)
        assert resp.status == 401, kwargs
        resp = bot.command("/backoffice", "whoami", user=newcomer, **kwargs)
        assert resp.status == 401
    assert _count(runtime, AuditRecord) == before
    with runtime.db.session() as s:
        assert s.scalar(select(Person).where(Person.slack_user_id == newcomer)) is None
        assert "admin" not in s.scalar(select(Person).where(Person.slack_user_id == MARIANA)).roles


def test_a_retried_mutating_command_changes_state_once_and_notifies_once(bot, people, runtime, standin):
    first = bot.command("/backoffice", f"role <@{MARIANA}> manager", user=ADMIN, trigger_id="trig.role.1")
    retry = bot.command("/backoffice", f"role <@{MARIANA}> manager", user=ADMIN, trigger_id="trig.role.1",
                        retry_num=1)
    assert first.status == 200 and retry.status == 200
    standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == MARIANA)
    standin.settle()
    assert len(standin.messages(MARIANA)) == 1
    with runtime.db.session() as s:
        changes = s.scalars(select(AuditRecord).where(AuditRecord.action == "person.roles")).all()
        assert len(changes) == 1


def test_a_retried_event_is_answered_once(bot, people, standin):
    bot.mention("what's up?", user=MARIANA, event_id="Ev0RETRY1")
    bot.mention("what's up?", user=MARIANA, event_id="Ev0RETRY1", retry_num=1)
    standin.wait_for("chat.postMessage")
    standin.settle()
    replies = standin.messages("C0GENERAL")
    assert len(replies) == 1
    assert "help" in replies[0].text  # not understood: a pointer to help, not silence


def test_healthz_says_alive_and_nothing_more(bot):
    resp = bot.get("/healthz")  # the database and the rest: /readyz (tests/platform/test_operations.py)
    assert resp.status == 200
    assert resp.json == {"alive": True}


def test_notifications_queued_while_slack_fails_arrive_afterwards_each_once(bot, people, runtime, standin, clock):
    standin.fail(status=500, seconds=60)
    for role in ("manager", "backoffice", "oncall"):
        assert bot.command("/backoffice", f"role <@{MARIANA}> {role}", user=ADMIN).status == 200
    runtime.sender.wait_idle()
    assert standin.messages(MARIANA) == []
    with runtime.db.session() as s:
        pending = s.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending")).all()
        assert len(pending) == 3 and all(p.last_error for p in pending)
    # Slack comes back, but rate-limits the first call with Retry-After.
    standin.heal()
    standin.fail("chat.postMessage", retry_after=1, times=1)
    for _ in range(6):
        clock.advance(minutes=10)
        runtime.sender.sweep()
        if len(standin.messages(MARIANA)) == 3:
            break
    standin.settle()
    texts = sorted(c.text for c in standin.messages(MARIANA))
    assert len(texts) == 3
    assert any("back office" in t for t in texts) and any("plantão" in t for t in texts)
    with runtime.db.session() as s:
        rows = s.scalars(select(OutboxMessage)).all()
        assert {r.status for r in rows} == {"sent"}
        assert all(r.slack_ts for r in rows)
    runtime.sender.sweep()  # nothing left to send twice
    standin.settle()
    assert len(standin.messages(MARIANA)) == 3


def test_an_unexpected_error_gets_an_apology_with_a_reference_and_no_secret(bot, people, runtime, caplog):
    from handlers.admin import commands as admin
    original = admin.person_card
    admin.person_card = lambda *a, **k: 1 / 0  # a bug in a handler
    try:
        resp = bot.command("/backoffice", "whoami", user=MARIANA)
    finally:
        admin.person_card = original
    assert resp.status == 200
    assert "referência" in resp.text
    ref = resp.text.split("referência ")[1][:8]
    assert ref in caplog.text
    assert runtime.settings.slack_bot_token.get_secret_value() not in caplog.text
    assert runtime.settings.slack_signing_secret.get_secret_value() not in caplog.text
    assert runtime.settings.slack_bot_token.get_secret_value() not in resp.body


def test_request_keys_are_forgotten_after_a_week(people, clock):
    import datetime as dt

    from models.core.platform import ProcessedRequest

    with people.db.session() as s:
        s.add_all([ProcessedRequest(key="old", at=clock.now() - dt.timedelta(days=8)),
                   ProcessedRequest(key="new", at=clock.now() - dt.timedelta(hours=1))])
        s.commit()
    result = people.registry.jobs["platform.prune_requests"].run(people, clock.now())
    assert result.params == {"count": 1}
    assert not people.already_processed("old") and people.already_processed("new")
