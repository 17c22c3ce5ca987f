"""/backoffice privacy: LGPD data-subject requests (export, erase) and the retention job."""

from __future__ import annotations

import json
from typing import Any

from bot.declare import form, job, subcommand
from bot.metadata import metadata
from bot.registry import JobSummary
from bot.replies import Attachment, CloseModal, OpenModal, Reply
from bot.request import Request
from models.core.errors import N_, NotFound, ValidationError
from models.core.people import Person, get_person
from models.core.privacy_flow import apply_retention, check_erasable, erase_person, export_person, plain_export

# Section names of the platform's own parts; each desk's come with its PrivacyPart labels.
SECTIONS = {
    "profile": N_("Profile and roles"),
    "audit": N_("Audit records naming you"),
    "notifications": N_("Messages the bot sent you"),
}
USAGE = N_("Say what and whom: `/backoffice privacy export @ana` (or just `export` for yourself) or "
           "`/backoffice privacy erase @ana` (admins).")


def _labels(req: Request) -> dict[str, str]:
    labels = dict(SECTIONS)
    for part in req.runtime.registry.privacy_parts:
        labels.update(part.labels)
    return labels


def _count(value: Any) -> int:
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict):
        return 1
    return 0 if value is None else 1


@subcommand("backoffice", "privacy", usage=N_("/backoffice privacy export|erase <person>"),
            help=N_("LGPD requests: everything the bot holds about a person, as a file (yours, or anyone's for "
                    "admins); or erase a person (admins)."), aliases=("privacidade", "lgpd"))
def privacy_cmd(req: Request) -> Reply | OpenModal:
    """``/backoffice privacy export [person]`` or ``/backoffice privacy erase <person>``."""
    what, _, who = req.text.strip().partition(" ")
    what, who = what.lower(), who.strip()
    if what in ("export", "exportar"):
        return export_cmd(req, get_person(req.ctx.session, who) if who else req.actor)
    if what in ("erase", "apagar", "anonymize", "anonimizar") and who:
        return erase_form(req, get_person(req.ctx.session, who))
    raise ValidationError(USAGE)


def export_cmd(req: Request, person: Person) -> Reply:
    """Everything about ``person`` as one JSON file in the asker's DM, with a readable summary."""
    data = export_person(req.ctx, person, req.runtime.registry.privacy_parts)
    labels = _labels(req)
    summary = [{"section": name, "label": req.t(labels.get(name, name)), "count": _count(value)}
               for name, value in data["sections"].items()]
    data["summary"] = [f"{s['label']}: {s['count']}" for s in summary]
    body = json.dumps(plain_export(data), ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")
    stem = req.t(N_("personal-data"))
    filename = f"{stem}-{person.id}-{req.ctx.now:%Y%m%d}.json"
    return Reply("admin/privacy_export", {"name": person.name, "own": person.id == req.actor.id,
                                          "summary": summary, "filename": filename},
                 files=[Attachment(filename, body, title=req.t(N_("Personal data of {name}"), name=person.name))])


def erase_form(req: Request, person: Person) -> OpenModal:
    """The confirmation: what will happen, before anything does."""
    check_erasable(req.ctx, person)
    return OpenModal("admin/privacy_erase_modal", {"name": person.name,
                                                   "metadata": metadata(person=person.id)})


@form("privacy_erase")
def erase_submit(req: Request) -> CloseModal:
    person_id = req.metadata.get("person")
    person = req.ctx.session.get(Person, person_id) if isinstance(person_id, int) else None
    if person is None:
        raise NotFound(N_("I don't know that person any more; nothing was erased."))
    done = erase_person(req.ctx, person, req.runtime.registry.privacy_parts)
    req.runtime.forget_person(person.id)
    return CloseModal(then=Reply("admin/privacy_erased", {"pseudonym": done["pseudonym"],
                                                          "changed": sum(done["changed"].values())}))


@job("privacy.retention", every_minutes=60 * 24,
     help=N_("Remove sick-leave notes past PRIVACY_HEALTH_RETENTION_DAYS and summarise old audit records."))
def retention_job(runtime: Any, now: Any) -> JobSummary:
    """Remove expired health details and fold old audit records into monthly counts."""
    s = runtime.settings
    with runtime.unit_of_work(source="scheduler", now=now) as ctx:
        done = apply_retention(ctx, runtime.registry.privacy_parts, health_days=s.privacy_health_retention_days,
                               audit_days=s.privacy_audit_horizon_days)
    removed = sum(v for k, v in done.items() if k not in ("copies", "audit_summarised"))
    return JobSummary(N_("Health details removed: {removed} (copies in queued messages: {copies}); "
                         "audit records summarised: {summarised}."),
                      {"removed": removed, "copies": done.get("copies", 0), "summarised": done.get("audit_summarised", 0)})
