"""Incidents on the clock: acknowledge deadlines escalated, overdue updates reminded."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy.exc import IntegrityError

from bot.declare import job
from bot.registry import JobSummary
from bot.runtime import Runtime
from models.core.errors import N_
from models.incidents import jobs as sla

log = logging.getLogger(__name__)


@job("incidents.sla", every_minutes=1, help=N_("Escalate unacknowledged incidents and remind overdue updates."))
def run_sla(runtime: Runtime, now: dt.datetime) -> JobSummary:
    """Escalate missed acknowledge deadlines and remind overdue updates, each once."""
    with runtime.db.session(readonly=True) as s:
        late_acks = sla.due_for_escalation(s, now)
        late_updates = sla.due_for_reminder(s, now)
    escalated = reminded = 0
    for step, ids in ((sla.escalate, late_acks), (sla.remind, late_updates)):
        for incident_id in ids:
            try:
                with runtime.unit_of_work(source="scheduler", now=now) as ctx:
                    done = step(ctx, incident_id)
            except IntegrityError:  # another process did this one a moment ago (dedup key)
                log.info("incidents.sla: %s for incident %s already done", step.__name__, incident_id)
                continue
            if done and step is sla.escalate:
                escalated += 1
            elif done:
                reminded += 1
    return JobSummary(N_("Incidents escalated: {escalated}; updates reminded: {reminded}."),
                      {"escalated": escalated, "reminded": reminded})
