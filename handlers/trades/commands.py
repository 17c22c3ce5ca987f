"""/trade subcommands, buttons and the dispute form: parse, call the domain, reply."""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo

from bot.replies import CloseModal, OpenModal, Reply
from bot.request import Request
from handlers.trades import files
from handlers.trades.cards import event_row, report_data, trade_row
from models.core.errors import N_, ValidationError
from models.trades import flow
from models.trades.report import build_report
from models.trades.tables import get_trade

REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")


def _ref(req: Request, usage: str) -> str:
    words = req.args
    if not words or not REF.match(words[0]):
        raise ValidationError(N_("Say which trade, e.g. `{usage}`."), usage=usage)
    return words[0].upper()


PENDING_PER_PAGE = 40


def pending(req: Request) -> Reply:
    """``/trade pending`` (and *Show pending*): the first page."""
    return _pending_page(req, 0)


def click_pending_page(req: Request) -> Reply:
    """*Next* / *Previous* under the pending list: the same message, rewritten."""
    value = req.value or ""
    page = int(value) if value.isdigit() else 0
    return _pending_page(req, page, replace=True)


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


def show(req: Request) -> Reply:
    trade = get_trade(req.ctx.session, _ref(req, "/trade show T20261123-0001"))
    return _card(req, trade)


def _card(req: Request, trade) -> Reply:  # type: ignore[no-untyped-def]
    events = [event_row(e) for e in flow.history(req.ctx.session, trade)]
    return Reply("trades/show", {"trade": trade_row(trade), "events": events})


def confirm(req: Request) -> Reply:
    trade = flow.confirm(req.ctx, _ref(req, "/trade confirm T20261123-0001"))
    return Reply("trades/decision", {"action": "confirmed", "trade": trade_row(trade)})


def accept(req: Request) -> Reply:
    trade = flow.accept_broker_values(req.ctx, _ref(req, "/trade accept T20261123-0003"))
    return Reply("trades/decision", {"action": "accepted", "trade": trade_row(trade)})


def dispute(req: Request) -> Reply:
    ref = _ref(req, "/trade dispute T20261123-0003 broker price is 2% off")
    reason = req.text.strip()[len(ref):].strip()
    trade = flow.dispute(req.ctx, ref, reason)
    return Reply("trades/decision", {"action": "disputed", "trade": trade_row(trade)})


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


def report(req: Request) -> Reply:
    """``/trade report [date] [xlsx]``: the card, and the file in the asker's DM (CSV unless asked)."""
    words = req.args
    fmt = "xlsx" if any(w.lower() in ("xlsx", "excel") for w in words) else "csv"
    text = " ".join(w for w in words if w.lower() not in ("xlsx", "excel", "csv"))
    today = req.ctx.now.astimezone(zoneinfo.ZoneInfo(req.settings.trades_tz)).date()
    day = parse_day(text, today)
    rep = build_report(req.ctx, day)
    files.send(req, f"trades-report-{day.isoformat()}", files.report_sheets(req, rep), fmt,
               req.t(N_("Trades report {day}"), day=day))
    return Reply("trades/report", report_data(rep))


# -- buttons and the dispute form ----------------------------------------------------------------
def click_show(req: Request) -> Reply:
    return _card(req, get_trade(req.ctx.session, req.value or ""))


def click_confirm(req: Request) -> Reply:
    trade = flow.confirm(req.ctx, req.value or "")
    return Reply("trades/decision", {"action": "confirmed", "trade": trade_row(trade)})


def click_accept(req: Request) -> Reply:
    trade = flow.accept_broker_values(req.ctx, req.value or "")
    return Reply("trades/decision", {"action": "accepted", "trade": trade_row(trade)})


def click_dispute(req: Request) -> OpenModal:
    trade = get_trade(req.ctx.session, req.value or "")
    return OpenModal("trades/dispute_modal", {"trade": trade_row(trade)})


def submit_dispute(req: Request) -> CloseModal:
    try:
        meta = json.loads(req.private_metadata or "{}")
    except ValueError:
        meta = {}
    ref = str(meta.get("ref") or "") if isinstance(meta, dict) else ""
    reason = req.values.get("reason")
    trade = flow.dispute(req.ctx, ref, reason if isinstance(reason, str) else "")
    return CloseModal(then=Reply("trades/decision", {"action": "disputed", "trade": trade_row(trade)}))
