"""/incident: report, list, show, ack, assign, status, note, resolve, close, summary."""

from __future__ import annotations

from bot.declare import button, no_args, subcommand
from bot.paging import Page
from bot.replies import OpenModal, Reply
from bot.request import Request
from handlers.incidents.common import changed, take_incident
from handlers.incidents.forms import report_form
from models.core.errors import N_, ValidationError
from models.core.people import take_person
from models.incidents import flow
from models.incidents.tables import get_incident, incident_data, open_incidents, parse_ref


@no_args("incident", usage=N_("/incident"), help=N_("Report an incident: title, severity, service, description."))
@subcommand("incident", "report", usage=N_("/incident report [title]"), help=N_("The report form, with the title filled in."),
            aliases=("new", "novo", "reportar"))
def open_form(req: Request) -> OpenModal:
    """``/incident`` or ``/incident report [title]``: the report modal."""
    return report_form(title=req.text.strip() or None)


LIST_PAGE = 20


@subcommand("incident", "list", usage=N_("/incident list"), help=N_("Incidents not closed yet, most severe first."),
            aliases=("ls", "lista", "listar"))
@button("incident_list_page")
def list_open(req: Request) -> Reply:
    """``/incident list``: the open incidents, a page at a time (the Next button rewrites the message)."""
    everything = open_incidents(req.ctx.session)
    page = Page.of(len(everything), LIST_PAGE, "incident_list_page", req.value)
    return Reply("incidents/list", {"incidents": [incident_data(i) for i in page.items(everything)],
                                    "page": page.data()}, replace_original=req.value is not None)


@subcommand("incident", "show", usage=N_("/incident show <id>"), help=N_("An incident with its timeline."),
            aliases=("ver", "mostrar"))
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


@subcommand("incident", "ack", usage=N_("/incident ack <id>"), help=N_("Acknowledge: you are on it (on call)."),
            aliases=("acknowledge", "reconhecer"))
def ack(req: Request) -> Reply:
    inc, _ = take_incident(req, req.args)
    return changed("acknowledged", flow.acknowledge(req.ctx, inc))


@subcommand("incident", "assign", usage=N_("/incident assign <id> @user"),
            help=N_("Give the incident to someone, or `me` (on call)."), aliases=("atribuir",))
def assign(req: Request) -> Reply:
    inc, rest = take_incident(req, req.args)
    if not rest:
        raise ValidationError(N_("Say who: `/incident assign {ref} @name` (or `me`)."), ref=inc.ref)
    person = req.actor if rest[0].lower() in ("me", "eu", "mim") else take_person(req.ctx.session, rest)[0]
    done = flow.assign(req.ctx, inc, person)
    return changed("assigned", done, granted=not flow.is_responder(person))


@subcommand("incident", "status", usage=N_("/incident status <id> investigating|mitigated|resolved [note]"),
            help=N_("Move the incident along, with an optional note."))
def status(req: Request) -> Reply:
    inc, rest = take_incident(req, req.args)
    if not rest:
        raise ValidationError(N_("Say which status: `/incident status {ref} investigating|mitigated|resolved`."),
                              ref=inc.ref)
    flow.set_status(req.ctx, inc, rest[0], note=" ".join(rest[1:]))
    return changed("resolved" if inc.status == "resolved" else "status", inc)


@subcommand("incident", "severity", usage=N_("/incident severity <id> SEV1..SEV4"),
            help=N_("Re-rate an incident; SEV1 and SEV2 get their own channel (on call)."),
            aliases=("sev", "severidade"))
def severity(req: Request) -> Reply:
    inc, rest = take_incident(req, req.args)
    if not rest:
        raise ValidationError(N_("Say which severity: `/incident severity {ref} SEV1` (SEV1 to SEV4)."), ref=inc.ref)
    return changed("severity", flow.set_severity(req.ctx, inc, rest[0]))


@subcommand("incident", "note", usage=N_("/incident note <id> <text>"),
            help=N_("Add what you know to the timeline (anyone)."), aliases=("nota",))
def note(req: Request) -> Reply:
    inc, rest = take_incident(req, req.args, strict=True)
    # Keep the note's own spacing and line breaks: cut the id off the raw text, not the words.
    text = req.text.strip()
    if len(rest) < len(req.args):
        text = text[len(req.args[0]):].strip()
    flow.add_note(req.ctx, inc, text)
    return changed("note", inc)


@subcommand("incident", "resolve", usage=N_("/incident resolve <id> [note]"), help=N_("The problem is gone (on call)."),
            aliases=("resolver",))
def resolve(req: Request) -> Reply:
    inc, rest = take_incident(req, req.args)
    return changed("resolved", flow.resolve(req.ctx, inc, note=" ".join(rest)))


@subcommand("incident", "close", usage=N_("/incident close <id> [summary]"),
            help=N_("Close a resolved incident with a summary (required for SEV1 and SEV2); posts the "
                    "post-incident summary (assignee or admin)."),
            aliases=("fechar", "encerrar"))
def close(req: Request) -> Reply:
    inc, rest = take_incident(req, req.args)
    return changed("closed", flow.close(req.ctx, inc, summary=" ".join(rest)))


@subcommand("incident", "summary", usage=N_("/incident summary <id> <text>"),
            help=N_("Write or rewrite the summary of a closed incident; posted again under its card (assignee or admin)."),
            aliases=("resumo",))
def summary(req: Request) -> Reply:
    """``/incident summary <id> <text>``: the summary of a closed incident, written or rewritten."""
    inc, rest = take_incident(req, req.args)
    return changed("summary", flow.add_summary(req.ctx, inc, " ".join(rest)))
