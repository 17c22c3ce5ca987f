"""Trades on the clock: the cut-off."""

from __future__ import annotations

import datetime as dt

from bot.declare import job
from bot.registry import JobSummary
from bot.runtime import Runtime
from models.core.errors import N_, NP_
from models.trades.jobs import flag_late


@job("trades.cutoff", every_minutes=5,
     help=N_("Flag the trades unconfirmed after TRADES_CUTOFF and alert the trades channel once."))
def cutoff_job(runtime: Runtime, now: dt.datetime) -> JobSummary:
    """Flag the trades still unconfirmed after the cut-off and alert the desk once."""
    with runtime.unit_of_work(source="scheduler", now=now) as ctx:
        flagged = flag_late(ctx)
    if not flagged:
        return JobSummary(N_("No trade to flag."))
    return JobSummary(NP_("{count} trade flagged after the cut-off.", "{count} trades flagged after the cut-off."),
                      {"count": len(flagged)})
