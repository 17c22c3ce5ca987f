"""The report modal: from /incident, from the "Report incident" message shortcut, from the App Home."""

from __future__ import annotations

import json
import logging

from bot.replies import CloseModal, OpenModal, Reply
from bot.request import Request
from handlers.incidents.common import channel_ref
from models.incidents import flow
from models.incidents.tables import TITLE_MAX, incident_data

log = logging.getLogger(__name__)


def report_form(*, title: str | None = None, description: str | None = None, link: str | None = None) -> OpenModal:
    return OpenModal("incidents/report_form", {
        "title": (title or "")[:TITLE_MAX] or None, "severity": None, "service": None,
        "description": description or None, "metadata": json.dumps({"link": link} if link else {}),
    })


def open_from_home(req: Request) -> OpenModal:
    return report_form()


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


def submit(req: Request) -> CloseModal:
    try:
        meta = json.loads(req.private_metadata or "{}")
    except ValueError:
        meta = {}
    v = req.values
    link = meta.get("link") if isinstance(meta, dict) else None
    inc = flow.report(req.ctx, title=v.get("title"), severity=v.get("severity"), service=v.get("service"),
                      description=v.get("description"), source_link=link if isinstance(link, str) else None)
    data = {**incident_data(inc), "incidents_channel": channel_ref(req.ctx.config.incidents_channel)}
    return CloseModal(then=Reply("incidents/reported", data))


def register_forms(registry) -> None:  # type: ignore[no-untyped-def]
    from models.core.errors import N_

    registry.view("incident_report")(submit)
    registry.action("incident_report_open")(open_from_home)
    registry.shortcut("report_incident", name=N_("Report incident"),
                      description=N_("Open an incident from this message"))(from_message)
