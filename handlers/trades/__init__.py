"""/trade: trades matched against broker confirmations, breaks resolved, confirmed with four eyes."""

from __future__ import annotations

from bot.registry import Registry
from handlers.trades import breaks, buttons, commands, forms, imports, intents, jobs, sections
from models.core.errors import N_
from models.trades.privacy import PART as TRADES_PRIVACY


def register(registry: Registry) -> None:
    registry.command("trade", summary=N_("trades and broker confirmations: pending, breaks, confirm, report"),
                     usage_hint="pending | show <ref> | confirm <ref> | dispute <ref> <reason> | accept <ref> | breaks [filter] | report [date]")
    registry.scan("trades", imports, jobs, sections, commands, breaks, buttons, forms, intents)
    registry.need_scopes("files:write", "im:write")  # files for people go to the asker's DM
    registry.privacy(TRADES_PRIVACY)  # the desk's share of LGPD export, erasure and retention
