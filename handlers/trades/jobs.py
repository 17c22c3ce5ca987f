"""Trades on the clock: the cut-off."""

from __future__ import annotations

import datetime as dt

from bot.declare import job
from bot.runtime import Runtime
from models.trades.jobs import flag_late


@job("trades.cutoff", every_minutes=5, help="flag trades unconfirmed after TRADES_CUTOFF and alert the trades channel once")
def cutoff_job(runtime: Runtime, now: dt.datetime) -> str:
    """Flag the trades still unconfirmed after the cut-off and alert the desk once."""
    with runtime.unit_of_work(source="scheduler") as ctx:
        ctx.now = now
        flagged = flag_late(ctx)
    return f"{len(flagged)} trade(s) flagged after the cut-off" if flagged else "no trade to flag"
