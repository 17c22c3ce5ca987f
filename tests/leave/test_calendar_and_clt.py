"""Counting business days with the holidays of each person's state, and the CLT vacation rules."""

from __future__ import annotations

import datetime as dt

from tests.cast import MARIANA, YASMIN
from tests.leave.helpers import field_errors, request_leave


def told(standin, user):
    return standin.wait_for("chat.postEphemeral", where=lambda c: c.get("user") == user)[-1].text


def test_black_awareness_day_is_not_counted_in_sao_paulo(bot, standin, people, clock):
    clock.set(dt.datetime(2026, 11, 10, 12, 0, tzinfo=dt.UTC))
    assert request_leave(bot, standin, YASMIN, "2026-11-19", "2026-11-24").body == ""
    assert "3 dias úteis" in told(standin, YASMIN)  # Thu 19, Mon 23, Tue 24: Fri 20 is a holiday


def test_the_same_week_counts_differently_in_two_states(bot, standin, people):
    # 9 July is a state holiday in São Paulo (Revolução Constitucionalista), not in Minas Gerais.
    request_leave(bot, standin, YASMIN, "2027-07-05", "2027-07-09")
    request_leave(bot, standin, MARIANA, "2027-07-05", "2027-07-09")
    assert "4 dias úteis" in told(standin, YASMIN)
    assert "5 dias úteis" in told(standin, MARIANA)


def test_company_days_off_are_not_counted(bot, standin, people, runtime):
    runtime.settings.company_days_off = "2026-12-24,2026-12-31"
    request_leave(bot, standin, YASMIN, "2026-12-21", "2026-12-24")
    assert "3 dias úteis" in told(standin, YASMIN)


def test_the_domain_counts_business_days(people):
    from models.core.people import get_person
    from models.leave.days import business_days

    with people.unit_of_work(source="test") as ctx:
        yasmin = get_person(ctx.session, YASMIN)
        assert business_days(yasmin, dt.date(2026, 11, 19), dt.date(2026, 11, 24)) == 3
        assert business_days(yasmin, dt.date(2026, 11, 23), dt.date(2026, 11, 24), half_end=True) == 1.5
        assert business_days(yasmin, dt.date(2026, 11, 21), dt.date(2026, 11, 22)) == 0


def test_clt_vacation_may_not_start_two_days_before_sunday_or_a_holiday(bot, standin, people, runtime):
    runtime.settings.leave_policy = "clt"
    friday = field_errors(request_leave(bot, standin, MARIANA, "2027-03-05", "2027-03-19"))
    assert "CLT" in friday["start"] and "7 de mar. de 2027" in friday["start"]
    # 9 July 2027 is a holiday in São Paulo only: Wednesday the 7th is refused there, fine in Minas.
    sp = field_errors(request_leave(bot, standin, YASMIN, "2027-07-07", "2027-07-21"))
    assert "feriado" in sp["start"]
    assert request_leave(bot, standin, MARIANA, "2027-07-07", "2027-07-21").body == ""
    # Other types are not vacation: no CLT rule.
    assert request_leave(bot, standin, YASMIN, "2027-03-05", "2027-03-05", type="personal").body == ""


def test_clt_periods_at_least_five_days_at_most_three_one_of_fourteen(bot, standin, people, runtime):
    runtime.settings.leave_policy = "clt"
    short = field_errors(request_leave(bot, standin, MARIANA, "2027-03-01", "2027-03-03"))
    assert "pelo menos 5 dias corridos" in short["end"] and "este tem 3" in short["end"]
    assert request_leave(bot, standin, MARIANA, "2027-05-03", "2027-05-07").body == ""  # 5 days
    assert request_leave(bot, standin, MARIANA, "2027-06-07", "2027-06-11").body == ""  # 5 days
    no_long = field_errors(request_leave(bot, standin, MARIANA, "2027-08-02", "2027-08-06"))
    assert "pelo menos 14 dias corridos" in no_long["end"]
    assert request_leave(bot, standin, MARIANA, "2027-08-02", "2027-08-15").body == ""  # 14 days: third period
    fourth = field_errors(request_leave(bot, standin, MARIANA, "2027-10-04", "2027-10-08"))
    assert "no máximo 3 períodos" in fourth["start"] and "já tem 3 em 2027" in fourth["start"]


def test_standard_policy_has_no_clt_rules(bot, standin, people):
    assert request_leave(bot, standin, MARIANA, "2027-03-05", "2027-03-05").body == ""


def test_two_weeks_read_as_ten_days(bot, standin, people):
    request_leave(bot, standin, MARIANA, "2027-03-01", "2027-03-12")
    assert "10 dias úteis" in told(standin, MARIANA) and "E+" not in told(standin, MARIANA)
