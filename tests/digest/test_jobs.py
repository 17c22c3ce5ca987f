"""The desks' periodic jobs: once per period whatever the number of clocks; a failure is recorded."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select

from bot.scheduler import period_start, start_in_background, tick
from models.core.scheduling import JobRun
from tests.cast import EDUARDA
from tests.digest.conftest import another_runtime, utc


def test_a_job_runs_once_per_period_across_ticks_and_clocks(staff, registry, clock):
    runs: list = []

    @registry.job("standin.reminders", every_minutes=15)
    def reminders(runtime, now):
        runs.append(now)
        return "2 reminders sent"

    clock.set(utc(2026, 11, 25, 13, 0))
    assert tick(staff)["standin.reminders"] == "2 reminders sent"
    other = another_runtime(staff, registry)
    clock.set(utc(2026, 11, 25, 13, 14))
    assert "standin.reminders" not in tick(staff)
    assert "standin.reminders" not in tick(other)
    clock.set(utc(2026, 11, 25, 13, 15))
    assert "standin.reminders" in tick(other)
    other.db.dispose()
    assert len(runs) == 2
    with staff.db.session() as s:
        keys = [r.key for r in s.scalars(select(JobRun).where(JobRun.job == "job:standin.reminders")
                                         .order_by(JobRun.key))]
        assert keys == ["job:standin.reminders:2026-11-25T13:00", "job:standin.reminders:2026-11-25T13:15"]
        run = s.get(JobRun, keys[0])
        assert run.status == "done" and run.detail == "2 reminders sent" and run.finished_at is not None


def test_three_clocks_in_the_same_minute_run_a_job_once(staff, registry, clock):
    runs: list = []
    lock = threading.Lock()

    @registry.job("standin.sla", every_minutes=1)
    def sla(runtime, now):
        with lock:
            runs.append(now)
        return "checked"

    clocks = [another_runtime(staff, registry) for _ in range(3)]
    barrier = threading.Barrier(3)
    threads = [threading.Thread(target=lambda rt=rt: (barrier.wait(), tick(rt))) for rt in clocks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(runs) == 1
    for rt in clocks:
        rt.db.dispose()


def test_a_failing_job_is_recorded_and_the_others_still_run(staff, registry, clock, bot):
    @registry.job("standin.broken", every_minutes=5)
    def broken(runtime, now):
        raise RuntimeError("cut-off table is locked")

    @registry.job("standin.fine", every_minutes=5)
    def fine(runtime, now):
        return "ok"

    summary = tick(staff)
    assert summary["standin.broken"] == "failed: RuntimeError" and summary["standin.fine"] == "ok"
    assert len([k for k in summary if k.startswith("digest.")]) == 1  # the digests went out regardless
    status = bot.command("/digest", "status", user=EDUARDA)
    assert "job:standin.broken:2026-11-25T12:00" in status.text and "cut-off table is locked" in status.text


def test_periods_are_counted_from_midnight_utc():
    assert period_start(utc(2026, 11, 25, 13, 14, 59), 15) == utc(2026, 11, 25, 13, 0)
    assert period_start(utc(2026, 11, 25, 0, 7), 60 * 24) == utc(2026, 11, 25, 0, 0)
    assert period_start(utc(2026, 11, 25, 23, 59), 1) == utc(2026, 11, 25, 23, 59)


def test_the_clock_runs_inside_a_web_process_when_asked(staff, registry):
    """RUN_SCHEDULER=true: the first tick comes at start-up (catching up), then every minute."""
    ran = threading.Event()

    @registry.job("standin.startup", every_minutes=60)
    def startup(runtime, now):
        ran.set()
        return "ran"

    sched = start_in_background(staff)
    try:
        assert ran.wait(20)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the claim is finished right after the job returns
            with staff.db.session() as s:
                if s.scalar(select(JobRun.status).where(JobRun.job == "job:standin.startup")) == "done":
                    break
            time.sleep(0.05)
        job = sched.get_job("tick")
        assert job.coalesce is True and job.max_instances == 1
    finally:
        sched.shutdown(wait=True)
    with staff.db.session() as s:
        assert s.scalar(select(JobRun.status).where(JobRun.job == "job:standin.startup")) == "done"
