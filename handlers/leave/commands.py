"""/leave: request leave in a modal, see balance and requests, cancel, and see who is out."""

from __future__ import annotations

import datetime as dt
import shlex

from bot.declare import button, no_args, subcommand
from bot.paging import Page
from bot.replies import OpenModal, Reply
from bot.request import Request
from handlers.leave.forms import open_form
from models.core.dates import parse_day
from models.core.errors import N_, ValidationError
from models.core.numbers import parse_decimal
from models.core.people import Person, Role, get_person, take_person
from models.leave import flow as leave_requests
from models.leave.balance import balance, set_allowance
from models.leave.days import local_today
from models.leave.queries import (
    balance_report,
    my_requests,
    show_request,
    waiting_for,
    who_is_out,
)
from models.leave.tables import get_type, leave_types, plain_days
from models.leave.types import configure_type

WEEK = ("week", "semana")


def today_of(req: Request, person: Person | None = None) -> dt.date:
    return local_today(person or req.actor, req.settings, req.ctx.now)


@no_args("leave", usage=N_("/leave"), help=N_("Opens the form to request leave: type, first and last day, half days, "
                                              "a note. It goes to your approver."))
@subcommand("leave", "request", usage=N_("/leave request"), help=N_("The same form as `/leave`."),
            aliases=("new", "pedir", "novo"), hidden=True)
def request_cmd(req: Request) -> OpenModal:
    return open_form(req)


@subcommand("leave", "balance", usage=N_("/leave balance"),
            help=N_("Days left this year per leave type, counted in business days."), aliases=("saldo",))
def balance_cmd(req: Request) -> Reply:
    """``/leave balance [@person]``: mine, or (approvers and admins) someone else's."""
    who = req.text.strip()
    person = get_person(req.ctx.session, who) if who else None
    return Reply("leave/balance", balance_report(req.ctx, person))


LIST_PAGE = 20


@subcommand("leave", "list", usage=N_("/leave list"), help=N_("Your requests this year and to come, with their status."),
            aliases=("lista", "minhas"))
@button("leave_list_page")
def list_cmd(req: Request) -> Reply:
    """``/leave list``: this year's requests, a page at a time (the Next button rewrites the message)."""
    everything = my_requests(req.ctx.session, req.actor, today_of(req), limit=None)
    page = Page.of(len(everything), LIST_PAGE, "leave_list_page", req.value)
    return Reply("leave/list", {"requests": page.items(everything), "page": page.data()},
                 replace_original=req.value is not None)


@subcommand("leave", "cancel", usage=N_("/leave cancel <number>"),
            help=N_("Withdraw a request before it starts (approvers and admins: any time). The days come back."),
            aliases=("cancelar",))
def cancel_cmd(req: Request) -> Reply:
    if not req.text.strip():
        raise ValidationError(N_("Say which request: `/leave cancel 12` (`/leave list` shows the numbers)."))
    done = leave_requests.cancel(req.ctx, req.text.strip().split()[0])
    return Reply("leave/decision_ack", {"request": done.card(req.actor), "event": "cancelled"})


@subcommand("leave", "who", usage=N_("/leave who [today|tomorrow|week|<date>]"),
            help=N_("Who is out on a day or this week (it says “out”, not why)."), aliases=("quem",))
def who_cmd(req: Request) -> Reply:
    """``/leave who [today|tomorrow|week|<date>]``."""
    today = today_of(req)
    word = req.text.strip().lower()
    if word in WEEK:
        first = today - dt.timedelta(days=today.weekday())
        last = first + dt.timedelta(days=6)
    else:
        day = parse_day(word, today, words=True) if word else today
        if day is None:
            raise ValidationError(N_("I can't read “{text}” as a day. Try `/leave who today`, `tomorrow`, `week` "
                                     "or a date like `2026-12-24`."), text=req.text.strip())
        first = last = day
    return Reply("leave/who", {"first": first.isoformat(), "last": last.isoformat(),
                               "out": who_is_out(req.ctx.session, first, last,
                                                 types_public=req.settings.leave_who_shows_type)})


PENDING_PAGE = 10  # two blocks each (the request, its buttons): well inside Slack's 50


@subcommand("leave", "pending", usage=N_("/leave pending"),
            help=N_("Requests waiting for your decision, with the buttons."), aliases=("pendentes", "approvals"))
