"""The clock: every minute, find what is due from the database and the clock, and run it once.

APScheduler only ticks (an interval trigger, ``coalesce=True``, ``max_instances=1``, an
in-memory store). What is due, and whether it already ran, is decided by :func:`tick` from
``job_runs`` claims, so any number of clock processes, restarts included, run each period
once: its 3.x job stores would run jobs twice with several processes, and its misfire
handling would skip a late run instead of catching up.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot import metrics
from bot.registry import Job
from bot.runtime import Runtime
from models.core.scheduling import Claim, RunStatus, claim, finish

log = logging.getLogger(__name__)

TICK_SECONDS = 60


def period_start(now: dt.datetime, every_minutes: int) -> dt.datetime:
    """The start of the ``every_minutes`` period holding ``now`` (periods counted from midnight UTC)."""
    now = now.astimezone(dt.UTC).replace(second=0, microsecond=0)
    every = max(1, int(every_minutes))
    minutes = now.hour * 60 + now.minute
    return now.replace(hour=0, minute=0) + dt.timedelta(minutes=minutes - minutes % every)


def job_key(job: Job, start: dt.datetime) -> str:
    return f"job:{job.name}:{start:%Y-%m-%dT%H:%M}"


def run_job(runtime: Runtime, job: Job, now: dt.datetime) -> str | None:
    """Run ``job`` for the period holding ``now`` unless some clock already did. Returns its summary.

    The claim commits before the job runs (a job opens its own units of work), so a clock that
    dies mid-run leaves the period claimed and the next period picks up what is left: jobs
    are written to be safe to repeat, never to depend on one particular run. A job that is not
    ``once_per_period`` claims its own work and runs at every tick (see :func:`run_every_tick`).
    """
    if not job.once_per_period:
        return run_every_tick(runtime, job, now)
    start = period_start(now, job.every_minutes)
    key = job_key(job, start)
    with runtime.unit_of_work(source="scheduler") as ctx:
        won = claim(ctx.session, Claim(key, f"job:{job.name}", f"{start:%Y-%m-%dT%H:%M}", start), now)
    if not won:
        return None
    metrics.JOB_RUNS.labels(job=job.name, outcome="claimed").inc()
    try:
        summary = job.run(runtime, now)
    except Exception as exc:
        log.exception("job %s failed for %s", job.name, start.isoformat())
        _finish(runtime, key, RunStatus.failed, f"{type(exc).__name__}: {exc}")
        metrics.JOB_RUNS.labels(job=job.name, outcome="failed").inc()
        return f"failed: {type(exc).__name__}"
    text = str(summary) if summary is not None else "done"
    _finish(runtime, key, RunStatus.done, text)
    metrics.JOB_RUNS.labels(job=job.name, outcome="done").inc()
    log.info("job %s (%s): %s", job.name, start.strftime("%H:%M"), text)
    return text


def run_every_tick(runtime: Runtime, job: Job, now: dt.datetime) -> str | None:
    """Run a job that claims its own work (the digests claim each reader's day): no period claim,
    and a summary only when it did something (``None`` otherwise)."""
    try:
        summary = job.run(runtime, now)
    except Exception:
        log.exception("%s failed at %s; will try again next minute", job.name, now.isoformat())
        metrics.JOB_RUNS.labels(job=job.name, outcome="failed").inc()
        return "error"
    return str(summary) if summary else None


def _finish(runtime: Runtime, key: str, status: RunStatus, detail: str) -> None:
    with runtime.unit_of_work(source="scheduler") as ctx:
        finish(ctx.session, key, ctx.now, status=status, detail=detail)


def tick(runtime: Runtime, now: dt.datetime | None = None) -> dict[str, str]:
    """One pass of the clock at ``now``: the jobs due (the digests among them), the outbox sweep.

    Safe to call from several processes (or threads) for the same minute. Returns what each
    part did, for the log and for tests.
    """
    now = now or runtime.clock.now()
    done: dict[str, str] = {}
    for job in list(runtime.registry.jobs.values()):
        try:
            summary = run_job(runtime, job, now)
        except Exception:
            log.exception("could not claim job %s", job.name)
            summary = "error"
        if summary is not None:
            done[job.name] = summary
    try:
        sent = runtime.sender.sweep()
        if sent:
            done["outbox"] = f"{sent} sent"
    except Exception:
        log.exception("outbox sweep failed")
        done["outbox"] = "error"
    return done


def _scheduler(runtime: Runtime, background: bool) -> BaseScheduler:
    cls = BackgroundScheduler if background else BlockingScheduler
    sched = cls(timezone=dt.UTC, job_defaults={"coalesce": True, "max_instances": 1,
                                                        "misfire_grace_time": None})
    # The first tick runs at once: a period missed while the clock was down is caught up now.
    sched.add_job(_safe_tick, IntervalTrigger(seconds=TICK_SECONDS), args=[runtime], id="tick", name="clock tick",
                  next_run_time=dt.datetime.now(dt.UTC))
    # One "Running job..." line a minute says nothing; the tick logs what it did.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    return sched


def _safe_tick(runtime: Runtime) -> None:
    try:
        tick(runtime)
    except Exception:
        log.exception("tick failed")


def _started(runtime: Runtime, where: str) -> None:
    s = runtime.settings
    log.info("clock started (%s): %d job(s) [%s], digests at %s local time, %.1f h grace", where,
             len(runtime.registry.jobs), ", ".join(runtime.registry.jobs) or "none", s.digest_time,
             s.digest_grace_hours)


def run_forever(runtime: Runtime) -> None:
    """``backoffice-bot scheduler``: tick every minute until SIGTERM or Ctrl-C."""
    sched = _scheduler(runtime, background=False)

    def stop(signum: int, _frame: object) -> None:
        log.info("clock stopping (signal %s)", signum)
        threading.Thread(target=sched.shutdown, kwargs={"wait": True}, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    _started(runtime, "scheduler process")
    try:
        sched.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    runtime.sender.stop(runtime.settings.shutdown_grace)  # deliveries under way finish, the rest go back
    log.info("clock stopped")


def start_in_background(runtime: Runtime) -> BaseScheduler:
    """``RUN_SCHEDULER=true``: the clock inside serve/socket, for single-process deployments."""
    sched = _scheduler(runtime, background=True)
    sched.start()
    _started(runtime, "in-process")
    return sched
