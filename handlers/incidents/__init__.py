"""/incident: report, follow and close incidents; their cards, channels, SLAs and digest parts."""

from __future__ import annotations

from bot.registry import Registry
from handlers.incidents import buttons, commands, events, forms, intents, jobs, outbox, sections
from models.core.errors import N_
from models.incidents.privacy import PART as INCIDENTS_PRIVACY


def register(registry: Registry) -> None:
    registry.command("incident", summary=N_("report an incident and follow it to the end"),
                     usage_hint="help | list | show | ack | assign | status | severity | note | resolve | close | summary")
    # The incident channels' Web API calls (the outbox kinds).
    registry.need_scopes("channels:manage", "channels:join", "channels:read", "pins:write", "chat:write.public")
    registry.scan("incidents", commands, buttons, forms, outbox, events, jobs, sections, intents)
    registry.privacy(INCIDENTS_PRIVACY)  # the desk's share of LGPD export, erasure and retention
