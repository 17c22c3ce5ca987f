"""Export, erase and retention across every desk (LGPD art. 18 and art. 16).

The platform's tables (people, roles, audit trail, outbox, job runs) are handled here; each
desk's tables by its :class:`~models.core.privacy.PrivacyPart`. Each operation is one unit of
work with its audit record: an erasure is all or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, cast, delete, or_, select

from models.core.audit import AuditRecord, record
from models.core.chunks import in_chunks
from models.core.errors import N_, Conflict, PermissionDenied, ValidationError
from models.core.outbox import OutboxMessage
from models.core.people import Person, Role, admins
from models.core.privacy import (
    AuditSummary,
    PrivacyErasure,
    PrivacyPart,
    Retention,
    Scrubber,
    iso,
    new_pseudonym,
    plain,
)
from models.core.scheduling import JobRun

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from models.core.context import Ctx

EXPORT_FORMAT = "backoffice-bot personal data export"


# -- export ------------------------------------------------------------------------------------

def _actor(ctx: Ctx) -> Person:
    """Who asks: every data-subject request has someone behind it."""
    if ctx.actor is None:
        raise PermissionDenied(N_("This needs the {roles} role; ask an admin if you should have it."), roles="admin")
    return ctx.actor


def may_export(actor: Person, person: Person) -> bool:
    """Anyone for themselves; admins for anybody."""
    return actor.id == person.id or actor.is_admin


def export_person(ctx: Ctx, person: Person, parts: Sequence[PrivacyPart]) -> dict[str, Any]:
    """Everything the bot holds about ``person``: profile, roles, each desk's rows, the audit
    records and notifications that name them. Other people appear only by their number."""
    actor = _actor(ctx)
    if not may_export(actor, person):
        raise PermissionDenied(N_("Only admins can export someone else's data; you can export your own."))
    session = ctx.session
    sections: dict[str, Any] = {"profile": _profile(session, person)}
    for part in parts:
        for name, data in part.export(session, person).items():
            sections[name] = data
    sections["audit"] = _audit_of(session, person, parts)
    sections["notifications"] = [
        {"at": iso(m.created_at), "template": m.template, "status": m.status, "sent_at": iso(m.sent_at)}
        for m in session.scalars(select(OutboxMessage).where(OutboxMessage.person_id == person.id)
                                 .order_by(OutboxMessage.id))]
    record(ctx, "privacy.exported", person, after={"by": actor.id, "sections": sorted(sections)})
    return {"format": EXPORT_FORMAT, "version": 1, "generated_at": iso(ctx.now), "person_id": person.id,
            "sections": sections}


def _profile(session: Session, person: Person) -> dict[str, Any]:
    erasure = session.get(PrivacyErasure, person.id)
    return {
        "id": person.id, "name": person.name, "email": person.email, "slack_user_id": person.slack_user_id,
        "team": person.team, "country": person.country, "subdivision": person.subdivision,
        "timezone": person.timezone, "locale": person.locale, "active": person.active,
        "created_at": iso(person.created_at), "manager_id": person.manager_id, "roles": sorted(person.roles),
        "erased_at": iso(erasure.at) if erasure else None,
    }


def _audit_of(session: Session, person: Person, parts: Sequence[PrivacyPart] = ()) -> list[dict[str, Any]]:
    """Records of what they did, of what was done to their profile (only those carry values), and
    of what others did to the desks' rows about them (the fact only: who and what else stays out)."""
    own = (AuditRecord.entity == "people") & (AuditRecord.entity_id == str(person.id))
    about = [own]
    for part in parts:
        for table, ids in (part.subjects(session, person) if part.subjects else {}).items():
            for chunk in in_chunks(sorted({str(i) for i in ids})):
                about.append((AuditRecord.entity == table) & AuditRecord.entity_id.in_(chunk))
    found = session.scalars(select(AuditRecord).where(or_(AuditRecord.actor_id == person.id, *about))
                            .order_by(AuditRecord.id))
    out = []
    others: dict[str, str] | None = None
    for r in found:
        item = {"at": iso(r.at), "action": r.action, "entity": r.entity, "entity_id": r.entity_id,
                "source": r.source, "by_them": r.actor_id == person.id}
        if r.entity == "people" and r.entity_id == str(person.id):
            if others is None:  # a manager named in their profile's history is shown by number
                others = _others_by_key(session, person)
            item.update(before=_by_number(r.before, others), after=_by_number(r.after, others))
        out.append(item)
    return out


