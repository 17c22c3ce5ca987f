"""Retention: sick-leave notes go PRIVACY_HEALTH_RETENTION_DAYS after the leave ends, once, by a job
claimed like every other; audit records past the horizon become monthly counts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from bot.scheduler import run_job
from models.core.audit import AuditRecord
from models.core.privacy import AuditSummary
from models.leave.tables import LeaveRequest
from tests.cast import TIAGO, WESLEY
from tests.conftest import NOW
from tests.privacy.helpers import every_value, file_leave, found_in

FLU = "Gripe forte com febre alta"
BACK = "Dor nas costas, repouso"
TRIP = "Férias em família no sul"


def notes(runtime) -> dict[int, str | None]:
    with runtime.db.session() as s:
        return {r.id: r.note for r in s.scalars(select(LeaveRequest)).unique()}


def removals(runtime) -> int:
    with runtime.db.session() as s:
        return s.scalar(select(func.count()).select_from(AuditRecord)
                        .where(AuditRecord.action == "privacy.health_note_removed")) or 0


def test_expired_sick_notes_are_removed_once_exactly(bot, standin, people, runtime):
    flu = file_leave(runtime, WESLEY, "sick", "2026-07-01", "2026-07-03", note=FLU, approve_by=TIAGO, as_admin=True)
    back = file_leave(runtime, WESLEY, "sick", "2026-09-29", "2026-09-30", note=BACK, approve_by=TIAGO, as_admin=True)
    trip = file_leave(runtime, WESLEY, "vacation", "2026-06-08", "2026-06-10", note=TRIP, approve_by=TIAGO,
                      as_admin=True)
    assert found_in(every_value(runtime), FLU)  # the approver's DM carried it too
    job = runtime.registry.jobs["privacy.retention"]

    summary = run_job(runtime, job, NOW)
    assert summary is not None and summary.startswith("Health details removed: 1 ")
    assert notes(runtime) == {flu: None, back: BACK, trip: TRIP}  # ended 145 days ago; 56 days ago; not health
    assert found_in(every_value(runtime), FLU) == []  # nor any copy in the outbox
    assert removals(runtime) == 1

    assert run_job(runtime, job, NOW + dt.timedelta(minutes=5)) is None  # the day's run is claimed already
    tomorrow = run_job(runtime, job, NOW + dt.timedelta(days=1))
    assert tomorrow is not None and tomorrow.startswith("Health details removed: 0 ")
    assert removals(runtime) == 1

    runtime.settings.privacy_health_retention_days = 30
    run_job(runtime, job, NOW + dt.timedelta(days=2))
    assert notes(runtime) == {flu: None, back: None, trip: TRIP}
    assert removals(runtime) == 2


def test_audit_records_past_the_horizon_become_monthly_counts(runtime, people):
    old = dt.datetime(2020, 3, 5, 12, 0, tzinfo=dt.UTC)
    with runtime.unit_of_work(source="test") as ctx:
        for n in range(3):
            ctx.session.add(AuditRecord(at=old + dt.timedelta(days=n), action="leave.requested", entity="leave_requests",
                                        entity_id=str(n), source="slack", after={"note": "x"}))
        ctx.session.add(AuditRecord(at=old, action="privacy.erased", entity="people", entity_id="99", source="slack",
                                    after={"pseudonym": "anon-000001"}))
        recent = ctx.session.scalar(select(func.count()).select_from(AuditRecord))
    run_job(runtime, runtime.registry.jobs["privacy.retention"], NOW)
    with runtime.db.session() as s:
        summary = s.scalars(select(AuditSummary)).one()
        assert (summary.month, summary.action, summary.entity, summary.count) == ("2020-03", "leave.requested",
                                                                                   "leave_requests", 3)
        assert summary.first_at == old and summary.last_at == old + dt.timedelta(days=2)
        left = s.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.at < dt.datetime(2021, 1, 1,
                                                                                  tzinfo=dt.UTC)))
        assert left == 1  # the erasure stays: it proves the request was honoured
        assert s.scalar(select(func.count()).select_from(AuditRecord)) >= recent - 3
