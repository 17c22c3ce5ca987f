"""Importing people (CSV/XLSX): all or nothing, with row-numbered reasons."""

from __future__ import annotations

import functools
from collections.abc import Callable

import pandas as pd
from sqlalchemy import select

from models.core import places
from models.core.audit import record
from models.core.context import Ctx
from models.core.errors import N_, ValidationError
from models.core.imports import ImportRefused, ImportSummary, RowError
from models.core.people import EMAIL_RE, SLACK_ID_RE, Person, Role

REQUIRED = ["email", "name"]
OPTIONAL = ["slack_user_id", "manager_email", "team", "country", "subdivision", "timezone", "locale", "roles"]


def _refusal(row: int, column: str, check: Callable[[str], str], value: str) -> list[RowError]:
    """No error if ``check`` accepts ``value``; else the check's reason, on this row and column."""
    try:
        check(value)
    except ValidationError as err:
        return [RowError(row, column, err.message, err.params)]
    return []


def validate(ctx: Ctx, df: pd.DataFrame) -> list[RowError]:
    """Every reason to refuse the file, by row; an empty list means it can be imported."""
    errors: list[RowError] = []
    existing = {p.email: p for p in ctx.session.scalars(select(Person)) if p.email}
    emails_in_file: dict[str, int] = {}
    ids_in_file: dict[str, int] = {}
    for rec in df.to_dict("records"):
        row = int(rec["_row"])
        email = rec["email"].lower()
        if not EMAIL_RE.match(email):
            errors.append(RowError(row, "email", N_("“{value}” is not an e-mail address."), {"value": rec["email"]}))
        elif email in emails_in_file:
            errors.append(RowError(row, "email", N_("{value} appears twice (also on row {other})."),
                                   {"value": email, "other": emails_in_file[email]}))
        else:
            emails_in_file[email] = row
        if not rec["name"]:
            errors.append(RowError(row, "name", N_("The name is empty.")))
        sid = rec.get("slack_user_id", "")
        if sid:
            if not SLACK_ID_RE.match(sid):
                errors.append(RowError(row, "slack_user_id", N_("“{value}” is not a Slack user id (like U012ABCDEF)."),
                                       {"value": sid}))
            elif sid in ids_in_file:
                errors.append(RowError(row, "slack_user_id", N_("{value} appears twice (also on row {other})."),
                                       {"value": sid, "other": ids_in_file[sid]}))
            else:
                ids_in_file[sid] = row
        for column, check in (("timezone", places.check_timezone), ("locale", places.check_locale)):
            if rec.get(column, ""):
                errors.extend(_refusal(row, column, check, rec[column]))
        for role in filter(None, (r.strip().lower() for r in rec.get("roles", "").replace(",", ";").split(";"))):
            if role not in Role._value2member_map_:
                errors.append(RowError(row, "roles", N_("Unknown role “{value}”. Roles are: {roles}."),
                                       {"value": role, "roles": ", ".join(r.value for r in Role)}))
        country = rec.get("country", "") or ctx.config.country_default
        bad_country = _refusal(row, "country", places.check_country, country)
        errors.extend(bad_country)
        if rec.get("subdivision", "") and not bad_country:
            errors.extend(_refusal(row, "subdivision", functools.partial(places.check_subdivision, country),
                                   rec["subdivision"]))
    # Managers: known in the file or already in the database, and no cycles.
    manager_of: dict[str, str] = {}
    for rec in df.to_dict("records"):
        boss = rec.get("manager_email", "").lower()
        if not boss:
            continue
        email = rec["email"].lower()
        if boss == email:
            errors.append(RowError(int(rec["_row"]), "manager_email", N_("A person cannot be their own manager.")))
        elif boss not in emails_in_file and boss not in existing:
            errors.append(RowError(int(rec["_row"]), "manager_email",
                                   N_("Unknown manager {value}: not in this file nor among the people already known."),
                                   {"value": boss}))
        else:
            manager_of[email] = boss
    for email, existing_person in existing.items():
        if email not in manager_of and email not in emails_in_file and existing_person.manager is not None:
            if existing_person.manager.email:
                manager_of[email] = existing_person.manager.email
    reported: set[str] = set()
    for start in list(manager_of):
        seen = [start]
        cur = manager_of.get(start)
        while cur is not None and cur not in seen:
            seen.append(cur)
            cur = manager_of.get(cur)
        if cur is not None and cur == start and start in emails_in_file and not reported & set(seen):
            reported.update(seen)
            errors.append(RowError(emails_in_file[start], "manager_email",
                                   N_("Managers go round in a circle: {cycle}."),
                                   {"cycle": " → ".join(seen + [start])}))
    return errors


def import_people(ctx: Ctx, df: pd.DataFrame) -> ImportSummary:
    """Create or update everyone in ``df`` (matched by e-mail, else Slack id); refuse the whole file on any error."""
    if ctx.actor is not None:
        ctx.actor.require(Role.admin)
    errors = validate(ctx, df)
    if errors:
        raise ImportRefused(errors)
    summary = ImportSummary()
    by_email = {p.email: p for p in ctx.session.scalars(select(Person)) if p.email}
    by_slack = {p.slack_user_id: p for p in by_email.values() if p.slack_user_id}
    records = df.to_dict("records")
    touched: dict[str, Person] = {}
    for rec in records:
        email = rec["email"].lower()
        person = by_email.get(email) or by_slack.get(rec.get("slack_user_id") or "")
        roles = {r.strip().lower() for r in rec.get("roles", "").replace(",", ";").split(";") if r.strip()}
        values = {
            "email": email,
            "name": rec["name"],
            "slack_user_id": rec.get("slack_user_id") or (person.slack_user_id if person else None),
            "team": rec.get("team") or None,
            "country": (rec.get("country") or ctx.config.country_default).upper(),
            "subdivision": (rec.get("subdivision") or "").upper() or None,
            "timezone": rec.get("timezone") or ctx.config.tz_default,
            "locale": places.check_locale(rec["locale"]) if rec.get("locale") else None,
        }
        if person is None:
            person = Person(created_at=ctx.now, **values)
            person.set_roles(roles)
            ctx.session.add(person)
            ctx.session.flush()
            record(ctx, "person.imported", person, after={**values, "roles": sorted(person.roles)})
            summary.created += 1
        else:
            before = {k: getattr(person, k) for k in values} | {"roles": sorted(person.roles)}
            for k, v in values.items():
                setattr(person, k, v)
            person.set_roles(roles)
            after = {k: getattr(person, k) for k in values} | {"roles": sorted(person.roles)}
            if before != after:
                record(ctx, "person.updated", person, before=before, after=after)
                summary.updated += 1
            else:
                summary.unchanged += 1
        touched[email] = person
    everyone = {**by_email, **touched}
    for rec in records:
        person = touched[rec["email"].lower()]
        boss = rec.get("manager_email", "").lower()
        new_manager = everyone[boss] if boss else None
        if person.manager_id != (new_manager.id if new_manager else None):
            record(ctx, "person.manager", person, before={"manager": person.manager.email if person.manager else None},
                   after={"manager": boss or None})
            person.manager = new_manager
            person.manager_id = new_manager.id if new_manager else None
    ctx.session.flush()
    return summary