def _others_by_key(session: Session, person: Person) -> dict[str, str]:
    found = session.execute(select(Person.id, Person.name, Person.email, Person.slack_user_id)
                            .where(Person.id != person.id)).all()
    return {key: f"#{pid}" for pid, *keys in found for key in keys if key}


def _by_number(value: Any, others: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _by_number(v, others) for k, v in value.items()}
    if isinstance(value, list):
        return [_by_number(v, others) for v in value]
    return others.get(value, value) if isinstance(value, str) else value


# -- erase -------------------------------------------------------------------------------------

def erasure_of(session: Session, person: Person) -> PrivacyErasure | None:
    return session.get(PrivacyErasure, person.id)


def check_erasable(ctx: Ctx, person: Person) -> None:
    """Admins erase; not themselves, not someone already erased, not the last admin."""
    actor = _actor(ctx)
    actor.require(Role.admin)
    if person.id == actor.id:
        raise ValidationError(N_("You cannot erase yourself; ask another admin."))
    if erasure_of(ctx.session, person) is not None:
        raise Conflict(N_("This person was already erased."))
    if person.is_admin and len([a for a in admins(ctx.session) if a.id != person.id]) < 1:
        raise ValidationError(N_("{name} is the last admin; make someone else admin first."), name=person.name)


def erase_person(ctx: Ctx, person: Person, parts: Sequence[PrivacyPart]) -> dict[str, Any]:
    """Replace ``person``'s identity with a pseudonym everywhere and remove what they wrote.

    Their rows stay (counts, others' balances, trades and incidents keep adding up), under the
    pseudonym; their Slack id is freed, so the same Slack user seen again is a new person.
    Returns the pseudonym and what each desk changed.
    """
    check_erasable(ctx, person)
    session = ctx.session
    session.scalars(select(Person.id).where(Person.id == person.id).with_for_update()).first()
    pseudonym = new_pseudonym()
    while session.scalar(select(PrivacyErasure.person_id).where(PrivacyErasure.pseudonym == pseudonym)):
        pseudonym = new_pseudonym()
    scrub = Scrubber.of(person, pseudonym)
    changed: dict[str, int] = {}
    for part in parts:
        for what, count in part.erase(ctx, person, scrub).items():
            changed[f"{part.desk}.{what}"] = count
    session.flush()
    changed.update(_scrub_platform(session, scrub))
    person.name, person.email, person.slack_user_id = pseudonym, None, None
    person.active = False
    person.set_roles(set())
    session.add(PrivacyErasure(person_id=person.id, pseudonym=pseudonym, at=ctx.now))
    session.flush()
    record(ctx, "privacy.erased", person, after={"pseudonym": pseudonym, "changed": changed})
    return {"pseudonym": pseudonym, "changed": changed}


def _suspects(session: Session, model: Any, columns: Sequence[Any], needles: list[str]) -> list[Any]:
    """Rows where any of ``columns`` (as text) contains any needle: the only ones worth rewriting."""
    if not needles:
        return []
    cond = or_(*(cast(c, String).contains(n, autoescape=True) for c in columns for n in needles))
    return list(session.scalars(select(model).where(cond)).unique())


