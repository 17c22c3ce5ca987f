"""Balances: the yearly allowance per person and type, carry-over from last year, days taken.

An allocation row is created the first time a person's year is looked at, with the type's
default allowance; admins can change it. Carry-over is computed live: what was left of last
year's allocation (if there was one), up to the type's cap, so a late cancellation or an
approval in December is reflected at once. A request is charged to the years its business
days fall in: leave from 28 December to 8 January charges December's days to the old year's
balance and January's to the new one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.core.audit import record
from models.core.context import Ctx
from models.core.errors import N_, ValidationError
from models.core.notify import notify
from models.core.people import Person, Role
from models.leave.tables import (
    ACTIVE,
    LeaveAllocation,
    LeaveRequest,
    LeaveStatus,
    LeaveType,
    charged_to,
    leave_types,
    plain_days,
)

CARRY_BACK_YEARS = 3  # how far back carry-over chains are followed


@dataclass
class Balance:
    """One type's year for one person, in business days."""

    type: LeaveType
    year: int
    allowance: Decimal
    carried: Decimal
    taken: Decimal
    pending: Decimal

    @property
    def available(self) -> Decimal:
        return self.allowance + self.carried - self.taken - self.pending

    def as_dict(self) -> dict:
        return {
            "type": self.type.code, "type_name": self.type.name, "year": self.year,
            "allowance": plain_days(self.allowance), "total": plain_days(self.allowance + self.carried), "carried": plain_days(self.carried), "taken": plain_days(self.taken),
            "pending": plain_days(self.pending), "available": plain_days(self.available),
        }


def allocation(session: Session, person: Person, leave_type: LeaveType, year: int, now: dt.datetime, *,
               create: bool = True) -> LeaveAllocation | None:
    """The person's allocation for ``year``, created with the type's default when first needed."""
    if not leave_type.keeps_balance:
        return None
    stmt = select(LeaveAllocation).where(LeaveAllocation.person_id == person.id,
                                         LeaveAllocation.type_id == leave_type.id, LeaveAllocation.year == year)
    found = session.scalar(stmt)
    if found is None and create:
        try:
            with session.begin_nested():
                found = LeaveAllocation(person_id=person.id, type_id=leave_type.id, year=year,
                                        days=leave_type.yearly_allowance, created_at=now)
                session.add(found)
        except IntegrityError:  # created by a concurrent request
            found = session.scalar(stmt)
    return found


def charged(session: Session, person_id: int, type_id: int, year: int, statuses: tuple[str, ...],
            *, excluding: int | None = None) -> Decimal:
    """Business days charged to ``year`` by the person's requests of this type in ``statuses``
    (those starting that year, and the January part of those starting the year before)."""
    stmt = select(LeaveRequest.year, LeaveRequest.days, LeaveRequest.next_year_days).where(
        LeaveRequest.person_id == person_id, LeaveRequest.type_id == type_id,
        LeaveRequest.year.in_((year, year - 1)), LeaveRequest.status.in_(statuses))
    if excluding is not None:
        stmt = stmt.where(LeaveRequest.id != excluding)
    # Summed in Python: Money is text on SQLite, and an exact Decimal sum is what we want anyway.
    return sum((charged_to(year, *row) for row in session.execute(stmt)), Decimal(0))


def carried_over(session: Session, person: Person, leave_type: LeaveType, year: int, depth: int = 0, *,
                 also_taken: Decimal = Decimal(0)) -> Decimal:
    """What is left of last year, up to the type's cap (0 if last year had no allocation);
    ``also_taken``: days of last year a request being checked is about to take."""
    cap = Decimal(leave_type.carry_over_cap or 0)
    if cap <= 0 or depth >= CARRY_BACK_YEARS or not leave_type.keeps_balance:
        return Decimal(0)
    last = session.scalar(select(LeaveAllocation).where(
        LeaveAllocation.person_id == person.id, LeaveAllocation.type_id == leave_type.id,
        LeaveAllocation.year == year - 1))
    if last is None:
        return Decimal(0)
    left = Decimal(last.days) + carried_over(session, person, leave_type, year - 1, depth + 1) \
        - charged(session, person.id, leave_type.id, year - 1, ACTIVE) - also_taken
    return max(Decimal(0), min(cap, left))


def balance(session: Session, person: Person, leave_type: LeaveType, year: int, now: dt.datetime, *,
            excluding: int | None = None) -> Balance | None:
    """The person's balance of ``leave_type`` in ``year`` (None for types without a balance)."""
    alloc = allocation(session, person, leave_type, year, now)
    if alloc is None:
        return None
    return Balance(
        type=leave_type, year=year, allowance=Decimal(alloc.days),
        carried=carried_over(session, person, leave_type, year),
        taken=charged(session, person.id, leave_type.id, year, (LeaveStatus.approved.value,), excluding=excluding),
        pending=charged(session, person.id, leave_type.id, year, (LeaveStatus.pending.value,), excluding=excluding),
    )


def balances(session: Session, person: Person, year: int, now: dt.datetime) -> list[Balance]:
    """Every balance-keeping type's balance for the person's year."""
    out = []
    for t in leave_types(session):
        found = balance(session, person, t, year, now)
        if found is not None:
            out.append(found)
    return out


def balances_for(session: Session, people_ids: list[int], year: int) -> dict[int, dict[int, Decimal]]:
    """Days charged (pending or approved) per person and type for ``year``, in one query (digests)."""
    rows = session.execute(select(LeaveRequest.person_id, LeaveRequest.type_id, LeaveRequest.year, LeaveRequest.days,
                                  LeaveRequest.next_year_days).where(
        LeaveRequest.person_id.in_(people_ids), LeaveRequest.year.in_((year, year - 1)),
        LeaveRequest.status.in_(ACTIVE)))
    out: dict[int, dict[int, Decimal]] = {}
    for person_id, type_id, start_year, days, next_year_days in rows:
        per = out.setdefault(person_id, {})
        per[type_id] = per.get(type_id, Decimal(0)) + charged_to(year, start_year, days, next_year_days)
    return out


def set_allowance(ctx: Ctx, person: Person, leave_type: LeaveType, year: int, days: Decimal) -> LeaveAllocation:
    """Admins set a person's yearly allowance of a type; audited, and the person is told."""
    ctx.person.require(Role.admin)
    if not leave_type.keeps_balance:
        raise ValidationError(N_("{type} keeps no balance, so it has no allowance to set."), type=leave_type.name)
    if days < 0 or days > 366 or days * 2 != (days * 2).to_integral():
        raise ValidationError(N_("The allowance must be a number of days between 0 and 366, in steps of half a day."))
    if not 2000 <= year <= 2100:
        raise ValidationError(N_("“{year}” is not a year I can set an allowance for."), year=year)
    alloc = allocation(ctx.session, person, leave_type, year, ctx.now)
    assert alloc is not None
    before = plain_days(alloc.days)
    alloc.days = days
    alloc.set_by_admin = True
    ctx.session.flush()
    record(ctx, "leave.allowance", alloc, before={"days": before},
           after={"days": plain_days(days), "person": person.id, "type": leave_type.code, "year": year})
    if person.id != ctx.person.id:
        notify(ctx, "leave/allowance_dm", {"admin": ctx.person.name, "type": leave_type.code,
                                           "type_name": leave_type.name, "year": year, "days": plain_days(days)},
               person=person)
    return alloc

