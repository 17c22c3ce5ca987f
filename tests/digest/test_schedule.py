"""The clock: managers' digests at 09:00 local on business days, once, late within grace, else reported."""

from __future__ import annotations

import datetime as dt
import logging
import threading

from sqlalchemy import select, update

from bot.clock import FrozenClock
from bot.scheduler import tick
from models.core.audit import AuditRecord
from models.core.people import Person
from models.core.scheduling import JobRun
from tests.cast import EDUARDA, GABRIELA, ISABELA, SOFIA, TIAGO
from tests.digest.conftest import MANAGERS, another_runtime, deliver, digest_news, digests_queued, utc


def dms_to(standin, user: str) -> list:
    return [c for c in standin.messages(user) if "digest" in c.text.lower() or "resumo" in c.text.lower()]


def set_zone(runtime, slack_id: str, zone: str) -> None:
    with runtime.db.session() as s:
        s.execute(update(Person).where(Person.slack_user_id == slack_id).values(timezone=zone))
        s.commit()


def test_each_manager_gets_the_digest_at_nine_in_their_own_time_zone(staff, standin, clock, desk):
    set_zone(staff, SOFIA, "Europe/Lisbon")  # 09:00 in Lisbon is 09:00 UTC in November
    desk.waiting[TIAGO] = ["Mariana Souza · 1–5 Dec"]
    desk.chart = {dt.date(2026, 11, 20): 2, dt.date(2026, 11, 24): 5}

    clock.set(utc(2026, 11, 25, 8, 59))
    assert digest_news(tick(staff)) == {}
    clock.set(utc(2026, 11, 25, 9, 0))
    tick(staff)
    deliver(staff, standin)
    assert [m.person.slack_user_id for m in digests_queued(staff)] == [SOFIA]
    sofia = standin.messages(SOFIA)[0]
    assert "Bom dia, Sofia Santos" in sofia.text and "quarta-feira, 25 de novembro de 2026" in sofia.text
    assert "Atrasado" not in sofia.text

    clock.set(utc(2026, 11, 25, 11, 59))  # 08:59 in São Paulo
    tick(staff)
    assert len(digests_queued(staff)) == 1
    clock.set(utc(2026, 11, 25, 12, 0))  # 09:00 in São Paulo
    summary = tick(staff)
    assert summary["digest.manager"].startswith("3 sent (0 late)")
    deliver(staff, standin)
    assert sorted(m.person.slack_user_id for m in digests_queued(staff)) == sorted(MANAGERS)
    tiago = standin.messages(TIAGO)[0]
    assert "Stand-in approvals (1)" in tiago.text and "Mariana Souza · 1–5 Dec" in tiago.text
    button = next(b for b in tiago["blocks"] if b["type"] == "actions")["elements"][0]
    assert button["action_id"] == "standin_approve" and button["value"] == "Mariana Souza · 1–5 Dec"
    # Section roles: only the back-office manager reads the trades part.
    assert "Stand-in trades" in standin.messages(GABRIELA)[0].text
    assert "Stand-in trades" not in tiago.text
    # The chart goes with it, into each DM (opened first: the files API wants a D... id).
    uploads = standin.of("files.completeUploadExternal")
    assert len(uploads) == 4 and all(str(u.get("channel_id", "")).startswith("D") for u in uploads)
    assert len(standin.of("file.upload")) == 4

    clock.set(utc(2026, 11, 25, 12, 1))
    assert "digest.manager" not in tick(staff)
    assert len(digests_queued(staff)) == 4


def test_sections_are_built_once_for_all_managers_not_per_manager(staff, clock, desk):
    tick(staff)
    all_four = desk.build_calls[0]
    assert len(desk.build_calls) == 1 and len(all_four) == 4


def test_nothing_on_a_weekend_or_a_national_holiday(staff, standin, clock):
    for day in (utc(2026, 11, 28, 12, 0), utc(2026, 11, 29, 12, 0), utc(2026, 11, 20, 12, 0)):
        clock.set(day)  # Saturday, Sunday, Black Awareness Day (national since 2024)
        assert digest_news(tick(staff)) == {}
    deliver(staff, standin)
    assert digests_queued(staff) == []
    assert standin.messages() == []
    clock.set(utc(2026, 11, 30, 12, 0))  # Monday: back to work
    tick(staff)
    assert len(digests_queued(staff)) == 4


def test_a_state_holiday_skips_only_the_managers_of_that_state(staff, clock):
    clock.set(utc(2026, 4, 23, 12, 0))  # Thursday, Saint George's Day: a holiday in Rio de Janeiro only
    tick(staff)
    got = sorted(m.person.slack_user_id for m in digests_queued(staff))
    assert got == sorted([TIAGO, SOFIA, ISABELA])  # Gabriela works in RJ
    clock.set(utc(2026, 7, 9, 12, 0))  # Thursday, Constitutionalist Revolution: São Paulo only
    tick(staff)
    day = [m for m in digests_queued(staff) if m.data["day"] == "2026-07-09"]
    assert [m.person.slack_user_id for m in day] == [GABRIELA]


