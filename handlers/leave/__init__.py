"""/leave: request leave, approve it, see balances and who is out; reminders, digest and Home parts."""

from __future__ import annotations

from bot.registry import Registry
from handlers.leave import buttons, calendar, commands, forms, intents, jobs, sections
from models.core.errors import N_
from models.leave.privacy import PART as LEAVE_PRIVACY


def register(registry: Registry) -> None:
    registry.command("leave", summary=N_("ask for days off, see your balance and who is out"),
                     usage_hint="help | balance | list | cancel <id> | who [today|tomorrow|week|<date>] | calendar")
    registry.scan("leave", intents, commands, calendar, forms, buttons, jobs, sections)
    registry.privacy(LEAVE_PRIVACY)  # the desk's share of LGPD export, erasure and retention
