"""Incidents: the ticket, its timeline, gap-free numbering and the plain data templates read."""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.core.base import Base
from models.core.errors import N_, NotFound, ValidationError
from models.core.outbox import OutboxMessage
from models.core.people import Person
from models.core.text import clean_text, fold

SEVERITIES = (1, 2, 3, 4)
CHANNEL_SEVERITIES = (1, 2)  # SEV1 and SEV2 get their own channel
SUMMARY_SEVERITIES = (1, 2)  # and are closed with a summary (post-incident review)
TITLE_MAX = 150
SERVICE_MAX = 100
DESCRIPTION_MAX = 3000
NOTE_MAX = 3000
# Desk-specific outbox kinds (delivered by handlers/incidents/slack_ops.py); the outbox's kind
# column holds 12 characters.
KIND_CHANNEL = "inc_channel"  # create the channel, invite, set the topic, pin the summary
KIND_INVITE = "inc_invite"  # invite a new assignee and say so in the channel
KIND_ARCHIVE = "inc_archive"  # archive the channel once the summary is posted


class Status(str, enum.Enum):
    """Where an incident stands; it only moves forward, except back to investigating."""

    open = "open"
    acknowledged = "acknowledged"  # someone on call is on it ("investigating")
    mitigated = "mitigated"
    resolved = "resolved"
    closed = "closed"


ACTIVE = (Status.open.value, Status.acknowledged.value, Status.mitigated.value)
NOT_CLOSED = (*ACTIVE, Status.resolved.value)


class IncidentCounter(Base):
    """The last number handed out; its row is locked while a report takes the next one."""

    __tablename__ = "incident_counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class Incident(Base):
    """One incident, INC-0042, with who reported and owns it and when each step happened."""

    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint("number"),
        UniqueConstraint("channel_id"),
        Index("ix_incidents_status_severity", "status", "severity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    severity: Mapped[int]
    service: Mapped[str | None] = mapped_column(String(SERVICE_MAX))
    description: Mapped[str | None] = mapped_column(Text)
    source_link: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default=Status.open.value)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    channel_id: Mapped[str | None] = mapped_column(String(40))
    channel_name: Mapped[str | None] = mapped_column(String(80))
    card_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    summary: Mapped[str | None] = mapped_column(Text)
    reported_at: Mapped[dt.datetime]
    acknowledged_at: Mapped[dt.datetime | None]
    mitigated_at: Mapped[dt.datetime | None]
    resolved_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    ack_due_at: Mapped[dt.datetime | None]
    escalated_at: Mapped[dt.datetime | None]
    update_due_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime]

    reporter: Mapped[Person] = relationship(foreign_keys=[reporter_id])
    assignee: Mapped[Person | None] = relationship(foreign_keys=[assignee_id])
    card: Mapped[OutboxMessage | None] = relationship(foreign_keys=[card_id])
    timeline: Mapped[list[TimelineEntry]] = relationship(
        back_populates="incident", order_by="TimelineEntry.id", cascade="all, delete-orphan"
    )

    @property
    def ref(self) -> str:
        return format_ref(self.number)

    @property
    def is_closed(self) -> bool:
        return self.status == Status.closed.value


class TimelineEntry(Base):
    """One line of an incident's story: a change, a note, a pinned message, an escalation."""

    __tablename__ = "incident_timeline"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict | None]
    message_ts: Mapped[str | None] = mapped_column(String(40))

    incident: Mapped[Incident] = relationship(back_populates="timeline")
    author: Mapped[Person | None] = relationship()


# -- numbers and references ----------------------------------------------------------------

REF_RE = re.compile(r"^(?:inc-?|#)?(\d{1,7})$", re.IGNORECASE)


def format_ref(number: int) -> str:
    return f"INC-{number:04d}"


def parse_ref(text: str, *, strict: bool = False) -> int | None:
    """The number in ``INC-0042``, ``inc-42``, ``#42`` or (unless ``strict``) ``42``."""
    m = REF_RE.match(text.strip())
    if not m or (strict and text.strip().isdigit()):
        return None
    return int(m.group(1))


def next_number(session: Session) -> int:
    """The next incident number, taken under a row lock so concurrent reports never share or skip one."""
    stmt = (select(IncidentCounter).where(IncidentCounter.name == "incident")
            .with_for_update().execution_options(populate_existing=True))
    counter = session.scalar(stmt)
    if counter is None:
        try:  # the very first report: whoever creates the row first wins, the others then wait on its lock
            with session.begin_nested():
                session.add(IncidentCounter(name="incident", last=0))
        except IntegrityError:
            pass
        counter = session.scalar(stmt)
        assert counter is not None
    counter.last += 1
    session.flush()
    return counter.last


