"""The incident desk's scheduled job, digest section, chart series and App Home section."""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError

from bot.request import Request
from models.incidents import sections as reports
from models.incidents import jobs as sla
from models.core.errors import N_

log = logging.getLogger(__name__)


def run_sla(runtime, now) -> str:  # type: ignore[no-untyped-def]
    """Escalate missed acknowledge deadlines and remind overdue updates, each once."""
    with runtime.db.session(readonly=True) as s:
        late_acks = sla.due_for_escalation(s, now)
        late_updates = sla.due_for_reminder(s, now)
    escalated = reminded = 0
    for step, ids in ((sla.escalate, late_acks), (sla.remind, late_updates)):
        for incident_id in ids:
            try:
                with runtime.unit_of_work(source="scheduler") as ctx:
                    ctx.now = now
                    done = step(ctx, incident_id)
            except IntegrityError:  # another process did this one a moment ago (dedup key)
                log.info("incidents.sla: %s for incident %s already done", step.__name__, incident_id)
                continue
            if done and step is sla.escalate:
                escalated += 1
            elif done:
                reminded += 1
    return f"incidents.sla: {escalated} escalated, {reminded} reminded"


def home(req: Request) -> dict:
    return {"incidents": reports.mine(req.ctx.session, req.actor.id)}


def register_hooks(registry) -> None:  # type: ignore[no-untyped-def]
    registry.job("incidents.sla", every_minutes=1,
                 help="escalate unacknowledged incidents, remind overdue updates")(run_sla)
    registry.digest_section("incidents", template="incidents/digest_section.j2", order=40)(reports.digest_build)
    registry.series(N_("Open incidents"))(reports.open_per_day)
    registry.home_section("incidents", template="incidents/home_section.j2", order=40)(home)
