"""The platform's housekeeping on the clock."""

from __future__ import annotations

import datetime as dt

from bot.declare import job
from bot.registry import JobSummary
from bot.runtime import Runtime
from models.core.errors import N_, NP_
from models.core.platform import prune_processed_requests


@job("platform.prune_requests", every_minutes=60 * 24, help=N_("Forget Slack request keys older than a week."))
def prune_requests(runtime: Runtime, now: dt.datetime) -> JobSummary:
    """Forget Slack request keys older than a week."""
    with runtime.db.session() as session:
        removed = prune_processed_requests(session, now)
        session.commit()
    return JobSummary(NP_("Forgot {count} old request key.", "Forgot {count} old request keys."), {"count": removed})