def test_three_schedulers_at_once_send_each_digest_once(staff, registry, standin, clock):
    clocks = [another_runtime(staff, registry) for _ in range(3)]
    barrier = threading.Barrier(3)
    results: list = []
    errors: list = []

    def run(rt):
        try:
            barrier.wait()
            results.append(tick(rt, clock.now()))
        except Exception as exc:  # noqa: BLE001 - collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(rt,)) for rt in clocks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    sent = sum(int(r.get("digest.manager", "0").split()[0]) for r in results)
    assert sent == 4
    for rt in clocks:
        rt.sender.wait_idle()
        rt.sender.sweep()
    standin.settle(quiet=0.3)
    for manager in MANAGERS:
        assert len(standin.messages(manager)) == 1, manager
    assert len(standin.of("files.completeUploadExternal")) == 0  # no series data: no chart
    with staff.db.session() as s:
        runs = s.scalars(select(JobRun).where(JobRun.job == "digest.manager")).all()
        assert len(runs) == 4 and {r.status for r in runs} == {"done"}
    for rt in clocks:
        rt.db.dispose()


def test_a_restart_after_nine_sends_the_digest_late_once(staff, registry, standin, clock):
    clock.set(utc(2026, 11, 25, 13, 30))  # 10:30 in São Paulo: the bot was down at 09:00
    summary = tick(staff)
    assert summary["digest.manager"].startswith("4 sent (4 late)")
    deliver(staff, standin)
    late = standin.messages(TIAGO)[0]
    assert "Enviado com atraso" in late.text and "09:00" in late.text
    assert digest_news(tick(staff)) == {}
    restarted = another_runtime(staff, registry, FrozenClock(utc(2026, 11, 25, 13, 45)))
    assert "digest.manager" not in tick(restarted)
    restarted.db.dispose()
    deliver(staff, standin)
    assert len(standin.messages(TIAGO)) == 1
    with staff.db.session() as s:
        run = s.get(JobRun, f"digest:manager:{TIAGO}:2026-11-25")
        assert run.status == "done" and run.result["late"] is True and run.result["sent"] == 1


def test_past_the_grace_window_it_is_reported_not_sent(staff, standin, clock, caplog, bot):
    clock.set(utc(2026, 11, 25, 15, 30))  # 12:30 in São Paulo: 3.5 h after 09:00, grace is 3 h
    with caplog.at_level(logging.WARNING, logger="handlers.digest.jobs"):
        summary = tick(staff)
    assert "4 missed" in summary["digest.manager"]
    assert any("missed" in r.getMessage() and TIAGO in r.getMessage() for r in caplog.records)
    deliver(staff, standin)
    for manager in MANAGERS:
        assert standin.messages(manager) == []
    report = standin.messages(EDUARDA)
    assert len(report) == 1
    assert "4 resumos não foram enviados" in report[0].text and "Tiago Costa" in report[0].text
    with staff.db.session() as s:
        runs = s.scalars(select(JobRun).where(JobRun.job == "digest.manager")).all()
        assert {r.status for r in runs} == {"missed"}
        audits = s.scalars(select(AuditRecord).where(AuditRecord.action == "digest.missed")).all()
        assert len(audits) == 4
    clock.advance(minutes=1)
    assert digest_news(tick(staff)) == {}  # reported once, not every minute
    status = bot.command("/digest", "status", user=EDUARDA)
    assert "digest.manager" in status.text and "perdido" in status.text
    assert f"digest:manager:{TIAGO}:2026-11-25" in status.text


def test_an_empty_digest_is_not_sent_but_the_day_is_done(staff, standin, clock):
    with staff.db.session() as s:  # Isabela's team leaves: she has nothing to read
        s.execute(update(Person).where(Person.manager_id == s.scalar(
            select(Person.id).where(Person.slack_user_id == ISABELA))).values(manager_id=None))
        s.commit()
    summary = tick(staff)
    assert summary["digest.manager"].startswith("3 sent (0 late), 1 empty")
    deliver(staff, standin)
    assert standin.messages(ISABELA) == []
    with staff.db.session() as s:
        assert s.get(JobRun, f"digest:manager:{ISABELA}:2026-11-25").result == {"sent": 0, "empty": True}


def test_a_manager_without_a_slack_account_is_skipped(staff, clock):
    with staff.db.session() as s:
        s.execute(update(Person).where(Person.slack_user_id == ISABELA).values(slack_user_id=None))
        s.commit()
    assert digest_news(tick(staff))["digest.manager"].startswith("3 sent")
