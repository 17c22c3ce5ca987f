"""The trade desk's files for people: the breaks export and the report, in the reader's words and format."""

from __future__ import annotations

from decimal import Decimal

from bot.files import Sheet, people_file, upload
from bot.request import Request
from models.core.errors import N_
from models.trades.queries import BreakPage
from models.trades.report import Report, cents, price_text
from models.trades.tables import BREAK_LABELS, STATUS_LABELS, Trade

BREAK_HEADERS = [N_("Trade"), N_("Trade status"), N_("Breaks"), N_("Trade date"), N_("Account"), N_("Side"), N_("Ticker"),
                 N_("ISIN"), N_("Broker"), N_("Our quantity"), N_("Broker quantity"), N_("Our price"),
                 N_("Broker price"), N_("Our net amount"), N_("Broker net amount"), N_("Our settlement"),
                 N_("Broker settlement"), N_("Confirmations"), N_("Dispute reason")]
ALLEGED_HEADERS = [N_("Confirmation"), N_("Broker reference"), N_("Trade date"), N_("Account"), N_("Side"),
                   N_("Ticker"), N_("ISIN"), N_("Broker"), N_("Quantity"), N_("Price"), N_("Net amount"),
                   N_("Settlement")]
PNL_HEADERS = [N_("Account"), N_("Ticker"), N_("ISIN"), N_("Position"), N_("Average cost"), N_("Mark price"),
               N_("Realized P&L"), N_("Unrealized P&L")]
EXPOSURE_HEADERS = [N_("Broker"), N_("Unsettled trades"), N_("To pay"), N_("To receive"), N_("Net"), N_("Gross")]


def _side(req: Request, side: str) -> str:
    return req.t(N_("BUY")) if side == "BUY" else req.t(N_("SELL"))


def _break_row(req: Request, t: Trade) -> list:
    terms = t.broker_terms() or {}
    confirmations = [c.confirm_id for c in t.fills] or ([t.confirmation.confirm_id] if t.confirmation else [])
    return [t.ref, req.t(STATUS_LABELS.get(t.status, t.status)),
            ", ".join(req.t(BREAK_LABELS.get(b, b)) for b in t.breaks or []), t.trade_date, t.account,
            _side(req, t.side), t.ticker, t.isin, t.broker, t.quantity, terms.get("quantity"), t.price,
            terms.get("price"), t.net_amount, terms.get("net_amount"), t.settlement_date, terms.get("settlement_date"),
            ", ".join(confirmations), t.dispute_reason or ""]


def breaks_sheets(req: Request, found: BreakPage) -> list[Sheet]:
    breaks = Sheet(req.t(N_("Breaks")), [req.t(h) for h in BREAK_HEADERS], [_break_row(req, t) for t in found.trades])
    alleged = Sheet(req.t(N_("Alleged confirmations")), [req.t(h) for h in ALLEGED_HEADERS],
                    [[c.confirm_id, c.broker_ref, c.trade_date, c.account, _side(req, c.side), c.ticker, c.isin,
                      c.broker, c.quantity, c.price, c.net_amount, c.settlement_date] for c in found.alleged])
    return [breaks, alleged]


def report_sheets(req: Request, report: Report) -> list[Sheet]:
    pnl = Sheet(req.t(N_("P&L")), [req.t(h) for h in PNL_HEADERS],
                [[p.account, p.ticker, p.isin, p.quantity, None if p.average_cost is None else cents(p.average_cost),
                  None if p.mark is None else Decimal(price_text(p.mark)), cents(p.realized), cents(p.unrealized)]
                 for p in report.positions])
    exposure = Sheet(req.t(N_("Exposure")), [req.t(h) for h in EXPOSURE_HEADERS],
                     [[e.broker, e.trades, cents(e.to_pay), cents(e.to_receive), cents(e.net), cents(e.gross)]
                      for e in report.exposures])
    return [pnl, exposure]


def send(req: Request, stem: str, sheets: list[Sheet], fmt: str, title: str) -> str:
    """Queue the file for the asker's DM (the console saves it in a temporary folder); its name."""
    filename, content = people_file(stem, sheets, req.locale, fmt)
    upload(req.ctx, req.actor, filename, content, title=title)
    return filename
