"""Leave counted in business days of the one calendar (:mod:`models.core.calendar`), half days included."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from models.core.calendar import BusinessCalendar
from models.core.people import Person

WEEKLY_REST = 6  # Sunday: the paid weekly rest day (DSR) of the CLT
HALF = Decimal("0.5")


def leave_days(calendar: BusinessCalendar, start: dt.date, end: dt.date, *, half_start: bool = False,
               half_end: bool = False) -> Decimal:
    """How many business days ``start``..``end`` (inclusive) takes, half days counting 0.5."""
    return sum(leave_days_by_year(calendar, start, end, half_start=half_start, half_end=half_end).values(),
               Decimal(0))


def leave_days_by_year(calendar: BusinessCalendar, start: dt.date, end: dt.date, *, half_start: bool = False,
                       half_end: bool = False) -> dict[int, Decimal]:
    """:func:`leave_days` split by calendar year (leave across 31 December charges each year its part)."""
    if end < start:
        return {}
    out: dict[int, Decimal] = {year: Decimal(0) for year in range(start.year, end.year + 1)}
    for day in calendar.business_days_between(start, end):
        out[day.year] += 1
    if half_start and calendar.is_business_day(start):
        out[start.year] -= HALF
    if half_end and end != start and calendar.is_business_day(end):
        out[end.year] -= HALF
    return out


def business_days(person: Person, start: dt.date, end: dt.date, config: Any = None, *,
                  half_start: bool = False, half_end: bool = False) -> Decimal:
    """Business days of ``person`` from ``start`` to ``end`` inclusive, in their country and state."""
    return leave_days(BusinessCalendar.of_person(person, config), start, end, half_start=half_start,
                      half_end=half_end)


def local_today(person: Person, config: Any, now: dt.datetime) -> dt.date:
    """Today's date where ``person`` is."""
    zone = person.timezone or getattr(config, "tz_default", None) or "America/Sao_Paulo"
    try:
        return now.astimezone(zoneinfo.ZoneInfo(zone)).date()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return now.date()
