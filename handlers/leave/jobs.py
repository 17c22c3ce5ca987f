"""Leave on the clock: reminders of undecided requests."""

from __future__ import annotations

import datetime as dt

from bot.declare import job
from bot.runtime import Runtime
from models.leave.queries import send_reminders


@job("leave.reminders", every_minutes=60,
     help="remind approvers of undecided leave (1 and 3 business days), then admins (5)")
def reminders_job(runtime: Runtime, now: dt.datetime) -> str:
    """Remind approvers of undecided requests (1 and 3 business days), then the admins (5)."""
    with runtime.unit_of_work(source="scheduler") as ctx:
        ctx.now = now
        done = send_reminders(ctx)
    return f"leave reminders: {len(done)} sent" + "".join(f"\n  {line}" for line in done)
