"""/leave: request leave in a modal, see balance and requests, cancel, and see who is out.

The form, the approval buttons and the digest/home sections live in ``leave_forms`` and
``leave_sections``; ``register`` declares them all.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from decimal import Decimal, InvalidOperation

from bot.registry import Registry
from bot.replies import Reply
from bot.request import Request
from handlers.leave import forms as leave_forms
from handlers.leave import sections as leave_sections
from models.leave import flow as leave_requests
from models.core.errors import N_, ValidationError
from models.leave.tables import get_type, leave_types, plain_days
from models.leave.balance import balance, set_allowance
from models.leave.calendar import local_today
from models.leave.types import configure_type
from models.leave.queries import (
    balance_report,
    my_requests,
    show_request,
    waiting_for,
    who_is_out,
)
from models.core.people import Person, Role, get_person, take_person

TODAY = ("today", "hoje")
TOMORROW = ("tomorrow", "amanhã", "amanha")
WEEK = ("week", "semana")


def today_of(req: Request, person: Person | None = None) -> dt.date:
    return local_today(person or req.actor, req.settings, req.ctx.now)


def balance_cmd(req: Request) -> Reply:
    """``/leave balance [@person]``: mine, or (approvers and admins) someone else's."""
    who = req.text.strip()
    person = get_person(req.ctx.session, who) if who else None
    return Reply("leave/balance", balance_report(req.ctx, person))


def list_cmd(req: Request) -> Reply:
    return Reply("leave/list", {"requests": my_requests(req.ctx.session, req.actor, today_of(req))})


def cancel_cmd(req: Request) -> Reply:
    if not req.text.strip():
        raise ValidationError(N_("Say which request: `/leave cancel 12` (`/leave list` shows the numbers)."))
    done = leave_requests.cancel(req.ctx, req.text.strip().split()[0])
    return Reply("leave/decision_ack", {"request": done.card(req.actor), "event": "cancelled"})


