"""The one business-day calendar: national, state and company days off, unknown places, new year."""

from __future__ import annotations

import datetime as dt

import pytest

from models.core.calendar import BusinessCalendar

D = dt.date
SAO_PAULO = BusinessCalendar.of("BR", "SP")
MINAS = BusinessCalendar.of("BR", "MG")


def test_a_national_holiday_is_off_in_every_state() -> None:
    black_awareness = D(2026, 11, 20)  # a Friday
    assert not SAO_PAULO.is_business_day(black_awareness)
    assert not MINAS.is_business_day(black_awareness)
    assert SAO_PAULO.holiday_name(black_awareness)
    assert SAO_PAULO.next_business_day(D(2026, 11, 19)) == D(2026, 11, 23)


def test_a_state_holiday_is_off_only_in_its_state() -> None:
    revolution = D(2026, 7, 9)  # a Thursday: Revolução Constitucionalista, São Paulo only
    assert not SAO_PAULO.is_business_day(revolution)
    assert MINAS.is_business_day(revolution)
    assert len(list(SAO_PAULO.business_days_between(D(2026, 7, 6), D(2026, 7, 10)))) == 4
    assert len(list(MINAS.business_days_between(D(2026, 7, 6), D(2026, 7, 10)))) == 5


def test_a_company_day_off_is_off_whatever_the_place() -> None:
    eve = D(2026, 12, 24)  # a Thursday, no public holiday
    assert SAO_PAULO.is_business_day(eve)
    with_eve = BusinessCalendar.of("BR", "SP", {eve})
    assert with_eve.is_holiday(eve) and not with_eve.is_business_day(eve)
    assert with_eve.holiday_name(eve) is None  # a company day has no public name
    assert with_eve.next_business_day(D(2026, 12, 23)) == D(2026, 12, 28)  # Christmas, then the weekend


def test_weekends_are_never_business_days() -> None:
    assert not SAO_PAULO.is_business_day(D(2026, 11, 28))  # Saturday
    assert not SAO_PAULO.is_business_day(D(2026, 11, 29))  # Sunday
    assert SAO_PAULO.next_business_day(D(2026, 11, 27)) == D(2026, 11, 30)  # Friday -> Monday


def test_an_unknown_state_keeps_the_national_holidays() -> None:
    nowhere = BusinessCalendar.of("BR", "XX")
    assert not nowhere.is_business_day(D(2026, 11, 20))  # national: still off
    assert nowhere.is_business_day(D(2026, 7, 9))  # no state's holiday applies


def test_an_unknown_country_has_weekends_and_company_days_only() -> None:
    nowhere = BusinessCalendar.of("ZZ", "SP", {D(2026, 12, 24)})
    assert nowhere.is_business_day(D(2026, 12, 25))
    assert not nowhere.is_business_day(D(2026, 12, 24))
    assert not nowhere.is_business_day(D(2026, 12, 26))  # Saturday


def test_counting_across_the_new_year() -> None:
    # Thu 31 Dec is a working day; Fri 1 Jan is a holiday, then the weekend.
    assert SAO_PAULO.add_business_days(D(2026, 12, 30), 2) == D(2027, 1, 4)
    assert SAO_PAULO.next_business_day(D(2026, 12, 31)) == D(2027, 1, 4)
    assert len(list(SAO_PAULO.business_days_between(D(2026, 12, 28), D(2027, 1, 8)))) == 9
    off_31 = BusinessCalendar.of("BR", "SP", {D(2026, 12, 31)})
    assert off_31.add_business_days(D(2026, 12, 30), 1) == D(2027, 1, 4)


def test_adding_no_days_and_empty_ranges() -> None:
    assert SAO_PAULO.add_business_days(D(2026, 11, 28), 0) == D(2026, 11, 28)
    assert SAO_PAULO.on_or_after(D(2026, 11, 28)) == D(2026, 11, 30)
    assert SAO_PAULO.on_or_after(D(2026, 11, 30)) == D(2026, 11, 30)
    assert list(SAO_PAULO.business_days_between(D(2026, 11, 30), D(2026, 11, 27))) == []
    with pytest.raises(ValueError):
        SAO_PAULO.add_business_days(D(2026, 11, 30), -1)


def test_places_are_read_as_stored() -> None:
    assert BusinessCalendar.of(" br ", "sp") == SAO_PAULO
    assert BusinessCalendar.of(None, "") == BusinessCalendar.of("BR")  # no country: the company's home
    assert BusinessCalendar.of("BR").is_business_day(D(2026, 7, 9))  # no state: national holidays only


def test_holiday_names_follow_the_language() -> None:
    names = SAO_PAULO.holidays_in(2026, "pt_BR")
    assert names[D(2026, 12, 25)] == "Natal"
    assert SAO_PAULO.holidays_in(2026, "en_US")[D(2026, 12, 25)] == "Christmas Day"
