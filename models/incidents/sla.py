"""Incident SLAs: the acknowledge deadline and the update interval of each severity (configurable);
a deadline of 0 minutes means the end of the next business day of the company's calendar."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from models.core.calendar import BusinessCalendar
from models.core.context import Ctx
from models.incidents.tables import Incident, Status

END_OF_BUSINESS = dt.time(18, 0)  # a "next business day" deadline falls at the end of that day


def next_business_day_end(config: Any, now: dt.datetime) -> dt.datetime:
    """The end of the business day after ``now``'s day, in the company's zone and calendar."""
    zone = zoneinfo.ZoneInfo(config.tz_default)
    day = BusinessCalendar.of_company(config).next_business_day(now.astimezone(zone).date())
    return dt.datetime.combine(day, END_OF_BUSINESS, tzinfo=zone).astimezone(dt.UTC)


def ack_deadline(config: Any, severity: int, reported_at: dt.datetime) -> dt.datetime:
    minutes = config.minutes("incident_ack_minutes")[severity - 1]
    if minutes == 0:
        return next_business_day_end(config, reported_at)
    return reported_at + dt.timedelta(minutes=minutes)


def update_interval(config: Any, severity: int) -> dt.timedelta | None:
    minutes = config.minutes("incident_update_minutes")[severity - 1]
    return dt.timedelta(minutes=minutes) if minutes else None


def schedule_update(ctx: Ctx, inc: Incident) -> None:
    """After any news on an active incident the next update is due one interval from now."""
    interval = update_interval(ctx.config, inc.severity)
    active = inc.status in (Status.acknowledged.value, Status.mitigated.value)
    inc.update_due_at = ctx.now + interval if (interval and active) else None
