"""Channel digest subscriptions and when a digest falls due (business days: ``models.core.calendar``).

A channel subscribes with a frequency (daily, weekdays, weekly) and a local time; the channel
digest is the subscriber's digest, posted there in the subscriber's language and zone.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.core.audit import record
from models.core.base import Base
from models.core.calendar import BusinessCalendar
from models.core.errors import N_, NotFound, ValidationError
from models.core.people import Person, Role

if TYPE_CHECKING:
    from models.core.context import Ctx


class Frequency(str, enum.Enum):
    daily = "daily"  # every day, weekends included
    weekdays = "weekdays"  # business days of the subscriber's country and state
    weekly = "weekly"  # Mondays (or the first business day of the week)

    @classmethod
    def parse(cls, word: str) -> Frequency:
        aliases = {"diario": "daily", "diário": "daily", "dias-uteis": "weekdays", "dias-úteis": "weekdays",
                   "uteis": "weekdays", "úteis": "weekdays", "semanal": "weekly"}
        word = aliases.get(word.lower(), word.lower())
        try:
            return cls(word)
        except ValueError:
            raise ValidationError(
                N_("“{word}” is not a frequency. Choose daily, weekdays or weekly."),
                hint=N_("Usage: `/digest subscribe [#channel] [daily|weekdays|weekly] [HH:MM]`"),
                word=word,
            ) from None


HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_time(word: str) -> str:
    """``9:00`` or ``09:00`` -> ``09:00``; anything else is refused with the usage."""
    m = HHMM.match(word.strip())
    if not m:
        raise ValidationError(
            N_("“{word}” is not a time of day. Use HH:MM on a 24-hour clock, e.g. 08:30."),
            hint=N_("Usage: `/digest subscribe [#channel] [daily|weekdays|weekly] [HH:MM]`"),
            word=word,
        )
    return f"{int(m.group(1)):02d}:{m.group(2)}"


class Subscription(Base):
    """A channel that gets a digest on a schedule."""

    __tablename__ = "digest_subscriptions"
    __table_args__ = (UniqueConstraint("channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(40))
    channel_name: Mapped[str | None] = mapped_column(String(100))
    frequency: Mapped[str] = mapped_column(String(10))
    at_time: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]

    person: Mapped[Person | None] = relationship(lazy="joined")

    def card(self) -> dict:
        """What a template needs (no ORM objects leave the unit of work)."""
        return {"id": self.id, "channel": self.channel, "channel_name": self.channel_name,
                "frequency": self.frequency, "time": self.at_time, "timezone": self.timezone,
                "by": self.person.name if self.person else None}


def subscribe(ctx: Ctx, channel: str, *, channel_name: str | None, frequency: Frequency, at_time: str,
              timezone: str) -> tuple[Subscription, bool]:
    """Subscribe ``channel`` (or change its schedule). Managers and admins. Returns (row, created)."""
    ctx.person.require(Role.manager)
    sub = ctx.session.scalar(select(Subscription).where(Subscription.channel == channel).with_for_update(of=Subscription))
    after = {"channel": channel, "frequency": frequency.value, "time": at_time, "timezone": timezone}
    if sub is None:
        sub = Subscription(channel=channel, channel_name=channel_name, frequency=frequency.value, at_time=at_time,
                           timezone=timezone, person_id=ctx.person.id, created_at=ctx.now, updated_at=ctx.now)
        ctx.session.add(sub)
        ctx.session.flush()
        record(ctx, "digest.subscribed", sub, after=after)
        return sub, True
    before = {"channel": sub.channel, "frequency": sub.frequency, "time": sub.at_time, "timezone": sub.timezone,
              "person_id": sub.person_id}
    sub.frequency, sub.at_time, sub.timezone = frequency.value, at_time, timezone
    sub.person_id, sub.updated_at = ctx.person.id, ctx.now
    sub.channel_name = channel_name or sub.channel_name
    ctx.session.flush()
    record(ctx, "digest.subscription_changed", sub, before=before, after={**after, "person_id": ctx.person.id})
    return sub, False


def unsubscribe(ctx: Ctx, channel: str) -> dict:
    """Stop a channel's digest. The subscriber, any manager or an admin."""
    ctx.person.require(Role.manager)
    sub = ctx.session.scalar(select(Subscription).where(Subscription.channel == channel).with_for_update(of=Subscription))
    if sub is None:
        raise NotFound(N_("<#{channel}> has no digest subscription. See them all with `/digest settings`."),
                       channel=channel)
    card = sub.card()
    record(ctx, "digest.unsubscribed", sub, before={"channel": sub.channel, "frequency": sub.frequency,
                                                    "time": sub.at_time})
    ctx.session.delete(sub)
    ctx.session.flush()
    return card


def subscriptions(session: Session) -> list[Subscription]:
    return list(session.scalars(select(Subscription).order_by(Subscription.channel)))


# -- when is a digest due ------------------------------------------------------------------------
@dataclass(frozen=True)
class Due:
    """A period that has come: due now (``late`` if it should have gone a while ago) or missed."""

    day: dt.date
    due_at: dt.datetime  # UTC
    late: bool
    missed: bool


def due_today(now: dt.datetime, tz: str, at_time: str, grace: dt.timedelta) -> Due | None:
    """Today's (local) period if its time has come, with whether it is late or past the grace window."""
    try:
        zone = zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    local = now.astimezone(zone)
    hh, mm = (int(p) for p in at_time.split(":"))
    due_local = dt.datetime.combine(local.date(), dt.time(hh, mm), zone)
    if local < due_local:
        return None
    due_at = due_local.astimezone(dt.UTC)
    behind = now - due_at
    # A minute of slack: the tick of the due minute itself is on time.
    return Due(local.date(), due_at, late=behind >= dt.timedelta(minutes=2), missed=behind > grace)


def channel_day_wanted(frequency: str, day: dt.date, calendar: BusinessCalendar) -> bool:
    """Does a channel subscribed ``frequency`` get a digest on ``day`` (on the subscriber's ``calendar``)?"""
    if frequency == Frequency.daily.value:
        return True
    if not calendar.is_business_day(day):
        return False
    if frequency == Frequency.weekly.value:
        # The first business day of the week: Monday, or Tuesday after a Monday holiday.
        monday = day - dt.timedelta(days=day.weekday())
        return calendar.on_or_after(monday) == day
    return True
