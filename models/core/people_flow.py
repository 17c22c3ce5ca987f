"""Changes to people: roles and preferences (audited; a granted role is told to its holder), and the
admins' list of people."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models.core import places
from models.core.audit import record
from models.core.context import Ctx
from models.core.errors import N_, PermissionDenied, ValidationError
from models.core.notify import notify
from models.core.people import Person, PersonRole, Role


def _lock_admins(session: Session) -> set[int]:
    """The active admins' ids, their admin rows locked until commit (PostgreSQL; SQLite's writers queue).

    Two admins demoting each other at once: the second waits for the first, then sees one admin
    left and is refused, so there is always at least one. Locked in id order: no deadlock.
    """
    stmt = (select(PersonRole.person_id).join(Person, Person.id == PersonRole.person_id)
            .where(PersonRole.role == Role.admin.value, Person.active.is_(True))
            .order_by(PersonRole.person_id).with_for_update(of=PersonRole))
    return set(session.scalars(stmt))


def set_role(ctx: Ctx, target: Person, role: Role, *, grant: bool = True) -> Person:
    """Grant (or revoke) a role. Admins only; the last admin cannot drop their own admin role."""
    admin = ctx.person
    admin.require(Role.admin)
    before = sorted(target.roles)
    roles = target.roles
    if grant:
        roles.add(role.value)
    else:
        if role is Role.employee:
            raise ValidationError(N_("Everybody is an employee; that role cannot be removed."))
        if role is Role.admin and target.is_admin:
            still = _lock_admins(ctx.session)
            if admin.id not in still:  # demoted by a concurrent request we waited for (loaded roles are stale)
                raise PermissionDenied(N_("This needs the {roles} role; ask an admin if you should have it."),
                                       roles=Role.admin.value)
            if len(still) <= 1:
                raise ValidationError(N_("{name} is the last admin; make someone else admin first."), name=target.name)
        roles.discard(role.value)
    target.set_roles(roles)
    after = sorted(target.roles)
    if before != after:
        record(ctx, "person.roles", target, before={"roles": before}, after={"roles": after})
        if grant and target.id != admin.id:
            notify(ctx, "admin/role_granted_dm", {"admin": admin.name, "role": role.value}, person=target)
        ctx.session.flush()
    return target


def set_preferences(ctx: Ctx, target: Person, *, locale: str | None = None,
                    timezone: str | None = None) -> Person:
    """Change a person's language and/or time zone: their own, or anyone's for an admin."""
    if ctx.actor is None or (ctx.actor.id != target.id and not ctx.actor.is_admin):
        raise PermissionDenied(N_("Only an admin can change someone else's language or time zone."))
    before = {"locale": target.locale, "timezone": target.timezone}
    if locale is not None:
        target.locale = places.check_locale(locale)
    if timezone is not None:
        target.timezone = places.check_timezone(timezone)
    after = {"locale": target.locale, "timezone": target.timezone}
    if before != after:
        record(ctx, "person.preferences", target, before=before, after=after)
        ctx.session.flush()
    return target


def list_people(ctx: Ctx, query: str = "", limit: int = 60, offset: int = 0) -> tuple[list[Person], int]:
    """People whose name, e-mail, team or role contains ``query`` (case-insensitive), and how many in all. Admins only."""
    ctx.person.require(Role.admin)
    session = ctx.session

    stmt = select(Person).where(Person.active.is_(True))
    q = query.strip().lower()
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            or_(
                func.lower(Person.name).like(like),
                func.lower(Person.email).like(like),
                func.lower(Person.team).like(like),
                Person.id.in_(select(PersonRole.person_id).where(PersonRole.role == q)),
            )
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    found = list(session.scalars(stmt.order_by(Person.name, Person.id).limit(limit).offset(offset)).unique())
    return found, total
