"""Business days: weekends, the public holidays of a person's country and state, company days off."""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import holidays

from models.core.people import Person

WEEKEND = (5, 6)  # Saturday, Sunday
WEEKLY_REST = 6  # Sunday: the paid weekly rest day (DSR) of the CLT


@functools.lru_cache(maxsize=256)
def _public_holidays(country: str, subdivision: str | None, year: int) -> frozenset[dt.date]:
    try:
        found = holidays.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError:  # a country the package does not know: weekends only
        return frozenset()
    except Exception:  # noqa: BLE001 - an unknown state code: the country's holidays still apply
        try:
            found = holidays.country_holidays(country, years=year)
        except NotImplementedError:
            return frozenset()
    return frozenset(found.keys())


def public_holidays(person: Person, year: int) -> frozenset[dt.date]:
    """The public holidays that apply to ``person`` (country and state) in ``year``."""
    return _public_holidays((person.country or "BR").upper(), (person.subdivision or None), year)


class Calendar:
    """One person's working calendar: what counts as a business day for them."""

    def __init__(self, person: Person, days_off: set[dt.date] | frozenset[dt.date] = frozenset()) -> None:
        self.person = person
        self.days_off = frozenset(days_off)

    @classmethod
    def of(cls, person: Person, config: Any) -> Calendar:
        return cls(person, getattr(config, "days_off", set()) or set())

    def is_holiday(self, day: dt.date) -> bool:
        return day in public_holidays(self.person, day.year) or day in self.days_off

    def is_business_day(self, day: dt.date) -> bool:
        return day.weekday() not in WEEKEND and not self.is_holiday(day)

    def business_days_between(self, start: dt.date, end: dt.date) -> Iterator[dt.date]:
        day = start
        while day <= end:
            if self.is_business_day(day):
                yield day
            day += dt.timedelta(days=1)

    def business_days(self, start: dt.date, end: dt.date, *, half_start: bool = False,
                      half_end: bool = False) -> Decimal:
        """How many business days ``start``..``end`` (inclusive) takes, half days counting 0.5."""
        if end < start:
            return Decimal(0)
        total = Decimal(sum(1 for _ in self.business_days_between(start, end)))
        if half_start and self.is_business_day(start):
            total -= Decimal("0.5")
        if half_end and end != start and self.is_business_day(end):
            total -= Decimal("0.5")
        return total

    def business_days_by_year(self, start: dt.date, end: dt.date, *, half_start: bool = False,
                              half_end: bool = False) -> dict[int, Decimal]:
        """:meth:`business_days` split by calendar year (leave across 31 December charges each year its part)."""
        out: dict[int, Decimal] = {year: Decimal(0) for year in range(start.year, end.year + 1)}
        for day in self.business_days_between(start, end):
            out[day.year] += 1
        if half_start and self.is_business_day(start):
            out[start.year] -= Decimal("0.5")
        if half_end and end != start and self.is_business_day(end):
            out[end.year] -= Decimal("0.5")
        return out

    def add_business_days(self, day: dt.date, count: int) -> dt.date:
        """The business day ``count`` business days after ``day``."""
        while count > 0:
            day += dt.timedelta(days=1)
            if self.is_business_day(day):
                count -= 1
        return day


def business_days(person: Person, start: dt.date, end: dt.date, config: Any = None, *,
                  half_start: bool = False, half_end: bool = False) -> Decimal:
    """Business days of ``person`` from ``start`` to ``end`` inclusive (see :class:`Calendar`)."""
    return Calendar.of(person, config).business_days(start, end, half_start=half_start, half_end=half_end)


def local_today(person: Person, config: Any, now: dt.datetime) -> dt.date:
    """Today's date where ``person`` is."""
    zone = person.timezone or getattr(config, "tz_default", None) or "America/Sao_Paulo"
    try:
        return now.astimezone(zoneinfo.ZoneInfo(zone)).date()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return now.date()


def days_of(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def parse_day(text: str, today: dt.date) -> dt.date | None:
    """A day as people type it: ``2026-12-24``, ``24/12/2026`` or ``24/12`` (the next such day); None if not a day."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?", text)
    if not m:
        return None
    day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
    try:
        if year:
            return dt.date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        found = dt.date(today.year, month, day)
        return found if found >= today else dt.date(today.year + 1, month, day)
    except ValueError:
        return None
