"""Importing people (CSV/XLSX): all or nothing, with row-numbered reasons.

Files run to 100k people: everything is read once in bulk (no query per row), checks that need a
library (time zones, languages, holiday calendars) run once per distinct value, and the changes
are written as whole tables (``models.core.bulk``) with their audit records.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select, text

from models.core import places
from models.core.audit import record_many
from models.core.bulk import insert_frame, next_ids, plain_frame, read_frame, timestamps, update_frame
from models.core.context import Ctx
from models.core.errors import N_, ValidationError
from models.core.imports import ImportRefused, ImportSummary, RowError
from models.core.people import EMAIL_RE, SLACK_ID_RE, Person, PersonRole, Role
from models.core.people_columns import OPTIONAL, REQUIRED

FIELDS = ["email", "name", "slack_user_id", "team", "country", "subdivision", "timezone", "locale"]
Change = tuple[str, Any, dict | None, dict | None]  # an audit record: action, person id, before, after


def _refusal(row: int, column: str, check: Callable[[str], str], value: str) -> list[RowError]:
    """No error if ``check`` accepts ``value``; else the check's reason, on this row and column."""
    try:
        check(value)
    except ValidationError as err:
        return [RowError(row, column, err.message, err.params)]
    return []


def _roles(text: str) -> list[str]:
    return [r for r in (part.strip().lower() for part in text.replace(",", ";").split(";")) if r]


class _Known:
    """Who is already known: one read of the people table (id, e-mail, Slack id, manager)."""

    def __init__(self, ctx: Ctx) -> None:
        rows = ctx.session.execute(select(Person.id, Person.email, Person.slack_user_id, Person.manager_id)).all()
        self.id_of_email = {email: pid for pid, email, _sid, _boss in rows if email}
        self.id_of_slack = {sid: pid for pid, _email, sid, _boss in rows if sid}
        self.email_of_id = {pid: email for pid, email, _sid, _boss in rows}
        self.manager_of = {email: self.email_of_id.get(boss) for _pid, email, _sid, boss in rows if email and boss}


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The file's rows as dicts of text, every optional column present."""
    columns = {c: df[c].to_numpy(dtype=object) if c in df.columns else np.full(len(df), "", dtype=object)
               for c in ["_row", *REQUIRED, *OPTIONAL]}
    return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def validate(ctx: Ctx, df: pd.DataFrame, known: _Known | None = None) -> list[RowError]:
    """Every reason to refuse the file, by row; an empty list means it can be imported."""
    known = known or _Known(ctx)
    errors: list[RowError] = []
    emails_in_file: dict[str, int] = {}
    ids_in_file: dict[str, int] = {}
    # A check that calls a library runs once per distinct value, whatever the size of the file.
    timezone_ok = functools.lru_cache(maxsize=None)(lambda v: _refusal(0, "timezone", places.check_timezone, v))
    locale_ok = functools.lru_cache(maxsize=None)(lambda v: _refusal(0, "locale", places.check_locale, v))
    country_ok = functools.lru_cache(maxsize=None)(lambda v: _refusal(0, "country", places.check_country, v))
    state_ok = functools.lru_cache(maxsize=None)(
        lambda c, v: _refusal(0, "subdivision", functools.partial(places.check_subdivision, c), v))

    def at(row: int, found: list[RowError]) -> list[RowError]:
        return [RowError(row, e.column, e.message, e.params) for e in found]

    records = _records(df)
    for rec in records:
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
        sid = rec["slack_user_id"]
        if sid:
            if not SLACK_ID_RE.match(sid):
                errors.append(RowError(row, "slack_user_id", N_("“{value}” is not a Slack user id (like U012ABCDEF)."),
                                       {"value": sid}))
            elif sid in ids_in_file:
                errors.append(RowError(row, "slack_user_id", N_("{value} appears twice (also on row {other})."),
                                       {"value": sid, "other": ids_in_file[sid]}))
            else:
                ids_in_file[sid] = row
        if rec["timezone"]:
            errors.extend(at(row, timezone_ok(rec["timezone"])))
        if rec["locale"]:
            errors.extend(at(row, locale_ok(rec["locale"])))
        for role in _roles(rec["roles"]):
            if role not in Role._value2member_map_:
                errors.append(RowError(row, "roles", N_("Unknown role “{value}”. Roles are: {roles}."),
                                       {"value": role, "roles": ", ".join(r.value for r in Role)}))
        country = rec["country"] or ctx.config.country_default
        bad_country = at(row, country_ok(country))
        errors.extend(bad_country)
        if rec["subdivision"] and not bad_country:
            errors.extend(at(row, state_ok(country, rec["subdivision"])))
    errors.extend(_manager_problems(records, emails_in_file, known))
    return errors


