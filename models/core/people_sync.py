"""Creating and linking people from what Slack's profile says (plain fields: no Slack here)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models.core.audit import record
from models.core.context import Ctx
from models.core.people import Person, Role
from models.core.text import clean_text


@dataclass(frozen=True)
class Profile:
    """What a chat profile tells about someone; every field may be unknown."""

    name: str | None = None
    email: str | None = None
    locale: str | None = None
    tz: str | None = None

    @property
    def clean_email(self) -> str | None:
        return (self.email or "").strip().lower() or None

    @property
    def clean_name(self) -> str | None:
        return clean_text(self.name or "").strip()[:200] or None


def person_from_profile(ctx: Ctx, user_id: str, profile: Profile) -> Person:
    """Create an employee for a Slack user seen for the first time (or link an imported one by e-mail)."""
    email = profile.clean_email
    person = None
    if email:
        person = ctx.session.scalar(select(Person).where(Person.email == email, Person.slack_user_id.is_(None)))
    if person is not None:
        _link(ctx, person, user_id, profile)
        return person
    name = profile.clean_name or user_id
    person = Person(
        slack_user_id=user_id,
        email=email,
        name=name,
        country=ctx.config.country_default,
        subdivision=ctx.config.subdivision_default,
        timezone=profile.tz or ctx.config.tz_default,
        locale=profile.locale or None,
        created_at=ctx.now,
    )
    person.set_roles({Role.employee.value})
    ctx.session.add(person)
    ctx.session.flush()
    ctx.actor = person
    record(ctx, "person.created", person, after={"slack_user_id": user_id, "name": name, "email": email})
    return person


def enrich_from_profile(ctx: Ctx, user_id: str, profile: Profile) -> Person | None:
    """The profile came late (the person was created from defaults to answer in time): fill it in.

    If its e-mail is an imported person's not yet linked to Slack, that person is who this is:
    the Slack id moves to them and the stand-in is deactivated (what it did stays under its name).
    """
    person = ctx.session.scalar(select(Person).where(Person.slack_user_id == user_id))
    if person is None:
        return None
    email = profile.clean_email
    if email and person.email is None:
        imported = ctx.session.scalar(select(Person).where(Person.email == email))
        if imported is not None and imported.slack_user_id is None:
            person.slack_user_id = None
            person.active = False
            ctx.session.flush()
            _link(ctx, imported, user_id, profile)
            return imported
        if imported is None:
            person.email = email
    before = {"name": person.name, "timezone": person.timezone, "locale": person.locale}
    person.name = profile.clean_name or person.name
    person.timezone = profile.tz or person.timezone
    person.locale = person.locale or profile.locale
    ctx.actor = ctx.actor or person
    record(ctx, "person.enriched", person, before=before,
           after={"name": person.name, "timezone": person.timezone, "locale": person.locale})
    return person


def _link(ctx: Ctx, person: Person, user_id: str, profile: Profile) -> None:
    person.slack_user_id = user_id
    person.timezone = person.timezone or profile.tz
    person.locale = person.locale or profile.locale
    ctx.actor = person
    record(ctx, "person.linked", person, after={"slack_user_id": user_id})
