"""Undecided requests: the approver is reminded after 1 and 3 business days, the admins after 5."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from models.core.audit import AuditRecord
from tests.cast import ADMIN, MARIANA, TIAGO
from tests.leave.helpers import button, dms, only_request, request_leave

SP = dt.timezone(dt.timedelta(hours=-3))


def run_job(runtime, clock, when: dt.datetime) -> str:
    """The job's summary, as the scheduler logs it (English)."""
    clock.set(when)
    return str(runtime.registry.jobs["leave.reminders"].run(runtime, when))


def reminders(standin, user):
    return [c for c in standin.messages(user) if "Lembrete" in c.text or "espera há" in c.text]


def test_reminders_after_one_and_three_business_days_then_the_admins(bot, standin, people, runtime, clock):
    request_leave(bot, standin, MARIANA, "2026-12-14", "2026-12-18")  # filed Wednesday 25 November
    dms(standin, TIAGO)
    assert "0 leave reminders sent" in run_job(runtime, clock, dt.datetime(2026, 11, 25, 18, 0, tzinfo=SP))

    out = run_job(runtime, clock, dt.datetime(2026, 11, 26, 9, 0, tzinfo=SP))  # Thursday: 1 business day
    assert out.startswith("1 leave reminder sent.") and "the approver, after 1 business day." in out
    first = dms(standin, TIAGO, 2)[1]
    assert "Lembrete" in first.text and "espera há 1 dia útil pela sua decisão" in first.text
    button(first, "leave_approve")  # the reminder can be acted on directly

    assert "0 leave reminders sent" in run_job(runtime, clock, dt.datetime(2026, 11, 26, 10, 0, tzinfo=SP))  # once only
    assert "0 leave reminders sent" in run_job(runtime, clock, dt.datetime(2026, 11, 27, 9, 0, tzinfo=SP))  # Friday: 2 days

    assert "1 leave reminder sent" in run_job(runtime, clock, dt.datetime(2026, 11, 30, 9, 0, tzinfo=SP))  # Monday: 3 days
    assert "espera há 3 dias úteis" in dms(standin, TIAGO, 3)[2].text

    assert "1 leave reminder sent" in run_job(runtime, clock, dt.datetime(2026, 12, 2, 9, 0, tzinfo=SP))  # Wednesday: 5 days
    escalated = dms(standin, ADMIN, contains="espera há")[0]
    assert "Mariana Souza" in escalated.text and "há 5 dias úteis por Tiago Costa" in escalated.text
    assert "0 leave reminders sent" in run_job(runtime, clock, dt.datetime(2026, 12, 3, 9, 0, tzinfo=SP))
    standin.settle()
    assert len(reminders(standin, TIAGO)) == 2 and len(reminders(standin, ADMIN)) == 1
    assert only_request(runtime).reminders_sent == 3
    with runtime.db.session() as s:
        assert len(list(s.scalars(select(AuditRecord).where(AuditRecord.action == "leave.reminded")))) == 3


def test_a_decided_request_is_not_reminded(bot, standin, people, runtime, clock):
    request_leave(bot, standin, MARIANA, "2026-12-14", "2026-12-18")
    bot.click(button(dms(standin, TIAGO)[0], "leave_approve"), user=TIAGO, channel=TIAGO)
    dms(standin, MARIANA, contains="aprovou")
    assert "0 leave reminders sent" in run_job(runtime, clock, dt.datetime(2026, 12, 4, 9, 0, tzinfo=SP))


def test_a_late_run_sends_only_the_latest_reminder(bot, standin, people, runtime, clock):
    request_leave(bot, standin, MARIANA, "2026-12-14", "2026-12-18")
    dms(standin, TIAGO)
    assert "admins" in run_job(runtime, clock, dt.datetime(2026, 12, 4, 9, 0, tzinfo=SP))
    runtime.sender.wait_idle(timeout=30)  # the reminders leave after the job's commit, on the sender's threads
    standin.settle()
    assert reminders(standin, TIAGO) == [] and len(reminders(standin, ADMIN)) == 1


def test_the_cli_runs_the_job_at_a_given_time(bot, standin, people, runtime, monkeypatch, capsys):
    from bot.cli import main

    request_leave(bot, standin, MARIANA, "2026-12-14", "2026-12-18")
    dms(standin, TIAGO)
    for key, value in {"DATABASE_URL": runtime.settings.database_url, "SLACK_BOT_TOKEN": "xoxb-test-token-0123456789",
                       "SLACK_SIGNING_SECRET": "secret", "SLACK_API_URL": standin.api_url}.items():
        monkeypatch.setenv(key, value)
    assert main(["job", "leave.reminders", "--at", "2026-11-26T09:00:00-03:00"]) == 0
    out = capsys.readouterr().out  # in the operator's language (LOCALE_DEFAULT, pt-BR here)
    assert "1 lembrete de ausência enviado." in out and "quem aprova, após 1 dia útil." in out
    assert "Lembrete" in dms(standin, TIAGO, 2)[1].text
