"""Calendar feeds: a secret, revocable URL per person with their team's approved absences.

Only a SHA-256 hash of the token is stored: the URL is shown once, when it is made; a lost
one is replaced (``/leave calendar reset``), which revokes the old. What a feed shows never
says why someone is out for sensitive or unpaid leave (LGPD): the URL is a bearer secret that
calendar apps keep, and it may travel further than its owner.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.core.audit import record
from models.core.base import Base
from models.core.errors import N_, PermissionDenied
from models.core.people import Person
from models.leave.days import local_today
from models.leave.flow import team_of
from models.leave.tables import LeaveRequest, LeaveStatus

if TYPE_CHECKING:
    from models.core.context import Ctx

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
PAST_DAYS, FUTURE_DAYS = 366, 731  # a year back, two ahead: what calendar apps are asked for


class LeaveCalendarFeed(Base):
    """A person's feed: who it is for and the hash of its secret token."""

    __tablename__ = "leave_calendar_feeds"
    __table_args__ = (UniqueConstraint("person_id"), UniqueConstraint("token_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]

    person: Mapped[Person] = relationship(lazy="joined")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def feed_of(session: Session, person: Person) -> LeaveCalendarFeed | None:
    return session.scalar(select(LeaveCalendarFeed).where(LeaveCalendarFeed.person_id == person.id))


def issue_feed(ctx: Ctx, *, reset: bool = False) -> tuple[str | None, LeaveCalendarFeed]:
    """The actor's feed. A new token (returned once) if they had none or ``reset`` (the old
    URL stops working at once); ``None`` when they already have one and did not reset."""
    me = ctx.actor
    if me is None:
        raise PermissionDenied(N_("This needs the {roles} role; ask an admin if you should have it."), roles="employee")
    ctx.session.scalars(select(Person.id).where(Person.id == me.id).with_for_update()).first()
    feed = feed_of(ctx.session, me)
    if feed is not None and not reset:
        return None, feed
    token = secrets.token_urlsafe(32)
    if feed is None:
        feed = LeaveCalendarFeed(person_id=me.id, token_hash=hash_token(token), created_at=ctx.now)
        ctx.session.add(feed)
        action = "leave.calendar_created"
    else:
        feed.token_hash, feed.created_at = hash_token(token), ctx.now
        action = "leave.calendar_reset"
    ctx.session.flush()
    record(ctx, action, feed, after={"person": me.id})  # never the token, nor its hash
    return token, feed


def feed_for_token(session: Session, token: str) -> LeaveCalendarFeed | None:
    """The feed this token opens, or None (malformed, wrong or revoked: all the same)."""
    if not TOKEN_RE.match(token or ""):
        return None
    feed = session.scalar(select(LeaveCalendarFeed).where(LeaveCalendarFeed.token_hash == hash_token(token)))
    if feed is None or not feed.person.active:
        return None
    return feed


@dataclass
class Absence:
    """One approved request as a feed shows it: ``type`` is None where it must only say "out"."""

    uid: str
    person: str
    type: str | None
    type_name: str | None
    start: dt.date
    end: dt.date
    half_start: bool
    half_end: bool
    timezone: str
    stamp: dt.datetime


@dataclass
class FeedData:
    owner_id: int
    locale: str | None
    country: str
    subdivision: str | None
    first: dt.date
    last: dt.date
    absences: list[Absence] = field(default_factory=list)


def feed_people(session: Session, owner: Person) -> list[Person]:
    """Whose absences a person's feed shows: themselves, their team, and the people they manage."""
    found = {owner.id: owner}
    for p in team_of(session, owner):
        found[p.id] = p
    for p in session.scalars(select(Person).where(Person.manager_id == owner.id, Person.active.is_(True))).unique():
        found[p.id] = p
    return list(found.values())


def feed_data(session: Session, feed: LeaveCalendarFeed, config: Any, now: dt.datetime) -> FeedData:
    """What the feed holds now: approved absences of the owner's people, around today."""
    owner = feed.person
    today = local_today(owner, config, now)
    first, last = today - dt.timedelta(days=PAST_DAYS), today + dt.timedelta(days=FUTURE_DAYS)
    people = {p.id: p for p in feed_people(session, owner)}
    requests = session.scalars(select(LeaveRequest).where(
        LeaveRequest.person_id.in_(list(people)), LeaveRequest.status == LeaveStatus.approved.value,
        LeaveRequest.start <= last, LeaveRequest.end >= first).order_by(LeaveRequest.start, LeaveRequest.id)).unique()
    data = FeedData(owner.id, owner.locale, (owner.country or "BR").upper(), owner.subdivision, first, last)
    default_zone = getattr(config, "tz_default", None) or "America/Sao_Paulo"
    for r in requests:
        private = r.type.sensitive or not r.type.paid  # sick and unpaid: only "out"
        person = people[r.person_id]
        data.absences.append(Absence(
            uid=f"leave-{r.id}", person=person.name, type=None if private else r.type.code,
            type_name=None if private else r.type.name, start=r.start, end=r.end, half_start=r.half_start,
            half_end=r.half_end, timezone=person.timezone or default_zone, stamp=r.decided_at or r.created_at))
    return data
