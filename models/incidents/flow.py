"""What people do to an incident: report, acknowledge, assign, change status, note, pin, resolve, close.

Who may do what: anyone reports and adds notes; on-call people and admins acknowledge, assign
and resolve; the assignee (whoever on call gave it to) may also change its status and resolve
it; the assignee or an admin closes (SEV1/SEV2 with a summary) and may add the summary later. Each change is one transaction: the row (locked), its timeline entry, its
audit record, the card rewritten in place and the messages it causes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from models.core.audit import record
from models.core.context import Ctx
from models.core.errors import N_, Conflict, PermissionDenied, ValidationError
from models.core.notify import notify
from models.core.outbox import OutboxMessage
from models.core.people import Person, PersonRole, Role
from models.core.text import slack_permalink
from models.incidents.sla import ack_deadline, schedule_update
from models.incidents.tables import (
    CHANNEL_SEVERITIES,
    DESCRIPTION_MAX,
    KIND_ARCHIVE,
    KIND_CHANNEL,
    KIND_INVITE,
    NOTE_MAX,
    SERVICE_MAX,
    SUMMARY_SEVERITIES,
    TITLE_MAX,
    Incident,
    Status,
    TimelineEntry,
    channel_name,
    clean,
    durations,
    entry_data,
    incident_data,
    next_number,
    parse_severity,
)

STATUS_WORDS = {
    "investigating": Status.acknowledged, "investigando": Status.acknowledged, "acknowledged": Status.acknowledged,
    "mitigated": Status.mitigated, "mitigado": Status.mitigated,
    "resolved": Status.resolved, "resolvido": Status.resolved,
}


# -- permissions ------------------------------------------------------------------------------

def is_responder(actor: Person | None) -> bool:
    """On call or an admin: may act on any incident."""
    return actor is not None and (actor.is_admin or actor.has_role(Role.oncall))



def _require_person(ctx: Ctx) -> None:
    if ctx.actor is None or not ctx.actor.active:
        raise PermissionDenied(N_("Only a known, active person can report or add to an incident."))


def _require_responder(ctx: Ctx, message: str) -> None:
    if not is_responder(ctx.actor):
        raise PermissionDenied(message)


def _owns(ctx: Ctx, inc: Incident) -> bool:
    """The assignee acts on their own incident even when not on call (they were given it to act)."""
    return ctx.actor is not None and inc.assignee_id == ctx.actor.id


def _require_not_closed(inc: Incident) -> None:
    if inc.is_closed:
        raise Conflict(N_("{ref} is closed; report a new incident if the problem is back."), ref=inc.ref)


# -- the shared tail of every change ----------------------------------------------------------

def add_entry(ctx: Ctx, inc: Incident, kind: str, *, text: str | None = None, detail: dict | None = None,
              message_ts: str | None = None, news: bool = True, to_channel: bool = True) -> TimelineEntry:
    """Write a timeline entry, rewrite the card, and tell the incident's channel.

    ``news`` marks something people did (it restarts the update interval); the bot's own
    escalations and reminders are not news.
    """
    entry = TimelineEntry(incident=inc, at=ctx.now, author=ctx.actor, kind=kind, text=text, detail=detail,
                          message_ts=message_ts)
    ctx.session.add(entry)
    inc.updated_at = ctx.now
    if news:
        schedule_update(ctx, inc)
    ctx.session.flush()
    refresh_card(ctx, inc)
    if to_channel and inc.channel_id:
        notify(ctx, "incidents/channel_event", {"incident": incident_data(inc), "entry": entry_data(entry)},
               channel=inc.channel_id)
    return entry


def refresh_card(ctx: Ctx, inc: Incident) -> OutboxMessage | None:
    """Rewrite the incident's card in the incidents channel with its current state."""
    if inc.card is None:
        return None
    return notify(ctx, "incidents/card", incident_data(inc), updates=inc.card)


def _snapshot(inc: Incident) -> dict[str, Any]:
    return {"status": inc.status, "assignee_id": inc.assignee_id, "severity": inc.severity}


