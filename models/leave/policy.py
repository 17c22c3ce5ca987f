"""What makes a leave request valid: dates, business days, overlaps, balance, and the CLT rules.

Each refusal names the form field it belongs to, so the modal shows it next to that field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from models.core.calendar import BusinessCalendar
from models.core.errors import N_, ValidationError
from models.core.people import Person
from models.leave.balance import balance, carried_over
from models.leave.days import WEEKLY_REST, leave_days_by_year, local_today
from models.leave.tables import ACTIVE, LeaveRequest, LeaveType, plain_days

if TYPE_CHECKING:
    from models.core.context import Ctx

MAX_NOTE = 500
MAX_SPAN_DAYS = 366
CLT_MAX_PERIODS = 3
CLT_LONG_PERIOD = 14  # calendar days: one vacation period must be at least this long
CLT_MIN_PERIOD = 5  # calendar days: every other period at least this


def check_request(ctx: Ctx, person: Person, leave_type: LeaveType, start: dt.date, end: dt.date, *,
                  half_start: bool = False, half_end: bool = False, note: str | None = None) -> dict[int, Decimal]:
    """Refuse an invalid request (ValidationError naming the field); return its business days per
    calendar year (two years for leave across 31 December, each checked against its own balance)."""
    if end < start:
        raise ValidationError(N_("The end ({end}) is before the start ({start})."), field="end", start=start, end=end)
    if (end - start).days >= MAX_SPAN_DAYS:
        raise ValidationError(N_("A request can cover at most a year; split it in two."), field="end")
    today = local_today(person, ctx.config, ctx.now)
    if start < today and not ctx.person.is_admin:
        raise ValidationError(N_("{start} is in the past; ask an admin to record past leave."), field="start",
                              start=start)
    if (half_start or half_end) and not leave_type.half_days:
        raise ValidationError(N_("{type} is taken in whole days."), field="half", type=leave_type.name)
    if half_start and half_end and start == end:
        raise ValidationError(N_("A single day can have one half day, not two."), field="half")
    if note and len(note) > MAX_NOTE:
        raise ValidationError(N_("The note can have at most {max} characters."), field="note", max=MAX_NOTE)
    calendar = BusinessCalendar.of_person(person, ctx.config)
    by_year = leave_days_by_year(calendar, start, end, half_start=half_start, half_end=half_end)
    days = sum(by_year.values(), Decimal(0))
    if days <= 0:
        raise ValidationError(N_("{start} to {end} has no business day (weekends and holidays do not count)."),
                              field="end", start=start, end=end)
    _check_overlap(ctx, person, start, end)
    for year, in_year in by_year.items():
        found = balance(ctx.session, person, leave_type, year, ctx.now) if in_year > 0 else None
        if found is None:
            continue
        available = found.available
        if year > start.year:  # December's days of this request no longer carry over into January
            available -= found.carried - carried_over(ctx.session, person, leave_type, year,
                                                      also_taken=by_year[year - 1])
        if in_year <= available:
            continue
        left = plain_days(max(available, Decimal(0)))
        if len(by_year) == 1:
            raise ValidationError(
                N_("That is {days} business days but only {available} are left of your {year} balance."),
                field="end", days=plain_days(days), available=left, year=year)
        raise ValidationError(
            N_("{days} of these business days fall in {year}, but only {available} are left of your {year} "
               "balance."), field="end", days=plain_days(in_year), available=left, year=year)
    if ctx.config.leave_policy == "clt" and leave_type.code == "vacation":
        _check_clt(ctx, person, calendar, start, end)
    return by_year


def _check_overlap(ctx: Ctx, person: Person, start: dt.date, end: dt.date) -> None:
    clash = ctx.session.scalars(select(LeaveRequest).where(
        LeaveRequest.person_id == person.id, LeaveRequest.status.in_(ACTIVE),
        LeaveRequest.start <= end, LeaveRequest.end >= start).order_by(LeaveRequest.start)).first()
    if clash is not None:
        raise ValidationError(N_("This overlaps your request #{id} ({start} to {end})."), field="start",
                              id=clash.id, start=clash.start, end=clash.end)


def _check_clt(ctx: Ctx, person: Person, calendar: BusinessCalendar, start: dt.date, end: dt.date) -> None:
    """CLT art. 134: at most 3 periods a year, one of 14+ calendar days and the others 5+;
    never starting in the 2 days before a holiday or the weekly rest day (Sunday)."""
    for ahead in (1, 2):
        day = start + dt.timedelta(days=ahead)
        if calendar.is_holiday(day) or day.weekday() == WEEKLY_REST:
            raise ValidationError(
                N_("Under the CLT, vacation may not start in the 2 days before a holiday or the weekly rest day "
                   "({day}). Choose another start."), field="start", day=day)
    length = (end - start).days + 1
    if length < CLT_MIN_PERIOD:
        raise ValidationError(N_("Under the CLT, each vacation period is at least {min} calendar days; this one "
                                 "has {length}."), field="end", min=CLT_MIN_PERIOD, length=length)
    others = list(ctx.session.scalars(select(LeaveRequest).join(LeaveType).where(
        LeaveRequest.person_id == person.id, LeaveRequest.status.in_(ACTIVE), LeaveType.code == "vacation",
        LeaveRequest.year == start.year)))
    if len(others) + 1 > CLT_MAX_PERIODS:
        raise ValidationError(N_("Under the CLT, vacation can be split into at most {max} periods a year; you "
                                 "already have {count} in {year}."), field="start", max=CLT_MAX_PERIODS,
                              count=len(others), year=start.year)
    has_long = length >= CLT_LONG_PERIOD or any(o.calendar_days >= CLT_LONG_PERIOD for o in others)
    if not has_long and len(others) + 1 == CLT_MAX_PERIODS:
        raise ValidationError(N_("Under the CLT, one vacation period must have at least {long} calendar days; "
                                 "make this last period that long."), field="end", long=CLT_LONG_PERIOD)
