"""/backoffice: overview, who am I, roles and people (admins)."""

from __future__ import annotations

from babel import Locale

from bot import i18n
from bot.dispatch import overview as help_overview
from bot.registry import Registry
from bot.replies import Reply
from bot.request import Request
from models.core import people as people_domain
from models.core.errors import N_, ValidationError
from models.core.people import Person, Role


def person_card(person: Person, locale: str) -> dict:
    """What a template needs to show a person (no ORM objects leave the unit of work)."""
    # Only languages the bot speaks are shown: an odd stored value reads as the default one.
    spoken = i18n.normalize_locale(person.locale, locale)
    language = Locale.parse(spoken.replace("-", "_")).get_display_name(locale.replace("-", "_"))
    return {
        "name": person.name,
        "email": person.email,
        "slack_user_id": person.slack_user_id,
        "mention": person.mention,
        "roles": sorted(person.roles),
        "manager": person.manager.name if person.manager else None,
        "team": person.team,
        "country": person.country,
        "subdivision": person.subdivision,
        "timezone": i18n.safe_zone(person.timezone),
        "language": language,
    }


def whoami(req: Request) -> Reply:
    approvers = people_domain.approvers_for(req.ctx.session, req.actor)
    return Reply("admin/whoami", {"person": person_card(req.actor, req.locale),
                                     "approvers": [p.name for p in approvers]})


LANGUAGE_WORDS = ("language", "idioma", "lingua", "língua", "lang")
ZONE_WORDS = ("timezone", "fuso", "zone", "tz", "fuso-horario", "fuso-horário")
ME_USAGE = N_("Usage: `/backoffice me language pt-BR|en`, `/backoffice me timezone America/Manaus`; "
              "admins: `/backoffice me @person language en`.")


def me(req: Request) -> Reply:
    """``/backoffice me [@person] [language <code> | timezone <zone>]``: see or change language and zone."""
    words = req.args
    target = req.actor
    if words and words[0].lower() not in LANGUAGE_WORDS + ZONE_WORDS:
        target, words = people_domain.take_person(req.ctx.session, words)
    if not words:
        if target.id != req.actor.id:
            req.actor.require(Role.admin)
        return Reply("admin/whoami", {"person": person_card(target, req.locale),
                                      "approvers": [p.name for p in people_domain.approvers_for(req.ctx.session, target)]})
    what, value = words[0].lower(), " ".join(words[1:]).strip()
    if what not in LANGUAGE_WORDS + ZONE_WORDS or not value:
        raise ValidationError(N_("Say what to change and to what."), hint=ME_USAGE)
    if what in LANGUAGE_WORDS:
        people_domain.set_preferences(req.ctx, target, locale=value)
    else:
        people_domain.set_preferences(req.ctx, target, timezone=value)
    # Shown in the asker's language: their new one, if they changed their own.
    return Reply("admin/preferences_changed", {"person": person_card(target, req.locale),
                                               "own": target.id == req.actor.id})


def role(req: Request) -> Reply:
    words = req.args
    if len(words) < 2:
        raise ValidationError(N_("Say who and which role: `/backoffice role @ana manager` (add `remove` to take it away)."))
    target, rest = people_domain.take_person(req.ctx.session, words)
    if not rest:
        raise ValidationError(N_("Say who and which role: `/backoffice role @ana manager` (add `remove` to take it away)."))
    wanted = Role.parse(rest[0])
    remove = len(rest) > 1 and rest[1].lower() in ("remove", "revoke", "remover", "-")
    people_domain.set_role(req.ctx, target, wanted, grant=not remove)
    return Reply("admin/role_changed", {"name": target.name, "roles": sorted(target.roles)})


def overview(req: Request) -> Reply:
    return help_overview(req.runtime.registry, req)


def people(req: Request) -> Reply:
    req.actor.require(Role.admin)
    found, total = people_domain.list_people(req.ctx, req.text, limit=60)
    return Reply("admin/people", {"people": [person_card(p, req.locale) for p in found], "total": total})


def import_people(ctx, df):  # type: ignore[no-untyped-def]
    from models.core.people_imports import import_people as run

    return run(ctx, df)


def prune_requests(runtime, now):  # type: ignore[no-untyped-def]
    """Job: forget Slack request keys older than a week."""
    from models.core.platform import prune_processed_requests

    with runtime.db.session() as session:
        removed = prune_processed_requests(session, now)
        session.commit()
    return f"forgot {removed} old request keys"


def register(registry: Registry) -> None:
    from models.core.people_imports import OPTIONAL, REQUIRED

    registry.job("platform.prune_requests", every_minutes=60 * 24,
                 help="forget Slack request keys older than a week")(prune_requests)
    registry.importer("people", required=REQUIRED, optional=OPTIONAL,
                      help="people.csv: email, name, manager_email, team, country, subdivision, timezone, locale, roles")(
        import_people)
    cmd = registry.command(
        "backoffice",
        summary=N_("overview and administration: who am I, roles, people"),
        usage_hint="help | whoami | role @user <role> | people",
    )
    cmd.sub("whoami", usage=N_("/backoffice whoami"), help=N_("Your name, roles, manager, time zone and language."),
            aliases=("quemsou",))(whoami)
    cmd.sub("me", usage=N_("/backoffice me [@person] [language pt-BR|en | timezone <zone>]"),
            help=N_("See or change your language and time zone (admins: anyone's)."), aliases=("eu",))(me)
    cmd.no_args(usage=N_("/backoffice"), help=N_("The overview of every command."))(overview)
    cmd.sub("role", usage=N_("/backoffice role @user <role> [remove]"),
            help=N_("Give or take away a role: employee, sales, backoffice, oncall, manager, admin."),
            role=Role.admin, aliases=("papel",))(role)
    cmd.sub("people", usage=N_("/backoffice people [name, team or role]"),
            help=N_("Everybody the bot knows, with team, roles and manager."), role=Role.admin,
            aliases=("pessoas",))(people)