# -- report -----------------------------------------------------------------------------------

def report(ctx: Ctx, *, title: str | None, severity: Any, service: str | None = None,
           description: str | None = None, source_link: str | None = None) -> Incident:
    """Open an incident: number it, post its card, and for SEV1/SEV2 open its channel."""
    _require_person(ctx)
    title = " ".join(clean(title).split())
    if not title:
        raise ValidationError(N_("Give the incident a short title, e.g. “Checkout is down”."), field="title")
    if len(title) > TITLE_MAX:
        raise ValidationError(N_("Keep the title under {max} characters; details go in the description."),
                              field="title", max=TITLE_MAX)
    sev = parse_severity(severity)
    service = " ".join(clean(service).split()) or None
    if service and len(service) > SERVICE_MAX:
        raise ValidationError(N_("The service name is too long (at most {max} characters)."), field="service",
                              max=SERVICE_MAX)
    description = clean(description).strip() or None
    source_link = slack_permalink(source_link)  # from the form's metadata: a Slack permalink or nothing
    if description and len(description) > DESCRIPTION_MAX:
        raise ValidationError(N_("The description is too long (at most {max} characters)."), field="description",
                              max=DESCRIPTION_MAX)
    inc = Incident(number=next_number(ctx.session), title=title, severity=sev, service=service,
                   description=description, source_link=source_link, status=Status.open.value,
                   reporter=ctx.actor, reported_at=ctx.now, updated_at=ctx.now,
                   ack_due_at=ack_deadline(ctx.config, sev, ctx.now))
    ctx.session.add(inc)
    ctx.session.flush()
    add_entry(ctx, inc, "reported", detail={"severity": sev}, news=False)  # before the card: nothing to rewrite yet
    inc.card = notify(ctx, "incidents/card", incident_data(inc), channel=ctx.config.incidents_channel)
    record(ctx, "incident.reported", inc, after={"ref": inc.ref, "severity": sev, "title": title, "service": service})
    if sev in CHANNEL_SEVERITIES:
        open_channel(ctx, inc)
    return inc


def open_channel(ctx: Ctx, inc: Incident) -> OutboxMessage:
    """Queue the creation of ``inc-0042-title``; the outbox does it after commit and retries it."""
    people = [inc.reporter, inc.assignee, *_oncall(ctx)]
    invite = sorted({p.slack_user_id for p in people if p is not None and p.slack_user_id})
    data = incident_data(inc)
    data.update(channel_base=channel_name(inc.number, inc.title), invite=invite)
    # ``channel`` is the wished-for name, for the console and the logs; Slack may hand out a suffixed one.
    return notify(ctx, "incidents/channel_intro", data, kind=KIND_CHANNEL, channel="#" + data["channel_base"],
                  dedup_key=f"incident:{inc.id}:channel")


def _oncall(ctx: Ctx) -> list[Person]:
    stmt = select(Person).join(PersonRole).where(PersonRole.role == Role.oncall.value, Person.active.is_(True))
    return list(ctx.session.scalars(stmt).unique())


# -- moving it along --------------------------------------------------------------------------

def acknowledge(ctx: Ctx, inc: Incident) -> Incident:
    """On call says "I'm on it": the acknowledge deadline is met and, if nobody owns it yet, they do."""
    _require_responder(ctx, N_("Only people on call (or an admin) can acknowledge an incident."))
    _require_not_closed(inc)
    if inc.status != Status.open.value:
        who = inc.assignee.name if inc.assignee else "—"
        raise Conflict(N_("{ref} was already acknowledged ({who} has it)."), ref=inc.ref, who=who)
    before = _snapshot(inc)
    _ack(ctx, inc)
    add_entry(ctx, inc, "acknowledged")
    record(ctx, "incident.acknowledged", inc, before=before, after=_snapshot(inc))
    return inc


