"""/trade breaks [broker|account|instrument|date]: every break within reach, a page at a time, and the export."""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo

from bot.declare import button, subcommand
from bot.replies import Reply
from bot.request import Request
from handlers.trades import files
from handlers.trades.cards import conf_row, trade_row
from models.core.dates import parse_day
from models.core.errors import N_, ValidationError
from models.core.people import Role
from models.trades.queries import BreakFilter, BreakPage, break_page

BO = Role.backoffice
PER_PAGE = 10  # trades a page (two blocks each: Slack allows 50)
ALLEGED_PER_PAGE = 15  # alleged confirmations a page (one line each in one section)


def _today(req: Request) -> dt.date:
    return req.ctx.now.astimezone(zoneinfo.ZoneInfo(req.settings.trades_tz)).date()


def parse_filter(req: Request, words: list[str]) -> BreakFilter:
    """Words of ``/trade breaks``: a date (``23/11/2026``, ``2026-11-23``, ``hoje``...) and/or a code."""
    day, codes = None, []
    for word in words:
        found = parse_day(word, _today(req), words=True, past=True)
        if found is None:
            codes.append(word)
        else:
            day = found
    if len(codes) > 1:
        raise ValidationError(N_("Filter by one broker, account or instrument (and a date), e.g. "
                                 "`/trade breaks XPINC` or `/trade breaks PETR4 23/11/2026`."))
    return BreakFilter(word=codes[0].upper() if codes else "", day=day)


def _state(where: BreakFilter, **more: object) -> str:
    """What a button carries: the filter (and the page, or the format)."""
    return json.dumps({"w": where.word, "d": where.day.isoformat() if where.day else None, **more}, separators=(",", ":"))


def _from_state(value: str | None) -> tuple[BreakFilter, dict]:
    try:
        data = json.loads(value or "{}")
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    try:
        day = dt.date.fromisoformat(data["d"]) if data.get("d") else None
    except (TypeError, ValueError):
        day = None
    word = data.get("w")
    return BreakFilter(word=word[:60] if isinstance(word, str) else "", day=day), data


def _page(req: Request, where: BreakFilter, page: int, *, replace: bool = False) -> Reply:
    found = break_page(req.ctx, where, page, PER_PAGE, ALLEGED_PER_PAGE)
    return Reply("trades/breaks", _data(found, where), replace_original=replace)


def _data(found: BreakPage, where: BreakFilter) -> dict:
    first = found.page * PER_PAGE
    return {
        "trades": [trade_row(t) for t in found.trades], "total": found.total,
        "alleged": [conf_row(c) for c in found.alleged], "alleged_total": found.alleged_total,
        "page": found.page, "pages": found.pages, "first": first + 1, "last": first + len(found.trades),
        "alleged_first": found.page * ALLEGED_PER_PAGE + 1,
        "alleged_last": found.page * ALLEGED_PER_PAGE + len(found.alleged),
        "filter": {"word": where.word, "day": where.day.isoformat() if where.day else None},
        "prev": _state(where, p=found.page - 1) if found.page > 0 else None,
        "next": _state(where, p=found.page + 1) if found.page + 1 < found.pages else None,
        "export_csv": _state(where, f="csv"), "export_xlsx": _state(where, f="xlsx"),
    }


@subcommand("trade", "breaks", usage=N_("/trade breaks [broker|account|instrument|date]"),
            help=N_("Trades that do not match their confirmation, and confirmations nobody booked: page by page, "
                    "filtered, exportable."), role=BO, aliases=("quebras",))
def breaks(req: Request) -> Reply:
    """``/trade breaks [filter]``: the first page."""
    return _page(req, parse_filter(req, req.args), 0)


def all_breaks(req: Request) -> Reply:
    """The *Show breaks* buttons, and "quebras das operações?" in a DM: the first page, unfiltered."""
    return _page(req, BreakFilter(), 0)


@button("trades_breaks_page", role=BO)
def click_page(req: Request) -> Reply:
    """*Next* / *Previous*: the same message, rewritten with the other page."""
    where, data = _from_state(req.value)
    page = data.get("p")
    page = page if isinstance(page, int) else 0
    return _page(req, where, page, replace=True)


@button("trades_breaks_export", role=BO)
def click_export(req: Request) -> Reply:
    """*Export*: the whole list (every page) as a file in the asker's DM."""
    where, data = _from_state(req.value)
    fmt = "xlsx" if data.get("f") == "xlsx" else "csv"
    found = break_page(req.ctx, where)
    stem = "-".join(["trade-breaks", *([re.sub(r"[^a-z0-9]+", "-", where.word.lower()).strip("-")] if where.word else []),
                     *([where.day.isoformat()] if where.day else [])])
    filename = files.send(req, stem, files.breaks_sheets(req, found), fmt, req.t(N_("Trade breaks")))
    return Reply("trades/export_sent", {"filename": filename, "total": found.total, "alleged": found.alleged_total})
