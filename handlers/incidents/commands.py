"""/incident: list, show, ack, assign, status, note, resolve, close (and the card's buttons)."""

from __future__ import annotations

from bot.replies import OpenModal, Reply
from bot.request import Request
from handlers.incidents.common import take_incident
from handlers.incidents.forms import report_form
from models.incidents import flow
from models.core.errors import N_, NotFound, ValidationError
from models.incidents.tables import get_incident, incident_data, open_incidents, parse_ref
from models.core.people import take_person


def _changed(action: str, inc) -> Reply:  # type: ignore[no-untyped-def]
    return Reply("incidents/changed", {"action": action, "incident": incident_data(inc)})


def open_form(req: Request) -> OpenModal:
    """``/incident`` or ``/incident report [title]``: the report modal."""
    return report_form(title=req.text.strip() or None)


def list_open(req: Request) -> Reply:
    return Reply("incidents/list", {"incidents": [incident_data(i) for i in open_incidents(req.ctx.session)]})


def show(req: Request) -> Reply:
    words = req.args
    if words:
        number = parse_ref(words[0])
        if number is None:
            raise ValidationError(N_("“{word}” is not an incident number; try `/incident show INC-0042`."), word=words[0])
        inc = get_incident(req.ctx.session, number)
    else:
        inc, _ = take_incident(req, words)
    return Reply("incidents/show", incident_data(inc, timeline=True))


def ack(req: Request) -> Reply:
    inc, _ = take_incident(req, req.args)
    return _changed("acknowledged", flow.acknowledge(req.ctx, inc))


def assign(req: Request) -> Reply:
    inc, rest = take_incident(req, req.args)
    if not rest:
        raise ValidationError(N_("Say who: `/incident assign {ref} @name` (or `me`)."), ref=inc.ref)
    person = req.actor if rest[0].lower() in ("me", "eu", "mim") else take_person(req.ctx.session, rest)[0]
    return _changed("assigned", flow.assign(req.ctx, inc, person))


def status(req: Request) -> Reply:
    inc, rest = take_incident(req, req.args)
    if not rest:
        raise ValidationError(N_("Say which status: `/incident status {ref} investigating|mitigated|resolved`."),
                              ref=inc.ref)
    flow.set_status(req.ctx, inc, rest[0], note=" ".join(rest[1:]))
    return _changed("resolved" if inc.status == "resolved" else "status", inc)


def severity(req: Request) -> Reply:
    inc, rest = take_incident(req, req.args)
    if not rest:
        raise ValidationError(N_("Say which severity: `/incident severity {ref} SEV1` (SEV1 to SEV4)."), ref=inc.ref)
    return _changed("severity", flow.set_severity(req.ctx, inc, rest[0]))


def note(req: Request) -> Reply:
    inc, rest = take_incident(req, req.args, strict=True)
    # Keep the note's own spacing and line breaks: cut the id off the raw text, not the words.
    text = req.text.strip()
    if len(rest) < len(req.args):
        text = text[len(req.args[0]):].strip()
    flow.add_note(req.ctx, inc, text)
    return _changed("note", inc)


def resolve(req: Request) -> Reply:
    inc, rest = take_incident(req, req.args)
    return _changed("resolved", flow.resolve(req.ctx, inc, note=" ".join(rest)))


def close(req: Request) -> Reply:
    inc, rest = take_incident(req, req.args)
    return _changed("closed", flow.close(req.ctx, inc, summary=" ".join(rest)))


# -- the card's buttons (value: the incident number) -------------------------------------------

def _clicked(req: Request):  # type: ignore[no-untyped-def]
    number = parse_ref(req.value or "")
    if number is None:
        raise NotFound(N_("This button is no longer in use. Run the command again for a fresh one."))
    return get_incident(req.ctx.session, number, lock=True)


def click_ack(req: Request) -> Reply:
    return _changed("acknowledged", flow.acknowledge(req.ctx, _clicked(req)))


def click_take(req: Request) -> Reply:
    return _changed("assigned", flow.assign(req.ctx, _clicked(req), req.actor))


def click_mitigated(req: Request) -> Reply:
    return _changed("status", flow.set_status(req.ctx, _clicked(req), "mitigated"))


def click_resolved(req: Request) -> Reply:
    return _changed("resolved", flow.resolve(req.ctx, _clicked(req)))


def register_commands(registry) -> None:  # type: ignore[no-untyped-def]
    cmd = registry.command("incident", summary=N_("report an incident and follow it to the end"),
                           usage_hint="help | list | show | ack | assign | status | note | resolve | close")
    cmd.no_args(usage=N_("/incident"), help=N_("Report an incident: title, severity, service, description."))(open_form)
    cmd.sub("report", usage=N_("/incident report [title]"), help=N_("The report form, with the title filled in."),
            aliases=("new", "novo", "reportar"))(open_form)
    cmd.sub("list", usage=N_("/incident list"), help=N_("Incidents not closed yet, most severe first."),
            aliases=("ls", "lista", "listar"))(list_open)
    cmd.sub("show", usage=N_("/incident show <id>"), help=N_("An incident with its timeline."),
            aliases=("ver", "mostrar"))(show)
    cmd.sub("ack", usage=N_("/incident ack <id>"), help=N_("Acknowledge: you are on it (on call)."),
            aliases=("acknowledge", "reconhecer"))(ack)
    cmd.sub("assign", usage=N_("/incident assign <id> @user"), help=N_("Give the incident to someone, or `me` (on call)."),
            aliases=("atribuir",))(assign)
    cmd.sub("status", usage=N_("/incident status <id> investigating|mitigated|resolved [note]"),
            help=N_("Move the incident along, with an optional note."))(status)
    cmd.sub("severity", usage=N_("/incident severity <id> SEV1..SEV4"),
            help=N_("Re-rate an incident; SEV1 and SEV2 get their own channel (on call)."),
            aliases=("sev", "severidade"))(severity)
    cmd.sub("note", usage=N_("/incident note <id> <text>"), help=N_("Add what you know to the timeline (anyone)."),
            aliases=("nota",))(note)
    cmd.sub("resolve", usage=N_("/incident resolve <id> [note]"), help=N_("The problem is gone (on call)."),
            aliases=("resolver",))(resolve)
    cmd.sub("close", usage=N_("/incident close <id> [summary]"),
            help=N_("Close a resolved incident with a summary; posts the post-incident summary (assignee or admin)."),
            aliases=("fechar", "encerrar"))(close)
    registry.action("incident_ack")(click_ack)
    registry.action("incident_take")(click_take)
    registry.action("incident_mitigated")(click_mitigated)
    registry.action("incident_resolved")(click_resolved)