def _ack(ctx: Ctx, inc: Incident, *, tell_reporter: bool = True) -> None:
    """Open -> acknowledged (nobody owning it: the actor does); the reporter hears someone is on it."""
    inc.status = Status.acknowledged.value
    inc.acknowledged_at = inc.acknowledged_at or ctx.now
    if inc.assignee is None:
        inc.assignee = ctx.actor
    if tell_reporter and inc.reporter is not None and inc.reporter_id != ctx.person.id:
        notify(ctx, "incidents/acknowledged_dm", {**incident_data(inc), "by": ctx.person.name}, person=inc.reporter,
               dedup_key=f"incident:{inc.id}:acknowledged")


def assign(ctx: Ctx, inc: Incident, person: Person) -> Incident:
    """Give the incident to ``person``; an open incident counts as acknowledged. Someone not on
    call may be given it: as its assignee they may then change its status, resolve and close it
    (what the replies and their DM say)."""
    _require_responder(ctx, N_("Only people on call (or an admin) can assign an incident."))
    _require_not_closed(inc)
    if not person.active:
        raise ValidationError(N_("{name} is no longer active; choose someone else."), name=person.name)
    if inc.assignee_id == person.id:
        raise Conflict(N_("{ref} is already assigned to {name}."), ref=inc.ref, name=person.name)
    before = _snapshot(inc)
    previous = inc.assignee
    inc.assignee = person
    if inc.status == Status.open.value:
        _ack(ctx, inc)
    add_entry(ctx, inc, "assigned", detail={"to": person.name, "from": previous.name if previous else None},
              to_channel=False)
    record(ctx, "incident.assigned", inc, before=before, after=_snapshot(inc))
    if person.id != ctx.person.id:
        notify(ctx, "incidents/assigned_dm", {**incident_data(inc), "by": ctx.person.name,
                                              "granted": not is_responder(person)}, person=person)
    if inc.channel_id:
        # Invite the new owner, then say so in the channel (a custom outbox kind, retried like any post).
        notify(ctx, "incidents/channel_assigned", {**incident_data(inc), "by": ctx.person.mention,
                                                   "invite": [person.slack_user_id] if person.slack_user_id else []},
               kind=KIND_INVITE, channel=inc.channel_id)
    return inc


def set_status(ctx: Ctx, inc: Incident, word: str, *, note: str | None = None) -> Incident:
    """``investigating``, ``mitigated`` or ``resolved`` (English or Portuguese)."""
    target = STATUS_WORDS.get((word or "").strip().lower())
    if target is None:
        raise ValidationError(N_("Say which status: investigating, mitigated or resolved."))
    if target is Status.resolved:
        return resolve(ctx, inc, note=note)
    if not (is_responder(ctx.actor) or _owns(ctx, inc)):
        raise PermissionDenied(N_("Only people on call, the assignee or an admin can change an incident's status."))
    _require_not_closed(inc)
    if inc.status == target.value:
        raise Conflict(N_("{ref} already has that status."), ref=inc.ref)
    before = _snapshot(inc)
    if target is Status.acknowledged:
        if inc.status == Status.open.value:
            _ack(ctx, inc)
        else:  # back to investigating: the fix did not hold
            inc.status = Status.acknowledged.value
            inc.resolved_at = None
    else:
        if inc.status == Status.resolved.value:
            raise Conflict(N_("{ref} is resolved; set it back to investigating first."), ref=inc.ref)
        if inc.status == Status.open.value:
            _ack(ctx, inc)
        inc.status = Status.mitigated.value
        inc.mitigated_at = inc.mitigated_at or ctx.now
    add_entry(ctx, inc, "status", text=_clean_note(note), detail={"status": inc.status})
    record(ctx, "incident.status", inc, before=before, after=_snapshot(inc))
    return inc


