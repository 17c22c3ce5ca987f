"""/trade subcommands: parse, call the domain, reply."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from bot.declare import no_args, subcommand
from bot.replies import Reply
from bot.request import Request
from handlers.trades import files
from handlers.trades.cards import event_row, report_data, trade_row
from models.core.dates import parse_day
from models.core.errors import N_, ValidationError
from models.core.people import Role
from models.trades import flow
from models.trades.report import build_report
from models.trades.tables import Trade, get_trade

REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")
BO = Role.backoffice


def _ref(req: Request, usage: str) -> str:
    words = req.args
    if not words or not REF.match(words[0]):
        raise ValidationError(N_("Say which trade, e.g. `{usage}`."), usage=usage)
    return words[0].upper()


PENDING_PER_PAGE = 40


@no_args("trade", usage=N_("/trade"), help=N_("The trades waiting for confirmation."), role=BO)
@subcommand("trade", "pending", usage=N_("/trade pending"),
            help=N_("Trades not confirmed yet, oldest first, with their status."), role=BO, aliases=("pendentes",))
def pending(req: Request) -> Reply:
    """``/trade pending`` (and *Show pending*): the first page."""
    return _pending_page(req, 0)


def pending_page(req: Request, page: int, replace: bool = False) -> Reply:
    """One page of the pending list (the last one if the list shrank since the button was drawn)."""
    return _pending_page(req, page, replace)


def _pending_page(req: Request, page: int, replace: bool = False) -> Reply:
    found, total = flow.pending(req.ctx, PENDING_PER_PAGE, page * PENDING_PER_PAGE)
    pages = max(1, -(-total // PENDING_PER_PAGE))
    if page >= pages:  # the list shrank since the button was drawn
        page = pages - 1
        found, total = flow.pending(req.ctx, PENDING_PER_PAGE, page * PENDING_PER_PAGE)
    first = page * PENDING_PER_PAGE
    return Reply("trades/pending", {"trades": [trade_row(t, broker_side=False) for t in found], "total": total,
                                    "page": page, "pages": pages, "first": first + 1, "last": first + len(found)},
                 replace_original=replace)


@subcommand("trade", "show", usage=N_("/trade show <ref>"),
            help=N_("One trade: its values, the broker's, the breaks and its history."), role=BO, aliases=("ver",))
def show(req: Request) -> Reply:
    trade = get_trade(req.ctx.session, _ref(req, "/trade show T20261123-0001"))
    return card(req, trade)


def card(req: Request, trade: Trade) -> Reply:
    events = [event_row(e) for e in flow.history(req.ctx.session, trade)]
    return Reply("trades/show", {"trade": trade_row(trade), "events": events})


@subcommand("trade", "confirm", usage=N_("/trade confirm <ref>"),
            help=N_("Confirm a matched trade. Not the person who booked or imported it (four eyes)."),
            role=BO, aliases=("confirmar",))
def confirm(req: Request) -> Reply:
    trade = flow.confirm(req.ctx, _ref(req, "/trade confirm T20261123-0001"))
    return Reply("trades/decision", {"action": "confirmed", "trade": trade_row(trade)})


@subcommand("trade", "dispute", usage=N_("/trade dispute <ref> <reason>"),
            help=N_("Dispute a trade with the broker; the desk and the trader are told."), role=BO,
            aliases=("contestar",))
def dispute(req: Request) -> Reply:
    ref = _ref(req, "/trade dispute T20261123-0003 broker price is 2% off")
    reason = req.text.strip()[len(ref):].strip()
    trade = flow.dispute(req.ctx, ref, reason)
    return Reply("trades/decision", {"action": "disputed", "trade": trade_row(trade)})


@subcommand("trade", "accept", usage=N_("/trade accept <ref>"),
            help=N_("Accept the broker's values for a break and confirm the trade (a second person, not the booker)."),
            role=BO, aliases=("aceitar",))
def accept(req: Request) -> Reply:
    trade = flow.accept_broker_values(req.ctx, _ref(req, "/trade accept T20261123-0003"))
    return Reply("trades/decision", {"action": "accepted", "trade": trade_row(trade)})


def report_day(text: str, today: dt.date) -> dt.date:
    """The day a report is asked for (:func:`models.core.dates.parse_day`, looking back); today if none."""
    if not text.strip():
        return today
    day = parse_day(text, today, words=True, past=True)
    if day is not None:
        return day
    raise ValidationError(N_("“{value}” is not a date. Try `/trade report 2026-11-23` or `/trade report 23/11/2026`."),
                          value=text.strip())


@subcommand("trade", "report", usage=N_("/trade report [date] [xlsx]"),
            help=N_("Realized and unrealized P&L by average cost, and unsettled exposure per broker, with a file "
                    "(CSV, or XLSX if asked) in your DM."),
            aliases=("relatorio",))  # back office or managers: the domain checks
def report(req: Request) -> Reply:
    """``/trade report [date] [xlsx]``: the card, and the file in the asker's DM (CSV unless asked)."""
    words = req.args
    fmt = "xlsx" if any(w.lower() in ("xlsx", "excel") for w in words) else "csv"
    text = " ".join(w for w in words if w.lower() not in ("xlsx", "excel", "csv"))
    today = req.ctx.now.astimezone(zoneinfo.ZoneInfo(req.settings.trades_tz)).date()
    day = report_day(text, today)
    rep = build_report(req.ctx, day)
    files.send(req, f"trades-report-{day.isoformat()}", files.report_sheets(req, rep), fmt,
               req.t(N_("Trades report {day}"), day=day))
    return Reply("trades/report", report_data(rep))
