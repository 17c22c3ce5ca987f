"""The buttons on an incident's card (value: the incident number) and on the App Home."""

from __future__ import annotations

from bot.declare import button
from bot.replies import OpenModal, Reply
from bot.request import Request
from handlers.incidents.common import changed
from handlers.incidents.forms import report_form
from models.core.errors import N_, NotFound
from models.incidents import flow
from models.incidents.tables import Incident, get_incident, parse_ref


def _clicked(req: Request) -> Incident:
    number = parse_ref(req.value or "")
    if number is None:
        raise NotFound(N_("This button is no longer in use. Run the command again for a fresh one."))
    return get_incident(req.ctx.session, number, lock=True)


@button("incident_ack")
def click_ack(req: Request) -> Reply:
    return changed("acknowledged", flow.acknowledge(req.ctx, _clicked(req)))


@button("incident_take")
def click_take(req: Request) -> Reply:
    return changed("assigned", flow.assign(req.ctx, _clicked(req), req.actor))


@button("incident_mitigated")
def click_mitigated(req: Request) -> Reply:
    return changed("status", flow.set_status(req.ctx, _clicked(req), "mitigated"))


@button("incident_resolved")
def click_resolved(req: Request) -> Reply:
    return changed("resolved", flow.resolve(req.ctx, _clicked(req)))


@button("incident_report_open")
def open_from_home(req: Request) -> OpenModal:
    return report_form()
