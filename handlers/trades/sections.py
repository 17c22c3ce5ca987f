"""Trades in the back-office managers' digest, the digest chart and the App Home."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from bot.declare import digest_section, home_section, series
from bot.registry import DigestScope
from bot.request import Request
from models.core.errors import N_
from models.trades import jobs as figures


@digest_section(template="trades/digest_section.j2", order=40, roles=("backoffice",))
def digest(session: Session, scope: DigestScope) -> dict[int, dict]:
    return figures.digest_section(session, scope)


@series(N_("Unconfirmed trades"))
def unconfirmed(session: Session, first_day: dt.date, last_day: dt.date) -> dict[dt.date, int]:
    return figures.unconfirmed_series(session, first_day, last_day)


@home_section(template="trades/home_section.j2", order=45)
def home(req: Request) -> dict | None:
    return figures.home_figures(req.ctx.session, req.actor)
