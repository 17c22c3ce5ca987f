"""Creating and linking people from Slack profiles."""

from __future__ import annotations

from sqlalchemy import select

from models.core.audit import record
from models.core.context import Ctx
from models.core.people import Person, Role


def person_from_slack_profile(ctx: Ctx, user_id: str, user: dict) -> Person:
    """Create an employee for a Slack user seen for the first time (or link an imported one by e-mail)."""
    profile = user.get("profile") or {}
    email = (profile.get("email") or "").strip().lower() or None
    person = None
    if email:
        person = ctx.session.scalar(select(Person).where(Person.email == email, Person.slack_user_id.is_(None)))
    if person is not None:
        person.slack_user_id = user_id
        person.timezone = person.timezone or user.get("tz")
        person.locale = person.locale or user.get("locale")
        ctx.actor = person
        record(ctx, "person.linked", person, after={"slack_user_id": user_id})
        return person
    name = (profile.get("real_name") or user.get("real_name") or profile.get("display_name")
            or user.get("name") or user_id)
    person = Person(
        slack_user_id=user_id,
        email=email,
        name=name,
        country=ctx.config.country_default,
        subdivision=ctx.config.subdivision_default,
        timezone=user.get("tz") or ctx.config.tz_default,
        locale=user.get("locale") or None,
        created_at=ctx.now,
    )
    person.set_roles({Role.employee.value})
    ctx.session.add(person)
    ctx.session.flush()
    ctx.actor = person
    record(ctx, "person.created", person, after={"slack_user_id": user_id, "name": name, "email": email})
    return person