def parse_day(text: str, today: dt.date) -> dt.date | None:
    """``2026-12-24``, ``24/12/2026`` or ``24/12`` (the next such day)."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?", text)
    if not m:
        return None
    day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
    try:
        if year:
            return dt.date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        found = dt.date(today.year, month, day)
        return found if found >= today else dt.date(today.year + 1, month, day)
    except ValueError:
        return None


def who_cmd(req: Request) -> Reply:
    """``/leave who [today|tomorrow|week|<date>]``."""
    today = today_of(req)
    word = req.text.strip().lower()
    if word in ("",) + TODAY:
        first = last = today
    elif word in TOMORROW:
        first = last = today + dt.timedelta(days=1)
    elif word in WEEK:
        first = today - dt.timedelta(days=today.weekday())
        last = first + dt.timedelta(days=6)
    else:
        first = last = parse_day(word, today)  # type: ignore[assignment]
        if first is None:
            raise ValidationError(N_("I can't read “{text}” as a day. Try `/leave who today`, `tomorrow`, `week` "
                                     "or a date like `2026-12-24`."), text=req.text.strip())
    return Reply("leave/who", {"first": first.isoformat(), "last": last.isoformat(),
                               "out": who_is_out(req.ctx.session, first, last)})


def pending_cmd(req: Request) -> Reply:
    return Reply("leave/pending", {"requests": waiting_for(req.ctx.session, req.actor)})


def types_cmd(req: Request, changed: dict | None = None) -> Reply:
    types = [{"type": t.code, "type_name": t.name, "paid": t.paid, "half_days": t.half_days,
              "needs_approval": t.needs_approval, "sensitive": t.sensitive,
              "allowance": None if t.yearly_allowance is None else plain_days(t.yearly_allowance),
              "carry_over": plain_days(t.carry_over_cap or 0)} for t in leave_types(req.ctx.session)]
    return Reply("leave/types", {"types": types, "clt": req.settings.leave_policy == "clt", "changed": changed})


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


def allowance_cmd(req: Request) -> Reply:
    """``/leave allowance @person <type> <days> [year]`` (admins)."""
    words = req.args
    if len(words) < 3:
        raise ValidationError(N_("Say who, which type and how many days: `/leave allowance @ana vacation 25 [2027]`."))
    person, rest = take_person(req.ctx.session, words)
    if len(rest) < 2:
        raise ValidationError(N_("Say who, which type and how many days: `/leave allowance @ana vacation 25 [2027]`."))
    leave_type = get_type(req.ctx.session, rest[0], field=None)
    try:
        days = Decimal(rest[1].replace(",", "."))
    except InvalidOperation:
        raise ValidationError(N_("“{days}” is not a number of days."), days=rest[1]) from None
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


def request_cmd(req: Request):  # type: ignore[no-untyped-def]
    return leave_forms.open_form(req)


def show_cmd(req: Request) -> Reply:
    """``/leave show <id>``: one request (for its person, their approver and admins)."""
    card = show_request(req.ctx, req.text.strip() or "?")
    return Reply("leave/list", {"requests": [dict(card, cancellable=False)]})


WHO_OUT = re.compile(r"\b(who(?:'s| is)? (?:out|off|away|on (?:leave|vacation|holiday))|quem (?:est[aá] |vai estar )?"
                     r"(?:de f[eé]rias|ausente|fora|de folga|de licen[cç]a))\b", re.IGNORECASE)
MY_BALANCE = re.compile(r"\b((?:my )?(?:leave|vacation) balance|saldo de (?:f[eé]rias|aus[eê]ncias?|folgas?)|"
                        r"how many (?:vacation |leave )?days)\b", re.IGNORECASE)


def leave_intent(text: str) -> float:
    """Mentions and DMs: "who is out tomorrow?", "quem está de férias?", "meu saldo de férias"."""
    return 0.8 if WHO_OUT.search(text) or MY_BALANCE.search(text) else 0.0


def answer_text(req: Request) -> Reply:
    text = req.text.lower()
    if MY_BALANCE.search(text) and not WHO_OUT.search(text):
        req.text = ""
        return balance_cmd(req)
    words = [w.strip("?!.,") for w in text.split()]
    when = next((w for w in words if w in TOMORROW + WEEK + TODAY or parse_day(w, today_of(req))), "")
    req.text = when
    return who_cmd(req)


def register(registry: Registry) -> None:
    registry.intent("leave", leave_intent)(answer_text)
    cmd = registry.command("leave", summary=N_("ask for days off, see your balance and who is out"),
                           usage_hint="help | balance | list | cancel <id> | who [today|tomorrow|week|<date>]")
    cmd.no_args(usage=N_("/leave"), help=N_("Opens the form to request leave: type, first and last day, half days, "
                                            "a note. It goes to your approver."))(request_cmd)
    cmd.sub("request", usage=N_("/leave request"), help=N_("The same form as `/leave`."),
            aliases=("new", "pedir", "novo"), hidden=True)(request_cmd)
    cmd.sub("balance", usage=N_("/leave balance"), help=N_("Days left this year per leave type, counted in business days."),
            aliases=("saldo",))(balance_cmd)
    cmd.sub("list", usage=N_("/leave list"), help=N_("Your requests this year and to come, with their status."),
            aliases=("lista", "minhas"))(list_cmd)
    cmd.sub("cancel", usage=N_("/leave cancel <number>"),
            help=N_("Withdraw a request before it starts (approvers and admins: any time). The days come back."),
            aliases=("cancelar",))(cancel_cmd)
    cmd.sub("who", usage=N_("/leave who [today|tomorrow|week|<date>]"),
            help=N_("Who is out on a day or this week (it says “out”, not why)."), aliases=("quem",))(who_cmd)
    cmd.sub("pending", usage=N_("/leave pending"), help=N_("Requests waiting for your decision, with the buttons."),
            aliases=("pendentes", "approvals"))(pending_cmd)
    cmd.sub("show", usage=N_("/leave show <number>"), help=N_("One request in detail."), aliases=("ver",),
            hidden=True)(show_cmd)
    cmd.sub("types", usage=N_("/leave types"), help=N_("The leave types, their yearly allowance and rules."),
            aliases=("tipos",))(types_cmd)
    cmd.sub("type", usage=N_("/leave type <code> name=... allowance=<days|none> carry=<days> paid=yes|no half=yes|no "
                             "approval=yes|no private=yes|no active=yes|no"),
            help=N_("Add a leave type or change one's allowance, carry-over cap and rules."), role=Role.admin,
            aliases=("tipo",))(type_cmd)
    cmd.sub("allowance", usage=N_("/leave allowance @person <type> <days> [year]"),
            help=N_("Set someone's yearly allowance of a leave type."), role=Role.admin,
            aliases=("allocation", "franquia"))(allowance_cmd)
    leave_forms.register(registry)
    leave_sections.register(registry)
