"""Leave: types, yearly allocations, requests and the approval messages that track them.

The rules live next door: ``days`` (leave counted in business days), ``balance`` (allowances,
carry-over), ``policy`` (what a valid request is), ``flow`` (file, approve, reject, cancel),
``queries`` (who is out, reminders) and ``sections`` (digest and home data).
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.core.base import Base, Money
from models.core.errors import N_, NotFound, ValidationError
from models.core.outbox import OutboxMessage
from models.core.people import Person, approvers_for


class LeaveStatus(str, enum.Enum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    cancelled = "cancelled"


# Requests that hold days: they count against the balance and block overlapping requests.
ACTIVE = (LeaveStatus.pending.value, LeaveStatus.approved.value)


class LeaveType(Base):
    """A kind of leave. ``yearly_allowance`` None means no balance is kept (unpaid leave)."""

    __tablename__ = "leave_types"
    __table_args__ = (UniqueConstraint("code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(80))
    paid: Mapped[bool] = mapped_column(default=True)
    yearly_allowance: Mapped[Decimal | None] = mapped_column(Money())
    carry_over_cap: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    half_days: Mapped[bool] = mapped_column(default=True)
    needs_approval: Mapped[bool] = mapped_column(default=True)
    sensitive: Mapped[bool] = mapped_column(default=False)  # health data (LGPD): shown as "out" to others
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=50)

    @property
    def keeps_balance(self) -> bool:
        return self.yearly_allowance is not None


# The defaults every company starts with. Vacation: CLT's 30 calendar days are about 22
# business days (Mon-Fri); the allowance is kept in business days like every other count.
DEFAULT_TYPES = (
    {"code": "vacation", "name": "Vacation", "paid": True, "yearly_allowance": Decimal(22),
     "carry_over_cap": Decimal(5), "half_days": True, "sensitive": False, "position": 10},
    {"code": "sick", "name": "Sick leave", "paid": True, "yearly_allowance": Decimal(15),
     "carry_over_cap": Decimal(0), "half_days": True, "sensitive": True, "position": 20},
    {"code": "personal", "name": "Personal day", "paid": True, "yearly_allowance": Decimal(3),
     "carry_over_cap": Decimal(0), "half_days": True, "sensitive": False, "position": 30},
    {"code": "unpaid", "name": "Unpaid leave", "paid": False, "yearly_allowance": None,
     "carry_over_cap": Decimal(0), "half_days": True, "sensitive": False, "position": 40},
)


class LeaveAllocation(Base):
    """A person's allowance of one type for one calendar year (created on first use)."""

    __tablename__ = "leave_allocations"
    __table_args__ = (UniqueConstraint("person_id", "type_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    type_id: Mapped[int] = mapped_column(ForeignKey("leave_types.id", ondelete="CASCADE"))
    year: Mapped[int]
    days: Mapped[Decimal] = mapped_column(Money())
    set_by_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime]


class LeaveRequest(Base):
    """One request: who, which type, from when to when (half days at either end), its decision."""

    __tablename__ = "leave_requests"
    __table_args__ = (
        Index("ix_leave_requests_person_dates", "person_id", "start", "end"),
        Index("ix_leave_requests_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    type_id: Mapped[int] = mapped_column(ForeignKey("leave_types.id"))
    start: Mapped[dt.date]
    end: Mapped[dt.date]
    half_start: Mapped[bool] = mapped_column(default=False)
    half_end: Mapped[bool] = mapped_column(default=False)
    days: Mapped[Decimal] = mapped_column(Money())
    year: Mapped[int]  # the allowance year it starts in; ``next_year_days`` of its days belong to the next
    # Leave across 31 December: the business days that fall in the following year, charged to that year.
    next_year_days: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    status: Mapped[str] = mapped_column(String(12), default=LeaveStatus.pending.value)
    note: Mapped[str | None] = mapped_column(Text)
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    reminders_sent: Mapped[int] = mapped_column(default=0)  # 1: after 1 day, 2: after 3, 3: admins after 5

    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="joined")
    type: Mapped[LeaveType] = relationship(lazy="joined")
    approver: Mapped[Person | None] = relationship(foreign_keys=[approver_id])
    decided_by: Mapped[Person | None] = relationship(foreign_keys=[decided_by_id], lazy="selectin")
    messages: Mapped[list[LeaveApprovalMessage]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="LeaveApprovalMessage.id")

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    def days_in(self, year: int) -> Decimal:
        """The business days of this request charged to ``year`` (its own part of a year-crossing request)."""
        return charged_to(year, self.year, self.days, self.next_year_days)

    @property
    def calendar_days(self) -> int:
        return (self.end - self.start).days + 1

    def visible_to(self, viewer: Person | None) -> bool:
        """May ``viewer`` know why this person is out (the type and note)? LGPD: health data is private."""
        if not self.type.sensitive:
            return True
        if viewer is None:
            return False
        return viewer.id == self.person_id or viewer.is_admin or viewer.id == self.approver_id or (
            self.person.manager_id is not None and viewer.id == self.person.manager_id)

    def card(self, viewer: Person | None, *, hide_reason: bool = False) -> dict:
        """Plain data for templates, with the type and note hidden from those who may not see them
        (and from everyone with ``hide_reason``: a who's-out list says "out")."""
        private = self.visible_to(viewer) and not hide_reason
        return {
            "id": self.id,
            "person": self.person.name,
            "person_id": self.person_id,
            "mention": self.person.mention,
            "type": self.type.code if private else None,
            "type_name": self.type.name if private else None,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "half_start": self.half_start,
            "half_end": self.half_end,
            "days": plain_days(self.days),
            "calendar_days": self.calendar_days,
            "status": self.status,
            "note": self.note if private else None,
            "reason": self.reason,
            "decided_by": self.decided_by.name if self.decided_by else None,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
        }


class LeaveApprovalMessage(Base):
    """The DM an approver got for a request; the decision rewrites it in place."""

    __tablename__ = "leave_approval_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("leave_requests.id", ondelete="CASCADE"), index=True)
    approver_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"))

    approver: Mapped[Person] = relationship(lazy="joined")
    outbox: Mapped[OutboxMessage] = relationship(lazy="joined")


def charged_to(year: int, start_year: int, days: Decimal | str, next_year_days: Decimal | str | None) -> Decimal:
    """Of a request starting in ``start_year``, the days charged to ``year``: the days in its
    first year to that year, the rest (``next_year_days``) to the next one."""
    following = Decimal(next_year_days or 0)
    if year == start_year:
        return Decimal(days) - following
    return following if year == start_year + 1 else Decimal(0)


def plain_days(value: Decimal | int | str) -> str:
    """``22``, ``2.5``: a day count without trailing zeros or exponents (Money keeps six decimals)."""
    value = Decimal(value)
    return str(value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize())


def decides_for(session: Session, actor: Person, person: Person) -> bool:
    """May ``actor`` decide ``person``'s leave? Their approvers and admins may; nobody for themselves."""
    if actor.id == person.id:
        return False
    return actor.is_admin or any(a.id == actor.id for a in approvers_for(session, person))


def leave_types(session: Session, *, include_inactive: bool = False) -> list[LeaveType]:
    """The company's leave types in display order, created with the defaults on first use."""
    stmt = select(LeaveType).order_by(LeaveType.position, LeaveType.id)
    found = list(session.scalars(stmt))
    if not found:
        try:
            with session.begin_nested():
                session.add_all(LeaveType(**spec) for spec in DEFAULT_TYPES)
        except IntegrityError:  # another request seeded them a moment ago
            pass
        found = list(session.scalars(stmt))
    return [t for t in found if t.active or include_inactive]


def get_type(session: Session, code: str | None, *, field: str | None = "type") -> LeaveType:
    """A leave type by code (``vacation``) or name, case-insensitive."""
    wanted = (code or "").strip().lower()
    if not wanted:
        raise ValidationError(N_("Choose a leave type."), field=field)
    types = leave_types(session)
    for t in types:
        if wanted in (t.code.lower(), t.name.lower()):
            return t
    raise NotFound(N_("There is no leave type “{code}”. Types: {types}."), field=field, code=code,
                   types=", ".join(t.code for t in types))


def get_request(session: Session, request_id: int | str, *, lock: bool = False) -> LeaveRequest:
    """A request by id (``12`` or ``#12``); ``lock`` takes its row lock for a state change."""
    try:
        ident = int(str(request_id).strip().lstrip("#"))
    except ValueError:
        raise ValidationError(N_("“{id}” is not a request number; `/leave list` shows yours."), id=request_id) from None
    if not 0 < ident < 2**31:  # beyond any id the database can hold
        raise NotFound(N_("There is no leave request #{id}."), id=ident)
    stmt = select(LeaveRequest).where(LeaveRequest.id == ident)
    if lock:
        stmt = stmt.with_for_update(of=LeaveRequest).execution_options(populate_existing=True)
    found = session.scalars(stmt).unique().first()
    if found is None:
        raise NotFound(N_("There is no leave request #{id}."), id=ident)
    return found