@button("leave_pending_page")
def pending_cmd(req: Request) -> Reply:
    """``/leave pending``: a page at a time; the Next button rewrites the message."""
    everything = waiting_for(req.ctx.session, req.actor)
    page = Page.of(len(everything), PENDING_PAGE, "leave_pending_page", req.value)
    return Reply("leave/pending", {"requests": page.items(everything), "page": page.data()},
                 replace_original=req.value is not None)


@subcommand("leave", "show", usage=N_("/leave show <number>"), help=N_("One request in detail."), aliases=("ver",),
            hidden=True)
def show_cmd(req: Request) -> Reply:
    """``/leave show <id>``: one request (for its person, their approver and admins)."""
    card = show_request(req.ctx, req.text.strip() or "?")
    return Reply("leave/list", {"requests": [dict(card, cancellable=False)]})


@subcommand("leave", "types", usage=N_("/leave types"), help=N_("The leave types, their yearly allowance and rules."),
            aliases=("tipos",))
def types_cmd(req: Request, changed: dict | None = None) -> Reply:
    types = [{"type": t.code, "type_name": t.name, "paid": t.paid, "half_days": t.half_days,
              "needs_approval": t.needs_approval, "sensitive": t.sensitive,
              "allowance": None if t.yearly_allowance is None else plain_days(t.yearly_allowance),
              "carry_over": plain_days(t.carry_over_cap or 0)} for t in leave_types(req.ctx.session)]
    return Reply("leave/types", {"types": types, "clt": req.settings.leave_policy == "clt", "changed": changed})


@subcommand("leave", "type", usage=N_("/leave type <code> name=... allowance=<days|none> carry=<days> paid=yes|no "
                                     "half=yes|no approval=yes|no private=yes|no active=yes|no"),
            help=N_("Add a leave type or change one's allowance, carry-over cap and rules."), role=Role.admin,
            aliases=("tipo",))
def type_cmd(req: Request) -> Reply:
    """``/leave type <code> name="Sabbatical" allowance=10 carry=0 paid=yes half=no approval=yes private=no``."""
    try:
        words = shlex.split(req.text)
    except ValueError:
        words = req.text.split()
    if not words or any("=" not in w for w in words[1:]) or len(words) < 2:
        raise ValidationError(N_("Say which type and what to set: `/leave type sabbatical name=\"Sabbatical\" "
                                 "allowance=10 carry=0 paid=yes half=no approval=yes private=no`."))
    settings = dict(w.split("=", 1) for w in words[1:])
    leave_type, created = configure_type(req.ctx, words[0], settings)
    return types_cmd(req, {"type": leave_type.code, "type_name": leave_type.name, "created": created})


@subcommand("leave", "allowance", usage=N_("/leave allowance @person <type> <days> [year]"),
            help=N_("Set someone's yearly allowance of a leave type."), role=Role.admin,
            aliases=("allocation", "franquia"))
def allowance_cmd(req: Request) -> Reply:
    """``/leave allowance @person <type> <days> [year]`` (admins)."""
    words = req.args
    if len(words) < 3:
        raise ValidationError(N_("Say who, which type and how many days: `/leave allowance @ana vacation 25 [2027]`."))
    person, rest = take_person(req.ctx.session, words)
    if len(rest) < 2:
        raise ValidationError(N_("Say who, which type and how many days: `/leave allowance @ana vacation 25 [2027]`."))
    leave_type = get_type(req.ctx.session, rest[0], field=None)
    days = parse_decimal(rest[1])
    if days is None:
        raise ValidationError(N_("“{days}” is not a number of days."), days=rest[1])
    year = today_of(req, person).year
    if len(rest) > 2:
        if not rest[2].isdigit():
            raise ValidationError(N_("“{year}” is not a year I can set an allowance for."), year=rest[2])
        year = int(rest[2])
    set_allowance(req.ctx, person, leave_type, year, days)
    now = balance(req.ctx.session, person, leave_type, year, req.ctx.now)
    return Reply("leave/allowance_set", {"name": person.name, "type": leave_type.code, "type_name": leave_type.name,
                                         "year": year, "days": plain_days(days),
                                         "available": plain_days(now.available) if now else "0"})
