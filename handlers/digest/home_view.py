"""The App Home: each desk's part for me (my leave, approvals waiting, my incidents...) and the
commands I can use, published with ``views.publish`` when I open the bot's Home tab.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.render import render
from bot.request import Request

log = logging.getLogger(__name__)


def home_parts(req: Request) -> list[dict]:
    """Each registered home section that has something for the viewer, in order."""
    parts = []
    for sec in req.runtime.registry.home_sections:
        try:
            data = sec.build(req)
        except Exception:
            log.exception("home section %s failed; leaving it out", sec.desk)
            req.ctx.session.rollback()
            continue
        if data:
            parts.append({"desk": sec.desk, "template": _template_name(sec.template), "data": data})
    return parts


def my_commands(req: Request) -> list[dict]:
    """The commands and subcommands the viewer may use, from the registry (roles respected)."""
    actor = req.actor
    out = []
    for cmd in req.runtime.registry.commands.values():
        usable = [e for e in cmd.entries() if e.role is None or actor.is_admin or actor.has_role(e.role)]
        if usable:
            out.append({"command": cmd.slash, "summary": req.t(cmd.summary),
                        "entries": [{"usage": req.t(e.usage), "help": req.t(e.help)} for e in usable]})
    return out


def build_view(req: Request) -> dict:
    actor = req.actor
    data: dict[str, Any] = {
        "name": actor.name,
        "now": req.ctx.now.isoformat(),
        "sections": home_parts(req),
        "commands": my_commands(req),
        "is_manager": actor.has_role("manager"),
        "digest_time": req.settings.digest_time,
    }
    return render("digest/home", data, locale=req.locale, tz=req.tz)


def publish(req: Request) -> dict:
    """Build the viewer's Home tab and publish it; returns the view as published."""
    view = build_view(req)
    user: str = req.actor.slack_user_id or (req.payload or {}).get("user", "")
    req.runtime.web_client().views_publish(user_id=user, view=view)
    return view


def _template_name(template: str) -> str:
    """As ``models.digest.build.template_name``; not imported from there, which loads pandas (the
    Home tab needs none, and an idle web process then stays small)."""
    return template if template.endswith(".j2") else template + ".j2"