def _scrub_platform(session: Session, scrub: Scrubber) -> dict[str, int]:
    """The audit trail, the outbox and the job runs: copies of names, ids and texts, rewritten."""
    needles = scrub.needles
    counts = {"audit_records": 0, "outbox": 0, "job_runs": 0}
    for rec in _suspects(session, AuditRecord, [AuditRecord.before, AuditRecord.after, AuditRecord.entity_id],
                         needles):
        rec.before, rec.after = scrub.value(rec.before), scrub.value(rec.after)
        counts["audit_records"] += 1
    text_cols = ("channel", "dedup_key", "slack_channel", "last_error")
    for msg in _suspects(session, OutboxMessage, [OutboxMessage.data, *(getattr(OutboxMessage, c) for c in text_cols)],
                         needles):
        msg.data = scrub.value(msg.data)
        for c in text_cols:
            setattr(msg, c, scrub.text(getattr(msg, c)))
        counts["outbox"] += 1
    for run in _suspects(session, JobRun, [JobRun.key, JobRun.subject, JobRun.detail, JobRun.result], needles):
        run.key, run.subject, run.detail = scrub.text(run.key), scrub.text(run.subject), scrub.text(run.detail)
        run.result = scrub.value(run.result)
        counts["job_runs"] += 1
    return counts


# -- retention ---------------------------------------------------------------------------------

def apply_retention(ctx: Ctx, parts: Sequence[PrivacyPart], *, health_days: int,
                    audit_days: int) -> dict[str, int]:
    """Remove health details of leave ended more than ``health_days`` ago (and their copies in
    the outbox), and fold audit records older than ``audit_days`` into monthly counts.
    Repeating it removes nothing more: what went is gone."""
    today = ctx.now.date()
    policy = Retention(now=ctx.now, health_before=today - dt.timedelta(days=health_days))
    done: dict[str, int] = {}
    for part in parts:
        if part.expire is not None:
            done[part.desk] = part.expire(ctx, policy)
    ctx.session.flush()
    if policy.removed:
        done["copies"] = _scrub_texts(ctx.session, policy.removed)
    done["audit_summarised"] = summarise_audit(ctx.session, ctx.now - dt.timedelta(days=audit_days))
    if any(done.values()):
        record(ctx, "privacy.retention", ("audit_records", None),
               after={**done, "health_before": policy.health_before.isoformat()})
    return done


def _scrub_texts(session: Session, texts: set[str]) -> int:
    scrub = Scrubber((), "", removed=texts)  # no identity: removed texts only
    count = 0
    for msg in _suspects(session, OutboxMessage, [OutboxMessage.data], scrub.needles):
        msg.data = scrub.value(msg.data)
        count += 1
    for rec in _suspects(session, AuditRecord, [AuditRecord.before, AuditRecord.after], scrub.needles):
        rec.before, rec.after = scrub.value(rec.before), scrub.value(rec.after)
        count += 1
    return count


def summarise_audit(session: Session, before: dt.datetime) -> int:
    """Replace audit records older than ``before`` with counts per month, action and entity.
    Erasure records stay: they are the proof that a request was honoured."""
    old = list(session.execute(select(AuditRecord.id, AuditRecord.at, AuditRecord.action, AuditRecord.entity)
                               .where(AuditRecord.at < before, ~AuditRecord.action.like("privacy.%"))
                               .order_by(AuditRecord.id)))
    if not old:
        return 0
    groups: dict[tuple[str, str, str], list[dt.datetime]] = {}
    for _id, at, action, entity in old:
        groups.setdefault((f"{at:%Y-%m}", action, entity), []).append(at)
    for (month, action, entity), times in sorted(groups.items()):
        found = session.scalar(select(AuditSummary).where(
            AuditSummary.month == month, AuditSummary.action == action, AuditSummary.entity == entity))
        if found is None:
            session.add(AuditSummary(month=month, action=action, entity=entity, count=len(times),
                                     first_at=min(times), last_at=max(times)))
        else:
            found.count += len(times)
            found.first_at, found.last_at = min(found.first_at, *times), max(found.last_at, *times)
    ids = [r[0] for r in old]
    for chunk in in_chunks(ids):
        session.execute(delete(AuditRecord).where(AuditRecord.id.in_(chunk)))
    return len(ids)


def plain_export(data: Any) -> Any:
    """``data`` with every value JSON-able (for ``json.dumps``)."""
    if isinstance(data, dict):
        return {str(k): plain_export(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [plain_export(v) for v in data]
    return plain(data)