def set_severity(ctx: Ctx, inc: Incident, value: Any) -> Incident:
    """Re-rate the incident: new deadlines, and its own channel if it became SEV1/SEV2."""
    _require_responder(ctx, N_("Only people on call (or an admin) can change an incident's severity."))
    _require_not_closed(inc)
    sev = parse_severity(value)
    if sev == inc.severity:
        raise Conflict(N_("{ref} is already SEV{sev}."), ref=inc.ref, sev=sev)
    before = _snapshot(inc)
    old, inc.severity = inc.severity, sev
    if inc.status == Status.open.value:
        inc.ack_due_at = ack_deadline(ctx.config, sev, inc.reported_at)
    add_entry(ctx, inc, "severity", detail={"from": old, "to": sev})
    record(ctx, "incident.severity", inc, before=before, after=_snapshot(inc))
    if sev in CHANNEL_SEVERITIES and inc.channel_id is None:
        key = f"incident:{inc.id}:channel"
        if ctx.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedup_key == key)) is None:
            open_channel(ctx, inc)
    return inc


def resolve(ctx: Ctx, inc: Incident, *, note: str | None = None) -> Incident:
    """The problem is gone. The reporter hears about it; the assignee or an admin closes it later."""
    if not (is_responder(ctx.actor) or _owns(ctx, inc)):
        raise PermissionDenied(N_("Only people on call, the assignee or an admin can resolve an incident."))
    _require_not_closed(inc)
    if inc.status == Status.resolved.value:
        raise Conflict(N_("{ref} is already resolved; close it with `/incident close {ref} <summary>`."), ref=inc.ref)
    before = _snapshot(inc)
    if inc.status == Status.open.value:
        _ack(ctx, inc, tell_reporter=False)  # the reporter hears it is resolved, just below
    inc.status = Status.resolved.value
    inc.mitigated_at = inc.mitigated_at or ctx.now  # resolving mitigates too
    inc.resolved_at = ctx.now
    add_entry(ctx, inc, "resolved", text=_clean_note(note))
    record(ctx, "incident.resolved", inc, before=before, after=_snapshot(inc))
    if inc.reporter_id != ctx.person.id:
        notify(ctx, "incidents/resolved_dm", {**incident_data(inc), "by": ctx.person.name}, person=inc.reporter)
    return inc


def close(ctx: Ctx, inc: Incident, *, summary: str | None = None) -> Incident:
    """Close a resolved incident: post the post-incident summary and archive its channel."""
    if ctx.actor is None or not (ctx.actor.is_admin or inc.assignee_id == ctx.actor.id):
        who = inc.assignee.name if inc.assignee else "—"
        raise PermissionDenied(N_("Only the assignee ({who}) or an admin can close {ref}."), who=who, ref=inc.ref)
    _require_not_closed(inc)
    if inc.status != Status.resolved.value:
        raise ValidationError(N_("{ref} is not resolved yet; resolve it first with `/incident resolve {ref}`."),
                              ref=inc.ref)
    summary = _clean_note(summary)
    if summary is None and inc.severity in SUMMARY_SEVERITIES:
        raise ValidationError(N_("{ref} is SEV{sev}: close it with a summary of what happened and what will keep it "
                                 "from happening again: `/incident close {ref} <summary>`."), field="summary",
                              ref=inc.ref, sev=inc.severity)
    before = _snapshot(inc)
    inc.status = Status.closed.value
    inc.closed_at = ctx.now
    inc.summary = summary
    inc.update_due_at = None
    add_entry(ctx, inc, "closed", text=inc.summary, news=False, to_channel=False)
    record(ctx, "incident.closed", inc, before=before, after={**_snapshot(inc), "summary": inc.summary})
    post_summary(ctx, inc)
    return inc


