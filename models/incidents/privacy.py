"""Incidents' share of the data-subject rights: incidents a person reported or handled, and
the timeline lines they wrote. Numbers, states and times stay after an erasure (no gaps, the
SLA figures hold); their descriptions and notes go, their name is replaced everywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from models.core.errors import N_
from models.core.privacy import PrivacyPart, Scrubber, iso
from models.incidents.tables import Incident, TimelineEntry, format_ref

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from models.core.context import Ctx
    from models.core.people import Person


def export(session: Session, person: Person) -> dict[str, Any]:
    pid = person.id
    handled = session.scalars(select(Incident.id).join(TimelineEntry, TimelineEntry.incident_id == Incident.id)
                              .where(TimelineEntry.author_id == pid))
    ids = set(handled)
    found = session.scalars(select(Incident).where(or_(Incident.reporter_id == pid, Incident.assignee_id == pid,
                                                       Incident.id.in_(ids or {0}))).order_by(Incident.number))
    incidents = []
    for inc in found:
        reported = inc.reporter_id == pid
        incidents.append({
            "ref": inc.ref, "title": inc.title, "severity": inc.severity, "service": inc.service,
            "status": inc.status, "reported_at": iso(inc.reported_at), "closed_at": iso(inc.closed_at),
            "their_part": [p for p, yes in (("reported", reported), ("assigned", inc.assignee_id == pid),
                                            ("wrote", inc.id in ids)) if yes],
            "description": inc.description if reported else None,
        })
    entries = session.execute(select(TimelineEntry, Incident.number).join(Incident, TimelineEntry.incident_id == Incident.id)
                              .where(TimelineEntry.author_id == pid).order_by(TimelineEntry.id)).all()
    return {
        "incidents": incidents,
        "incident_timeline": [{"incident": format_ref(n), "at": iso(e.at), "kind": e.kind, "text": e.text}
                              for e, n in entries],
    }


def erase(ctx: Ctx, person: Person, scrub: Scrubber) -> dict[str, int]:
    """Their descriptions and timeline texts go; every incident, state and time stays."""
    session = ctx.session
    descriptions = texts = 0
    for inc in session.scalars(select(Incident).where(Incident.reporter_id == person.id,
                                                      Incident.description.is_not(None))):
        scrub.forget(inc.description)
        inc.description, descriptions = None, descriptions + 1
    for e in session.scalars(select(TimelineEntry).where(TimelineEntry.author_id == person.id,
                                                         TimelineEntry.text.is_not(None))):
        scrub.forget(e.text)
        e.text, texts = None, texts + 1
    session.flush()
    for inc in session.scalars(select(Incident)):
        inc.title = scrub.text(inc.title) or inc.title
        inc.summary = scrub.text(inc.summary)
        inc.channel_name = scrub.text(inc.channel_name)
    for e in session.scalars(select(TimelineEntry).where(or_(TimelineEntry.text.is_not(None),
                                                             TimelineEntry.detail.is_not(None)))):
        e.text, e.detail = scrub.text(e.text), scrub.value(e.detail)
    return {"descriptions": descriptions, "timeline_texts": texts}


def subjects(session: Session, person: Person) -> dict[str, list[int]]:
    """The incidents they reported or are assigned."""
    return {"incidents": list(session.scalars(select(Incident.id).where(or_(
        Incident.reporter_id == person.id, Incident.assignee_id == person.id))))}


PART = PrivacyPart("incidents", export=export, erase=erase, subjects=subjects, labels={
    "incidents": N_("Incidents reported or handled"), "incident_timeline": N_("Incident timeline entries written")})
