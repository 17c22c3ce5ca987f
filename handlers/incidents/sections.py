"""The incident desk's digest section, chart series and App Home section."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from bot.declare import digest_section, home_section, series
from bot.registry import DigestScope
from bot.request import Request
from models.core.errors import N_
from models.incidents import sections as reports


@digest_section(template="incidents/digest_section.j2", order=40)
def digest(session: Session, scope: DigestScope) -> dict[int, dict]:
    return reports.digest_build(session, scope)


@series(N_("Open incidents"))
def open_per_day(session: Session, first_day: dt.date, last_day: dt.date) -> dict[dt.date, int]:
    return reports.open_per_day(session, first_day, last_day)


@home_section(template="incidents/home_section.j2", order=40)
def home(req: Request) -> dict:
    return {"incidents": reports.mine(req.ctx.session, req.actor.id)}
