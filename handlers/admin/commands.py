"""/backoffice: overview, who am I, roles and people (admins)."""

from __future__ import annotations

from babel import Locale

from bot import i18n
from bot.declare import button, no_args, subcommand
from bot.dispatch import overview as help_overview
from bot.paging import Page, filter_of
from bot.replies import Reply
from bot.request import Request
from models.core import people as people_domain
from models.core import people_flow
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


@subcommand("backoffice", "whoami", usage=N_("/backoffice whoami"),
            help=N_("Your name, roles, manager, time zone and language."), aliases=("quemsou",))
def whoami(req: Request) -> Reply:
    approvers = people_domain.approvers_for(req.ctx.session, req.actor)
    return Reply("admin/whoami", {"person": person_card(req.actor, req.locale),
                                     "approvers": [p.name for p in approvers]})


LANGUAGE_WORDS = ("language", "idioma", "lingua", "língua", "lang")
ZONE_WORDS = ("timezone", "fuso", "zone", "tz", "fuso-horario", "fuso-horário")
ME_USAGE = N_("Usage: `/backoffice me language pt-BR|en`, `/backoffice me timezone America/Manaus`; "
              "admins: `/backoffice me @person language en`.")


@subcommand("backoffice", "me", usage=N_("/backoffice me [@person] [language pt-BR|en | timezone <zone>]"),
            help=N_("See or change your language and time zone (admins: anyone's)."), aliases=("eu",))
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
        people_flow.set_preferences(req.ctx, target, locale=value)
    else:
        people_flow.set_preferences(req.ctx, target, timezone=value)
    # Shown in the asker's language: their new one, if they changed their own.
    return Reply("admin/preferences_changed", {"person": person_card(target, req.locale),
                                               "own": target.id == req.actor.id})


@subcommand("backoffice", "role", usage=N_("/backoffice role @user <role> [remove]"),
            help=N_("Give or take away a role: `employee`, `sales`, `backoffice`, `oncall`, `manager`, `admin`."),
            role=Role.admin, aliases=("papel",))
def role(req: Request) -> Reply:
    words = req.args
    if len(words) < 2:
        raise ValidationError(N_("Say who and which role: `/backoffice role @ana manager` (add `remove` to take it away)."))
    target, rest = people_domain.take_person(req.ctx.session, words)
    if not rest:
        raise ValidationError(N_("Say who and which role: `/backoffice role @ana manager` (add `remove` to take it away)."))
    remove = len(rest) > 1 and rest[-1].lower() in ("remove", "revoke", "remover", "-")
    wanted = Role.parse(" ".join(rest[:-1] if remove else rest))  # "on call", "back office"
    people_flow.set_role(req.ctx, target, wanted, grant=not remove)
    return Reply("admin/role_changed", {"name": target.name, "roles": sorted(target.roles)})


@no_args("backoffice", usage=N_("/backoffice"), help=N_("The overview of every command."))
def overview(req: Request) -> Reply:
    return help_overview(req.runtime.registry, req)


PEOPLE_PAGE = 40


@subcommand("backoffice", "people", usage=N_("/backoffice people [name, team or role]"),
            help=N_("Everybody the bot knows, with team, roles and manager."), role=Role.admin,
            aliases=("pessoas",))
@button("people_page", role=Role.admin)
def people(req: Request) -> Reply:
    """``/backoffice people [filter]``: a page at a time; the buttons carry the filter along."""
    req.actor.require(Role.admin)
    query = filter_of(req.value) if req.value is not None else req.text
    _none, total = people_flow.list_people(req.ctx, query, limit=0)
    page = Page.of(total, PEOPLE_PAGE, "people_page", req.value, value_suffix="|" + query if query else "")
    found, total = people_flow.list_people(req.ctx, query, limit=PEOPLE_PAGE, offset=page.start)
    return Reply("admin/people", {"people": [person_card(p, req.locale) for p in found], "total": total,
                                  "page": page.data()}, replace_original=req.value is not None)

