"""Job-run claims: each run of a job for a period happens once, whatever the number of clocks.

A run is a row keyed by job and period (``digest:manager:U123:2026-11-25``,
``job:leave.reminders:2026-11-25T13:00``). A clock claims it with INSERT ... ON CONFLICT DO
NOTHING before it acts, in the same transaction as the outbox rows the run produces, so a
second clock (another process, a restart) finds the key taken and does nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import socket
from dataclasses import dataclass

from sqlalchemy import Index, Insert, String, Table, Text, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.core.base import Base
from models.core.chunks import in_chunks


class RunStatus(str, enum.Enum):
    running = "running"  # claimed; a job that runs outside the claim's transaction is at work
    done = "done"
    missed = "missed"  # found past its grace window: reported, never sent
    failed = "failed"


class JobRun(Base):
    """One run of a job for one period, claimed by one clock."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_due", "job", "due_at"),)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    job: Mapped[str] = mapped_column(String(80))
    period: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10))
    due_at: Mapped[dt.datetime]
    claimed_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]
    claimed_by: Mapped[str] = mapped_column(String(100))
    result: Mapped[dict | None]
    detail: Mapped[str | None] = mapped_column(Text)


@dataclass(frozen=True)
class Claim:
    """What a clock wants to claim: the key and what the row should say about it."""

    key: str
    job: str
    period: str
    due_at: dt.datetime
    subject: str | None = None


def worker_name() -> str:
    """Who claimed a run (host and pid), so operators can tell clocks apart."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _insert_new(session: Session, table: Table, key: str) -> Insert:
    """INSERT that skips rows whose ``key`` is taken already (ON CONFLICT DO NOTHING, in each dialect)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=[key])
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=[key])


def claim_many(session: Session, claims: list[Claim], now: dt.datetime, *,
               status: RunStatus = RunStatus.running, detail: str | None = None) -> set[str]:
    """Claim these periods; returns the keys this transaction won (others were taken already).

    Keys are inserted in sorted order so that two PostgreSQL clocks wait on each other
    instead of deadlocking; the loser's insert waits for the winner's commit, then skips.
    """
    if not claims:
        return set()
    me = worker_name()
    rows = [
        {"key": c.key, "job": c.job, "period": c.period, "subject": c.subject, "status": status.value,
         "due_at": c.due_at, "claimed_at": now, "claimed_by": me, "detail": detail}
        for c in sorted(claims, key=lambda c: c.key)
    ]
    # One executemany with RETURNING (compiled once, sent in ordered batches by "insertmanyvalues"):
    # a key taken already returns nothing, so what comes back is what this transaction won.
    table = JobRun.__table__
    stmt = _insert_new(session, table, "key").returning(table.c.key)
    return set(session.execute(stmt, rows).scalars())


def claim(session: Session, c: Claim, now: dt.datetime) -> bool:
    """Claim one period; True if this transaction won it."""
    return c.key in claim_many(session, [c], now)


def finish(session: Session, key: str, now: dt.datetime, *, status: RunStatus = RunStatus.done,
           result: dict | None = None, detail: str | None = None) -> None:
    """Mark a claimed run as finished, with what it did."""
    run = session.get(JobRun, key)
    if run is None:
        return
    run.status = status.value
    run.finished_at = now
    run.result = result
    run.detail = detail[:2000] if detail else None


def finish_many(session: Session, results: dict[str, dict], now: dt.datetime, *,
                status: RunStatus = RunStatus.done) -> None:
    """Mark many claimed runs finished, each with its result, in one executemany UPDATE."""
    if results:
        table = JobRun.__table__
        stmt = update(table).where(table.c.key == bindparam("run_key")).values(
            status=status.value, finished_at=now, result=bindparam("run_result"))
        session.execute(stmt, [{"run_key": k, "run_result": results[k]} for k in sorted(results)])


def claimed(session: Session, keys: set[str]) -> dict[str, JobRun]:
    """The rows of these keys, in a few queries (to record what each run did)."""
    out: dict[str, JobRun] = {}
    ordered = sorted(keys)
    for chunk in in_chunks(ordered):
        out.update((r.key, r) for r in session.scalars(select(JobRun).where(JobRun.key.in_(chunk))))
    return out


def taken(session: Session, keys: list[str]) -> set[str]:
    """Which of these keys are claimed already (a cheap pre-check before building anything)."""
    found: set[str] = set()
    for chunk in in_chunks(keys):
        found.update(session.scalars(select(JobRun.key).where(JobRun.key.in_(chunk))))
    return found


@dataclass(frozen=True)
class RunCount:
    """How many runs of ``job`` due in a period ended ``status``, ``late`` of them sent late."""

    job: str
    status: str
    count: int
    late: int


def run_counts(session: Session, since: dt.datetime) -> list[RunCount]:
    """Every run due since ``since``, counted by job and status (all of them: 10,000 managers' digests
    are 20,000 runs in two days), sorted by job then status."""
    counts: dict[tuple[str, str], list[int]] = {}
    for job, status, result in session.execute(select(JobRun.job, JobRun.status, JobRun.result)
                                               .where(JobRun.due_at >= since)):
        entry = counts.setdefault((job, status), [0, 0])
        entry[0] += 1
        entry[1] += int(bool((result or {}).get("late")))
    return [RunCount(job, status, n, late) for (job, status), (n, late) in sorted(counts.items())]


def recent_runs(session: Session, since: dt.datetime, *, jobs: tuple[str, ...] = (),
                statuses: tuple[RunStatus, ...] = (), limit: int = 50) -> list[JobRun]:
    """Runs due since ``since``, newest first (for the operators' status view)."""
    stmt = select(JobRun).where(JobRun.due_at >= since)
    if jobs:
        stmt = stmt.where(JobRun.job.in_(jobs))
    if statuses:
        stmt = stmt.where(JobRun.status.in_([s.value for s in statuses]))
    return list(session.scalars(stmt.order_by(JobRun.due_at.desc(), JobRun.key).limit(limit)))
