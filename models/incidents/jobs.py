"""The incident SLA job: escalations when an acknowledge deadline is missed and reminders when an
update is overdue (the deadlines themselves: :mod:`models.incidents.sla`). Each deadline acts once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.audit import record
from models.core.context import Ctx
from models.core.notify import notify
from models.core.people import Person, PersonRole, Role, admins
from models.incidents.flow import add_entry
from models.incidents.sla import update_interval
from models.incidents.tables import ACTIVE, Incident, Status, incident_data

# -- who hears about a missed deadline ----------------------------------------------------------

def escalation_managers(session: Session) -> list[Person]:
    """Managers of the on-call people, and managers who are on call themselves; admins if none."""
    oncall = select(PersonRole.person_id).where(PersonRole.role == Role.oncall.value)
    managers = select(PersonRole.person_id).where(PersonRole.role == Role.manager.value)
    bosses = select(Person.manager_id).where(Person.id.in_(oncall), Person.active.is_(True))
    stmt = (select(Person).where(Person.active.is_(True), Person.id.in_(managers))
            .where(Person.id.in_(bosses) | Person.id.in_(oncall)).order_by(Person.name))
    found = list(session.scalars(stmt).unique())
    return found or admins(session)


# -- the job's passes -------------------------------------------------------------------------

def due_for_escalation(session: Session, now: dt.datetime) -> list[int]:
    stmt = select(Incident.id).where(Incident.status == Status.open.value, Incident.escalated_at.is_(None),
                                     Incident.ack_due_at <= now).order_by(Incident.severity, Incident.number)
    return list(session.scalars(stmt))


def due_for_reminder(session: Session, now: dt.datetime) -> list[int]:
    stmt = select(Incident.id).where(Incident.status.in_(ACTIVE), Incident.update_due_at <= now)
    return list(session.scalars(stmt.order_by(Incident.severity, Incident.number)))


def _locked(ctx: Ctx, incident_id: int) -> Incident:
    stmt = select(Incident).where(Incident.id == incident_id).with_for_update(of=Incident)
    return ctx.session.scalars(stmt.execution_options(populate_existing=True)).one()


def escalate(ctx: Ctx, incident_id: int) -> bool:
    """Tell the on-call channel and the managers that ``incident_id`` was not acknowledged in time."""
    inc = _locked(ctx, incident_id)
    if inc.status != Status.open.value or inc.escalated_at is not None or inc.ack_due_at is None \
            or inc.ack_due_at > ctx.now:
        return False  # acknowledged meanwhile, or another pass got here first
    inc.escalated_at = ctx.now
    managers = escalation_managers(ctx.session)
    data = incident_data(inc)
    data["late_seconds"] = (ctx.now - inc.ack_due_at).total_seconds()
    key = f"incident:{inc.id}:escalation"
    notify(ctx, "incidents/escalation", data, channel=ctx.config.oncall_channel, dedup_key=key)
    for boss in managers:
        notify(ctx, "incidents/escalation", data, person=boss, dedup_key=f"{key}:{boss.id}")
    add_entry(ctx, inc, "escalated", detail={"managers": [m.name for m in managers]}, news=False)
    record(ctx, "incident.escalated", inc, after={"ack_due_at": inc.ack_due_at, "managers": [m.id for m in managers]})
    return True


def remind(ctx: Ctx, incident_id: int) -> bool:
    """Remind the assignee that an update is overdue; the next reminder comes one interval later."""
    inc = _locked(ctx, incident_id)
    due = inc.update_due_at
    if inc.status not in ACTIVE or due is None or due > ctx.now:
        return False
    interval = update_interval(ctx.config, inc.severity)
    # Several missed intervals (the bot was down) give one reminder, not a burst.
    nxt = due
    while interval and nxt <= ctx.now:
        nxt += interval
    inc.update_due_at = nxt if interval else None
    target = inc.assignee
    data = incident_data(inc)
    data["due_at"] = due.isoformat()
    key = f"incident:{inc.id}:reminder:{due.isoformat()}"
    if target is not None:
        notify(ctx, "incidents/reminder", data, person=target, dedup_key=key)
    else:
        notify(ctx, "incidents/reminder", data, channel=ctx.config.oncall_channel, dedup_key=key)
    add_entry(ctx, inc, "reminded", detail={"to": target.name if target else None}, news=False)
    record(ctx, "incident.reminded", inc, after={"due_at": due, "to": target.id if target else None})
    return True

