"""The one business-day calendar: weekends, public holidays of a country and state, company days off.

Every desk counts business days here (leave balances, the weekly digest, an SLA due "next
business day", reminders), so a day off is a day off everywhere.

Places the ``holidays`` package does not know are validated away where they are typed
(:mod:`models.core.places`, against :func:`known_places`), but old rows and settings may still hold one. The rule then:

- an unknown **country** has no public holidays (weekends and company days off only);
- an unknown **state** of a known country keeps the country's national holidays.

Neither case raises: a reply or a digest must not fail over a stored place.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol

import holidays

DEFAULT_COUNTRY = "BR"  # a person stored without a country lives where the company does
WEEKEND = frozenset({5, 6})  # Saturday, Sunday
_ONE_DAY = dt.timedelta(days=1)


class Resident(Protocol):
    """Someone who lives somewhere (a ``Person``; a protocol, as people validate places through here)."""

    @property
    def country(self) -> str | None: ...

    @property
    def subdivision(self) -> str | None: ...


@functools.cache
def known_places() -> dict[str, list[str]]:
    """``{country: [subdivisions]}`` that the ``holidays`` package has calendars for."""
    return {code.upper(): [s.upper() for s in subdivs] for code, subdivs in holidays.list_supported_countries().items()}


@functools.lru_cache(maxsize=512)
def public_holidays(country: str, subdivision: str | None, year: int,
                    language: str | None = None) -> Mapping[dt.date, str]:
    """``{day: name}`` of the public holidays of ``country`` (and its ``subdivision``) in ``year``.

    Names are in ``language`` (e.g. ``pt_BR``) where the package has it. Unknown places follow
    the module's rule (no holidays for a country, the national ones for a state).
    """
    known = known_places()
    if country not in known:
        return MappingProxyType({})
    subdiv = subdivision if subdivision in known[country] else None
    found = holidays.country_holidays(country, subdiv=subdiv, years=year, language=language)
    return MappingProxyType(dict(found))  # read-only: every caller shares the cached copy


@dataclass(frozen=True)
class BusinessCalendar:
    """What counts as a business day in one place: Monday to Friday, not a holiday, not a day off."""

    country: str = DEFAULT_COUNTRY
    subdivision: str | None = None
    days_off: frozenset[dt.date] = frozenset()

    @classmethod
    def of(cls, country: str | None, subdivision: str | None = None,
           days_off: Iterable[dt.date] = ()) -> BusinessCalendar:
        """A calendar for a place as stored (codes in any case, empty meaning none)."""
        return cls((country or DEFAULT_COUNTRY).strip().upper(), (subdivision or "").strip().upper() or None,
                   frozenset(days_off))

    @classmethod
    def of_person(cls, person: Resident, config: Any) -> BusinessCalendar:
        """``person``'s calendar: their country (the company's if none) and state, the company's days off."""
        return cls.of(person.country or getattr(config, "country_default", None), person.subdivision,
                      _days_off(config))

    @classmethod
    def of_company(cls, config: Any) -> BusinessCalendar:
        """The company's calendar (``country_default``, ``subdivision_default``, days off)."""
        return cls.of(config.country_default, config.subdivision_default, _days_off(config))

    def holidays_in(self, year: int, language: str | None = None) -> Mapping[dt.date, str]:
        """The public holidays of ``year`` with their names (company days off are not named)."""
        return public_holidays(self.country, self.subdivision, year, language)

    def holiday_name(self, day: dt.date) -> str | None:
        return self.holidays_in(day.year).get(day)

    def is_holiday(self, day: dt.date) -> bool:
        """A public holiday of the place or a company day off (whatever the weekday)."""
        return day in self.days_off or day in self.holidays_in(day.year)

    def is_business_day(self, day: dt.date) -> bool:
        return day.weekday() not in WEEKEND and not self.is_holiday(day)

    def next_business_day(self, day: dt.date) -> dt.date:
        """The first business day after ``day``."""
        return self.add_business_days(day, 1)

    def on_or_after(self, day: dt.date) -> dt.date:
        """``day`` if it is a business day, else the next one."""
        return day if self.is_business_day(day) else self.next_business_day(day)

    def add_business_days(self, day: dt.date, count: int) -> dt.date:
        """The day ``count`` business days after ``day`` (``day`` itself for 0)."""
        if count < 0:
            raise ValueError("count must not be negative")
        while count > 0:
            day += _ONE_DAY
            if self.is_business_day(day):
                count -= 1
        return day

    def business_days_between(self, start: dt.date, end: dt.date) -> Iterator[dt.date]:
        """The business days from ``start`` to ``end``, both included (none if ``end < start``)."""
        day = start
        while day <= end:
            if self.is_business_day(day):
                yield day
            day += _ONE_DAY


def _days_off(config: Any) -> frozenset[dt.date]:
    # Settings keep the company's days off as a set; a bare config (tests, scripts) may have none.
    return frozenset(getattr(config, "days_off", None) or ())
