"""Admins configure the leave types: add one, change its allowance, carry-over cap and rules."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from models.core.audit import record
from models.core.errors import N_, ValidationError
from models.core.numbers import parse_decimal
from models.core.people import Role
from models.leave.tables import LeaveType, leave_types

if TYPE_CHECKING:
    from models.core.context import Ctx

CODE_RE = re.compile(r"^[a-z][a-z0-9_-]{1,29}$")
YES = {"yes", "y", "sim", "s", "true", "1", "on"}
NO = {"no", "n", "não", "nao", "false", "0", "off"}
FLAGS = {"paid": "paid", "half": "half_days", "approval": "needs_approval", "private": "sensitive",
         "active": "active"}


def configure_type(ctx: Ctx, code: str, settings: dict[str, str]) -> tuple[LeaveType, bool]:
    """Create or change a leave type (admins). ``settings`` as typed: name, allowance, carry,
    paid, half, approval, private, active. Returns the type and whether it is new."""
    ctx.person.require(Role.admin)
    code = code.strip().lower()
    if not CODE_RE.match(code):
        raise ValidationError(N_("A type code is one word of lowercase letters, digits, - or _, like `sabbatical`."))
    existing = {t.code: t for t in leave_types(ctx.session, include_inactive=True)}
    leave_type = existing.get(code)
    created = leave_type is None
    if leave_type is None:
        leave_type = LeaveType(code=code, name=code.capitalize(), paid=True, yearly_allowance=None,
                               carry_over_cap=Decimal(0), half_days=True, needs_approval=True, sensitive=False,
                               active=True, position=10 * (len(existing) + 1))
        ctx.session.add(leave_type)
    before = _snapshot(leave_type) if not created else None
    for key, raw in settings.items():
        _apply(leave_type, key.lower(), raw.strip())
    ctx.session.flush()
    record(ctx, "leave.type_created" if created else "leave.type_changed", leave_type, before=before,
           after=_snapshot(leave_type))
    return leave_type, created


def _apply(leave_type: LeaveType, key: str, raw: str) -> None:
    if key == "name":
        if not raw or len(raw) > 80:
            raise ValidationError(N_("The name needs 1 to 80 characters."))
        leave_type.name = raw
    elif key in ("allowance", "days"):
        leave_type.yearly_allowance = None if raw.lower() in ("none", "nenhum", "-", "unlimited") else _days(raw)
    elif key in ("carry", "carry_over"):
        leave_type.carry_over_cap = _days(raw)
    elif key in FLAGS:
        setattr(leave_type, FLAGS[key], _flag(key, raw))
    else:
        raise ValidationError(N_("I don't know the setting “{key}”. Settings: name, allowance, carry, paid, half, "
                                 "approval, private, active."), key=key)


def _days(raw: str) -> Decimal:
    value = parse_decimal(raw)
    if value is None:
        raise ValidationError(N_("“{days}” is not a number of days."), days=raw)
    if value < 0 or value > 366 or value * 2 != (value * 2).to_integral():
        raise ValidationError(N_("The allowance must be a number of days between 0 and 366, in steps of half a day."))
    return value


def _flag(key: str, raw: str) -> bool:
    if raw.lower() in YES:
        return True
    if raw.lower() in NO:
        return False
    raise ValidationError(N_("“{value}” for {key}: say yes or no."), value=raw, key=key)


def _snapshot(t: LeaveType) -> dict:
    return {"name": t.name, "allowance": None if t.yearly_allowance is None else str(t.yearly_allowance),
            "carry": str(t.carry_over_cap), "paid": t.paid, "half": t.half_days, "approval": t.needs_approval,
            "private": t.sensitive, "active": t.active}
