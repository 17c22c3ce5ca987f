"""Slack events of the digest desk: the Home tab, published whenever someone opens it."""

from __future__ import annotations

from bot.declare import event
from bot.replies import Nothing
from bot.request import Request
from handlers.digest.home_view import publish


@event("app_home_opened")
def opened(req: Request) -> Nothing:
    """``app_home_opened``: publish a fresh Home tab (the Messages tab opens this event too: ignored)."""
    if (req.payload or {}).get("tab", "home") == "home" and req.ctx.actor is not None:
        publish(req)
    return Nothing()