def clean(value: Any) -> str:
    """Text from a form or a command: a string without control or bidi characters (PostgreSQL refuses NUL)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return ""
    return clean_text(str(value))


def parse_severity(value: Any) -> int:
    """1..4 from ``SEV2``, ``sev 2`` or ``2``; a field error otherwise."""
    text = re.sub(r"\s+", "", str(value or "")).lower().removeprefix("sev")
    if text.isdigit() and int(text) in SEVERITIES:
        return int(text)
    raise ValidationError(N_("Choose a severity from SEV1 (everything is down) to SEV4 (minor)."), field="severity")


# -- finding -------------------------------------------------------------------------------

def get_incident(session: Session, number: int, *, lock: bool = False) -> Incident:
    """Incident ``number``, or NotFound (also for numbers beyond what the database holds)."""
    if not 0 < number < 2**31:
        raise NotFound(N_("There is no incident {ref}. `/incident list` shows the open ones."), ref=format_ref(number))
    stmt = select(Incident).where(Incident.number == number)
    if lock:
        stmt = stmt.with_for_update(of=Incident).execution_options(populate_existing=True)
    inc = session.scalar(stmt)
    if inc is None:
        raise NotFound(N_("There is no incident {ref}. `/incident list` shows the open ones."), ref=format_ref(number))
    return inc


def incident_in_channel(session: Session, channel_id: str | None) -> Incident | None:
    if not channel_id:
        return None
    return session.scalar(select(Incident).where(Incident.channel_id == channel_id))


def open_incidents(session: Session) -> list[Incident]:
    """Every incident not closed yet, most severe first, then oldest first."""
    stmt = select(Incident).where(Incident.status.in_(NOT_CLOSED)).order_by(Incident.severity, Incident.number)
    return list(session.scalars(stmt))


# -- channel names ---------------------------------------------------------------------------

def channel_name(number: int, title: str, attempt: int = 1) -> str:
    """``inc-0042-short-title`` under Slack's rules (lowercase, no punctuation but - and _, <= 80);
    attempt 2, 3... adds ``-2``, ``-3`` when the name is taken."""
    slug = re.sub(r"[^a-z0-9_]+", "-", fold(title)).strip("-_")
    slug = re.sub(r"-{2,}", "-", slug)
    base = f"inc-{number:04d}" + (f"-{slug}" if slug else "")
    suffix = f"-{attempt}" if attempt > 1 else ""
    return base[: 80 - len(suffix)].rstrip("-_") + suffix


# -- plain data for templates (no ORM object leaves the unit of work) ---------------------------

def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def person_data(person: Person | None) -> dict | None:
    if person is None:
        return None
    return {"id": person.id, "name": person.name, "mention": person.mention}


def entry_data(entry: TimelineEntry) -> dict:
    return {
        "at": _iso(entry.at),
        "kind": entry.kind,
        "author": person_data(entry.author),
        "text": entry.text,
        "detail": entry.detail or {},
    }


def incident_data(inc: Incident, *, timeline: bool = False) -> dict:
    """Everything a card, a list line or a summary shows about ``inc``."""
    data = {
        "id": inc.id,
        "ref": inc.ref,
        "number": inc.number,
        "title": inc.title,
        "severity": inc.severity,
        "service": inc.service,
        "description": inc.description,
        "source_link": inc.source_link,
        "status": inc.status,
        "reporter": person_data(inc.reporter),
        "assignee": person_data(inc.assignee),
        "channel_id": inc.channel_id,
        "summary": inc.summary,
        "reported_at": _iso(inc.reported_at),
        "acknowledged_at": _iso(inc.acknowledged_at),
        "mitigated_at": _iso(inc.mitigated_at),
        "resolved_at": _iso(inc.resolved_at),
        "closed_at": _iso(inc.closed_at),
        "ack_due_at": _iso(inc.ack_due_at),
        "update_due_at": _iso(inc.update_due_at),
        "escalated": inc.escalated_at is not None,
    }
    if timeline:
        data["timeline"] = [entry_data(e) for e in inc.timeline]
    return data


def durations(inc: Incident) -> dict[str, float | None]:
    """Seconds from the report to acknowledge, mitigate and resolve (None: not reached)."""

    def since(at: dt.datetime | None) -> float | None:
        return (at - inc.reported_at).total_seconds() if at else None

    return {"ack": since(inc.acknowledged_at), "mitigate": since(inc.mitigated_at),
            "resolve": since(inc.resolved_at)}
