"""The report modal: from /incident, from the "Report incident" message shortcut, from the App Home."""

from __future__ import annotations

import logging

from bot.declare import form, shortcut
from bot.metadata import metadata
from bot.replies import CloseModal, OpenModal, Reply
from bot.request import Request
from handlers.incidents.common import channel_ref
from models.core.errors import N_
from models.incidents import flow
from models.incidents.tables import TITLE_MAX, incident_data

log = logging.getLogger(__name__)


def report_form(*, title: str | None = None, description: str | None = None, link: str | None = None) -> OpenModal:
    return OpenModal("incidents/report_form", {
        "title": (title or "")[:TITLE_MAX] or None, "severity": None, "service": None,
        "description": description or None, "metadata": metadata(link=link) if link else metadata(),
    })


@shortcut("report_incident", name=N_("Report incident"), description=N_("Open an incident from this message"))
def from_message(req: Request) -> OpenModal:
    """Message shortcut: the message's text and its permalink prefill the form."""
    link = permalink(req)
    text = (req.text or "").strip()
    first_line = text.splitlines()[0] if text else ""
    description = "\n\n".join(p for p in (text, link) if p)
    return report_form(title=first_line[:80] or None, description=description, link=link)


def permalink(req: Request) -> str | None:
    if not req.channel_id or not req.message_ts:
        return None
    try:
        resp = req.runtime.web_client().chat_getPermalink(channel=req.channel_id, message_ts=req.message_ts)
        return resp.get("permalink")
    except Exception as exc:  # noqa: BLE001 - a link built by hand works as well
        log.info("chat.getPermalink failed (%s); building the link", type(exc).__name__)
        return f"https://slack.com/archives/{req.channel_id}/p{req.message_ts.replace('.', '')}"


@form("incident_report")
def submit(req: Request) -> CloseModal:
    v = req.values
    link = req.metadata.get("link")
    inc = flow.report(req.ctx, title=v.get("title"), severity=v.get("severity"), service=v.get("service"),
                      description=v.get("description"), source_link=link if isinstance(link, str) else None)
    data = {**incident_data(inc), "incidents_channel": channel_ref(req.ctx.config.incidents_channel)}
    return CloseModal(then=Reply("incidents/reported", data))