def add_summary(ctx: Ctx, inc: Incident, text: str | None) -> Incident:
    """Write (or rewrite) the summary of a closed incident: the assignee or an admin; the
    post-incident summary is posted again under the card with it."""
    if ctx.actor is None or not (ctx.actor.is_admin or inc.assignee_id == ctx.actor.id):
        who = inc.assignee.name if inc.assignee else "—"
        raise PermissionDenied(N_("Only the assignee ({who}) or an admin can write the summary of {ref}."), who=who,
                               ref=inc.ref)
    if not inc.is_closed:
        raise ValidationError(N_("{ref} is not closed yet; its summary goes with `/incident close {ref} <summary>`."),
                              ref=inc.ref)
    summary = _clean_note(text)
    if summary is None:
        raise ValidationError(N_("Write the summary after the command: `/incident summary {ref} <what happened>`."),
                              field="summary", ref=inc.ref)
    before = inc.summary
    inc.summary = summary
    ctx.session.add(TimelineEntry(incident=inc, at=ctx.now, author=ctx.actor, kind="summary", text=summary))
    inc.updated_at = ctx.now
    ctx.session.flush()
    record(ctx, "incident.summary", inc, before={"summary": before}, after={"summary": summary})
    data = {**incident_data(inc, timeline=True), "durations": durations(inc)}
    notify(ctx, "incidents/postmortem", data, channel=ctx.config.incidents_channel, thread_of=inc.card)
    return inc


def post_summary(ctx: Ctx, inc: Incident) -> None:
    data = {**incident_data(inc, timeline=True), "durations": durations(inc)}
    notify(ctx, "incidents/postmortem", data, channel=ctx.config.incidents_channel, thread_of=inc.card)
    if inc.channel_id:
        posted = notify(ctx, "incidents/postmortem", data, channel=inc.channel_id)
        # thread_of makes the sender wait until the summary is out: archiving first would lose it.
        notify(ctx, "incidents/channel_archived", incident_data(inc), kind=KIND_ARCHIVE,
               channel=inc.channel_id, thread_of=posted)


# -- notes and pins ---------------------------------------------------------------------------

def _clean_note(text: str | None) -> str | None:
    text = clean(text).strip()
    if len(text) > NOTE_MAX:
        raise ValidationError(N_("That is too long for the timeline (at most {max} characters)."), max=NOTE_MAX)
    return text or None


def add_note(ctx: Ctx, inc: Incident, text: str) -> TimelineEntry:
    """Anyone can add what they know to the timeline."""
    _require_person(ctx)
    note = _clean_note(text)
    if not note:
        raise ValidationError(N_("Write the note after the command: `/incident note {ref} the database is back`."),
                              ref=inc.ref)
    _require_not_closed(inc)
    entry = add_entry(ctx, inc, "note", text=note)
    record(ctx, "incident.note", inc, after={"entry": entry.id})
    return entry


def pin_message(ctx: Ctx, inc: Incident, *, text: str, message_ts: str, permalink: str | None = None) -> TimelineEntry | None:
    """A :pushpin: on a message in the incident's channel copies it into the timeline (once)."""
    if inc.is_closed:
        return None
    seen = ctx.session.scalar(select(TimelineEntry.id).where(TimelineEntry.incident_id == inc.id,
                                                             TimelineEntry.message_ts == message_ts))
    if seen is not None:
        return None
    entry = add_entry(ctx, inc, "pinned", text=_clean_note(text[:NOTE_MAX]) or "…",
                      detail={"link": permalink} if permalink else None, message_ts=message_ts, to_channel=False)
    record(ctx, "incident.pinned", inc, after={"entry": entry.id, "message_ts": message_ts})
    notify(ctx, "incidents/pinned", incident_data(inc), channel=inc.channel_id, thread_ts=message_ts)
    return entry


def set_channel(ctx: Ctx, incident_id: int, channel_id: str, name: str) -> None:
    """Remember the channel the outbox created (so commands inside it can leave out the id)."""
    inc = ctx.session.get(Incident, incident_id)
    if inc is None or inc.channel_id == channel_id:
        return
    inc.channel_id, inc.channel_name = channel_id, name
    ctx.session.add(TimelineEntry(incident=inc, at=ctx.now, kind="channel", detail={"channel": channel_id}))
    record(ctx, "incident.channel", inc, after={"channel_id": channel_id, "name": name})
    refresh_card(ctx, inc)
