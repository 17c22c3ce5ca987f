"""/backoffice: overview, who am I, roles and people (admins)."""

from __future__ import annotations

from babel import Locale

from bot.declare import button, subcommand
from bot.paging import Page, filter_of
from bot.replies import Reply
from bot.request import Request
from models.core import people as people_domain
from models.core.errors import N_, ValidationError
from models.core.people import Person, Role


def person_card(person: Person, locale: str) -> dict:
    """What a template needs to show a person (no ORM objects leave the unit of work)."""
    language = Locale.parse((person.locale or locale).replace("-", "_")).get_display_name(locale.replace("-", "_"))
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
        "timezone": person.timezone,
        "language": language,
    }


@subcommand("backoffice", "whoami", usage=N_("/backoffice whoami"),
            help=N_("Your name, roles, manager, time zone and language."), aliases=("eu", "me"))
def whoami(req: Request) -> Reply:
    approvers = people_domain.approvers_for(req.ctx.session, req.actor)
    return Reply("admin/whoami", {"person": person_card(req.actor, req.locale),
                                     "approvers": [p.name for p in approvers]})


@subcommand("backoffice", "role", usage=N_("/backoffice role @user <role> [remove]"),
            help=N_("Give or take away a role: `employee`, `sales`, `backoffice`, `oncall`, `manager`, `admin`."),
            role=Role.admin, aliases=("papel",))
def role(req: Request) -> Reply:
    words = req.args
    if len(words) < 2:
        raise ValidationError(N_("Say who and which role: `/backoffice role @ana manager` (add `remove` to take it away)."))
    target = people_domain.get_person(req.ctx.session, words[0])
    remove = len(words) > 2 and words[-1].lower() in ("remove", "revoke", "remover", "-")
    wanted = Role.parse(" ".join(words[1:-1] if remove else words[1:]))  # "on call", "back office"
    people_domain.set_role(req.ctx, target, wanted, grant=not remove)
    return Reply("admin/role_changed", {"name": target.name, "roles": sorted(target.roles)})


PEOPLE_PAGE = 40


@subcommand("backoffice", "people", usage=N_("/backoffice people [name, team or role]"),
            help=N_("Everybody the bot knows, with team, roles and manager."), role=Role.admin,
            aliases=("pessoas",))
@button("people_page", role=Role.admin)
def people(req: Request) -> Reply:
    """``/backoffice people [filter]``: a page at a time; the buttons carry the filter along."""
    req.actor.require(Role.admin)
    query = filter_of(req.value) if req.value is not None else req.text
    _none, total = people_domain.list_people(req.ctx, query, limit=0)
    page = Page.of(total, PEOPLE_PAGE, "people_page", req.value, value_suffix="|" + query if query else "")
    found, total = people_domain.list_people(req.ctx, query, limit=PEOPLE_PAGE, offset=page.start)
    return Reply("admin/people", {"people": [person_card(p, req.locale) for p in found], "total": total,
                                  "page": page.data()}, replace_original=req.value is not None)

