"""/trade subcommands: parse, call the domain, reply."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from bot.declare import no_args, subcommand
from bot.replies import Attachment, Reply
from bot.request import Request
from handlers.trades.cards import conf_row, event_row, report_data, trade_row
from models.core.errors import N_, ValidationError
from models.core.people import Role
from models.trades import flow
from models.trades.report import build_report, report_csv
from models.trades.tables import Trade, get_trade

REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")
BO = Role.backoffice


def _ref(req: Request, usage: str) -> str:
    words = req.args
    if not words or not REF.match(words[0]):
        raise ValidationError(N_("Say which trade, e.g. `{usage}`."), usage=usage)
    return words[0].upper()


@no_args("trade", usage=N_("/trade"), help=N_("The trades waiting for confirmation."), role=BO)
@subcommand("trade", "pending", usage=N_("/trade pending"),
            help=N_("Trades not confirmed yet, oldest first, with their status."), role=BO, aliases=("pendentes",))
def pending(req: Request) -> Reply:
    found, total = flow.pending(req.ctx)
    return Reply("trades/pending", {"trades": [trade_row(t) for t in found], "total": total})


@subcommand("trade", "show", usage=N_("/trade show <ref>"),
            help=N_("One trade: its values, the broker's, the breaks and its history."), role=BO, aliases=("ver",))
def show(req: Request) -> Reply:
    trade = get_trade(req.ctx.session, _ref(req, "/trade show T20261123-0001"))
    return card(req, trade)


def card(req: Request, trade: Trade) -> Reply:
    events = [event_row(e) for e in flow.history(req.ctx.session, trade)]
    return Reply("trades/show", {"trade": trade_row(trade), "events": events[-8:]})


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


@subcommand("trade", "breaks", usage=N_("/trade breaks"),
            help=N_("Trades that do not match their confirmation, and confirmations nobody booked."), role=BO,
            aliases=("quebras",))
def breaks(req: Request) -> Reply:
    trades, alleged = flow.breaks(req.ctx)
    return Reply("trades/breaks", {"trades": [trade_row(t) for t in trades[:15]], "total": len(trades),
                                   "alleged": [conf_row(c) for c in alleged[:15]], "alleged_total": len(alleged)})


def parse_day(text: str, today: dt.date) -> dt.date:
    """``2026-11-23``, ``23/11/2026``, ``today``/``hoje`` or ``yesterday``/``ontem``."""
    word = text.strip().lower()
    if word in ("", "today", "hoje"):
        return today
    if word in ("yesterday", "ontem"):
        return today - dt.timedelta(days=1)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(word, fmt).date()
        except ValueError:
            continue
    raise ValidationError(N_("“{value}” is not a date. Try `/trade report 2026-11-23` or `/trade report 23/11/2026`."),
                          value=text.strip())


@subcommand("trade", "report", usage=N_("/trade report [date]"),
            help=N_("Realized and unrealized P&L by average cost, and unsettled exposure per broker, with a CSV."),
            aliases=("relatorio",))  # back office or managers: the domain checks
def report(req: Request) -> Reply:
    today = req.ctx.now.astimezone(zoneinfo.ZoneInfo(req.settings.trades_tz)).date()
    day = parse_day(req.text, today)
    rep = build_report(req.ctx, day)
    name = f"trades-report-{day.isoformat()}.csv"
    return Reply("trades/report", report_data(rep),
                 files=[Attachment(name, report_csv(rep), title=req.t(N_("Trades report {day}"), day=day))])