def _manager_problems(records: list[dict[str, Any]], emails_in_file: dict[str, int], known: _Known) -> list[RowError]:
    """Managers: known in the file or already in the database, and no cycles."""
    errors: list[RowError] = []
    manager_of: dict[str, str] = {}
    for rec in records:
        boss = rec["manager_email"].lower()
        if not boss:
            continue
        email = rec["email"].lower()
        if boss == email:
            errors.append(RowError(int(rec["_row"]), "manager_email", N_("A person cannot be their own manager.")))
        elif boss not in emails_in_file and boss not in known.id_of_email:
            errors.append(RowError(int(rec["_row"]), "manager_email",
                                   N_("Unknown manager {value}: not in this file nor among the people already known."),
                                   {"value": boss}))
        else:
            manager_of[email] = boss
    for email, boss in known.manager_of.items():
        if email not in manager_of and email not in emails_in_file and boss:
            manager_of[email] = boss
    reported: set[str] = set()
    checked: set[str] = set()  # people whose chain is known to end: walked once, whatever the file size
    for start in list(manager_of):
        seen = [start]
        cur = manager_of.get(start)
        while cur is not None and cur not in seen and cur not in checked:
            seen.append(cur)
            cur = manager_of.get(cur)
        if cur is not None and cur == start and start in emails_in_file and not reported & set(seen):
            reported.update(seen)
            errors.append(RowError(emails_in_file[start], "manager_email",
                                   N_("Managers go round in a circle: {cycle}."),
                                   {"cycle": " → ".join(seen + [start])}))
        if cur is None or cur in checked:
            checked.update(seen)
    return errors


def import_people(ctx: Ctx, df: pd.DataFrame) -> ImportSummary:
    """Create or update everyone in ``df`` (matched by e-mail, else Slack id); refuse the whole file on any error."""
    if ctx.actor is not None:
        ctx.actor.require(Role.admin)
    known = _Known(ctx)
    errors = validate(ctx, df, known)
    if errors:
        raise ImportRefused(errors)
    session = ctx.session
    session.flush()  # the bulk writes below go around the ORM: nothing of it may be pending
    records = _records(df)
    wanted = [_values(ctx, rec) for rec in records]
    matched = [known.id_of_email.get(v["email"]) or known.id_of_slack.get(rec["slack_user_id"] or "")
               for v, rec in zip(wanted, records, strict=True)]
    stored = _stored(ctx, [i for i in matched if i is not None])
    for v, pid in zip(wanted, matched, strict=True):
        if pid is not None and not v["slack_user_id"]:
            v["slack_user_id"] = stored[pid]["slack_user_id"]  # a file without Slack ids keeps the known ones
    fresh = [i for i, pid in enumerate(matched) if pid is None]
    new_ids = iter(next_ids(session, "people", len(fresh)).tolist())
    ids: list[int] = [next(new_ids) if pid is None else pid for pid in matched]
    now = timestamps(pd.Series([ctx.now]), session).iloc[0]
    summary = ImportSummary(created=len(fresh))
    is_fresh = set(fresh)
    audit: list[Change] = []
    changed: list[int] = []
    for i, (v, pid) in enumerate(zip(wanted, ids, strict=True)):
        roles = sorted(set(v["roles"]) | {Role.employee.value})
        after = {k: v[k] for k in FIELDS} | {"roles": roles}
        if i in is_fresh:
            audit.append(("person.imported", pid, None, after))
            continue
        was = stored[pid]
        before = {k: was[k] for k in FIELDS} | {"roles": was["roles"]}
        if before != after:
            audit.append(("person.updated", pid, before, after))
            changed.append(i)
            summary.updated += 1
        else:
            summary.unchanged += 1
    if fresh:
        insert_frame(session, "people", plain_frame({
            "id": np.asarray([ids[i] for i in fresh], dtype=np.int64),
            **{k: np.asarray([wanted[i][k] for i in fresh], dtype=object) for k in FIELDS},
            "active": np.ones(len(fresh), dtype=bool), "created_at": np.full(len(fresh), now, dtype=object)}))
    if changed:
        update_frame(session, "people", plain_frame({
            "id": np.asarray([ids[i] for i in changed], dtype=np.int64),
            **{k: np.asarray([wanted[i][k] for i in changed], dtype=object) for k in FIELDS}}), ["id"])
    _write_roles(ctx, ids, wanted, stored)
    audit.extend(_write_managers(ctx, records, ids, known, stored))
    record_many(ctx, "people", audit)
    session.expire_all()  # people loaded before (the actor too) are read again as the import left them
    return summary


