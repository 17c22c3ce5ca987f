"""Leave on the clock: reminders of undecided requests."""

from __future__ import annotations

import datetime as dt

from bot.declare import job
from bot.registry import JobSummary
from bot.runtime import Runtime
from models.core.errors import N_, NP_
from models.leave.queries import send_reminders


@job("leave.reminders", every_minutes=60,
     help=N_("Remind approvers of undecided leave (after 1 and 3 business days), then the admins (after 5)."))
def reminders_job(runtime: Runtime, now: dt.datetime) -> JobSummary:
    """Remind approvers of undecided requests (1 and 3 business days), then the admins (5)."""
    with runtime.unit_of_work(source="scheduler", now=now) as ctx:
        done = send_reminders(ctx)
    lines = tuple(JobSummary(TO_ADMINS if r.to_admins else TO_APPROVER, {"id": r.request_id, "count": r.waited})
                  for r in done)
    return JobSummary(NP_("{count} leave reminder sent.", "{count} leave reminders sent."), {"count": len(done)}, lines)


TO_APPROVER = NP_("#{id}: the approver, after {count} business day.", "#{id}: the approver, after {count} business days.")
TO_ADMINS = NP_("#{id}: the admins, after {count} business day.", "#{id}: the admins, after {count} business days.")