_locale = functools.lru_cache(maxsize=64)(places.check_locale)


def _values(ctx: Ctx, rec: dict[str, Any]) -> dict[str, Any]:
    """A row as the person's stored values (and roles)."""
    return {
        "email": rec["email"].lower(),
        "name": rec["name"],
        "slack_user_id": rec["slack_user_id"] or None,
        "team": rec["team"] or None,
        "country": (rec["country"] or ctx.config.country_default).upper(),
        "subdivision": rec["subdivision"].upper() or None,
        "timezone": rec["timezone"] or ctx.config.tz_default,
        "locale": _locale(rec["locale"]) if rec["locale"] else None,
        "roles": _roles(rec["roles"]),
    }


def _stored(ctx: Ctx, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The stored values, roles and manager of the people ``ids`` (one read of each table)."""
    if not ids:
        return {}
    people = read_frame(ctx.session, "SELECT id, " + ", ".join(FIELDS) + ", manager_id FROM people",
                        ["id", *FIELDS, "manager_id"], keys=ids, key_column="id", ints=("id",))
    roles: dict[int, list[str]] = {}
    for pid, role in ctx.session.execute(select(PersonRole.person_id, PersonRole.role)):
        roles.setdefault(pid, []).append(role)
    out = {}
    for rec in people.to_dict("records"):
        boss = rec.pop("manager_id")
        out[int(rec["id"])] = rec | {"roles": sorted(roles.get(int(rec["id"]), [])),
                                     "manager_id": None if boss is None else int(boss)}
    return out


def _write_roles(ctx: Ctx, ids: list[int], wanted: list[dict[str, Any]], stored: dict[int, dict[str, Any]]) -> None:
    """Add and remove role rows so each person holds exactly the file's roles (and employee)."""
    added: list[tuple[int, str]] = []
    removed: list[dict[str, object]] = []
    for pid, v in zip(ids, wanted, strict=True):
        roles = set(v["roles"]) | {Role.employee.value}
        had = set(stored[pid]["roles"]) if pid in stored else set()
        added.extend((pid, r) for r in sorted(roles - had))
        removed.extend({"p": pid, "r": r} for r in sorted(had - roles))
    if removed:
        ctx.session.execute(text("DELETE FROM person_roles WHERE person_id = :p AND role = :r"), removed)
    if added:
        insert_frame(ctx.session, "person_roles", plain_frame({
            "person_id": np.asarray([p for p, _r in added], dtype=np.int64),
            "role": np.asarray([r for _p, r in added], dtype=object)}))


def _write_managers(ctx: Ctx, records: list[dict[str, Any]], ids: list[int], known: _Known,
                    stored: dict[int, dict[str, Any]]) -> list[Change]:
    """Point everyone at their manager (after every person exists); the audit of each change."""
    id_of_email = known.id_of_email | {rec["email"].lower(): pid for rec, pid in zip(records, ids, strict=True)}
    moves: list[tuple[int, int | None]] = []
    audit: list[Change] = []
    for rec, pid in zip(records, ids, strict=True):
        boss = rec["manager_email"].lower()
        new_id = id_of_email[boss] if boss else None
        old_id = stored[pid]["manager_id"] if pid in stored else None
        if new_id != old_id:
            moves.append((pid, new_id))
            audit.append(("person.manager", pid, {"manager": known.email_of_id.get(old_id) if old_id else None},
                          {"manager": boss or None}))
    if moves:
        update_frame(ctx.session, "people", plain_frame({
            "id": np.asarray([p for p, _m in moves], dtype=np.int64),
            "manager_id": np.asarray([m for _p, m in moves], dtype=object)}), ["id"])
    return audit
