"""Assembling digests for many readers at once: a few queries in all, not a query per reader.

The readers go into one pandas DataFrame (the columns documented on ``DigestScope``); each
registered section builds its part for all of them in one call; the parts are then grouped
per reader. A section that fails is logged and left out, so one broken desk does not stop
everyone's morning digest.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import zoneinfo
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.people import Person, PersonRole, Role

log = logging.getLogger(__name__)

SLOW_SECTION = 2.0  # seconds: worth a line in the log, the clock ticks every minute
COLUMNS = ["person_id", "name", "slack_user_id", "team", "roles", "country", "subdivision", "timezone", "locale",
           "day"]


def _local_day(now: dt.datetime, tz: str) -> dt.date:
    try:
        return now.astimezone(zoneinfo.ZoneInfo(tz)).date()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return now.date()


def readers_frame(session: Session, now: dt.datetime, *, person_ids: Iterable[int] | None = None,
                  tz_default: str = "America/Sao_Paulo", country_default: str = "BR") -> pd.DataFrame:
    """Active managers (or the given people) as a DataFrame, in two queries.

    ``roles`` is a sorted list; ``timezone`` and ``country`` fall back to the company's
    defaults; ``day`` is each reader's local date at ``now``.
    """
    if person_ids is None:
        managers = select(PersonRole.person_id).where(PersonRole.role == Role.manager.value)
        chosen, their_roles = Person.id.in_(managers), PersonRole.person_id.in_(managers)
    else:
        ids = list(person_ids)
        chosen, their_roles = Person.id.in_(ids), PersonRole.person_id.in_(ids)
    people = session.execute(
        select(Person.id, Person.name, Person.slack_user_id, Person.team, Person.country, Person.subdivision,
               Person.timezone, Person.locale)
        .where(Person.active.is_(True), chosen)
        .order_by(Person.id)
    ).all()
    frame = pd.DataFrame(people, columns=["person_id", "name", "slack_user_id", "team", "country", "subdivision",
                                          "timezone", "locale"])
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    role_rows = pd.DataFrame(
        session.execute(select(PersonRole.person_id, PersonRole.role).where(their_roles)).all(),
        columns=["person_id", "role"],
    )
    roles = role_rows.sort_values("role").groupby("person_id")["role"].agg(list)
    frame["roles"] = frame["person_id"].map(roles).apply(lambda r: r if isinstance(r, list) else [])
    frame["timezone"] = frame["timezone"].fillna(tz_default).replace("", tz_default)
    frame["country"] = frame["country"].fillna(country_default).replace("", country_default).str.upper()
    for col in ("slack_user_id", "team", "subdivision", "locale"):  # None, not NaN, for a missing value
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    frame["day"] = [_local_day(now, tz) for tz in frame["timezone"]]
    return frame[COLUMNS].reset_index(drop=True)


def template_name(template: str) -> str:
    return template if template.endswith(".j2") else template + ".j2"


def _with_roles(frame: pd.DataFrame, roles: tuple[str, ...]) -> pd.DataFrame:
    if not roles:
        return frame
    wanted = set(roles)
    return frame[frame["roles"].apply(lambda have: bool(wanted.intersection(have)))].reset_index(drop=True)


def assemble(session: Session, sections: Iterable[Any], frame: pd.DataFrame, now: dt.datetime,
             make_scope: Callable[..., Any], timings: dict[str, float] | None = None) -> dict[int, list[dict]]:
    """Every reader's non-empty parts, in section order: ``{person_id: [{desk, template, data}]}``.

    Each section is called once with the readers it concerns (its ``roles``); readers with
    nothing to read are left out, so an empty digest is never sent. ``timings`` collects the
    seconds each section took (keyed ``desk:template``), for the benchmark and the slow-section log.
    """
    parts: dict[int, list[dict]] = {}
    if frame.empty:
        return parts
    known = set(int(p) for p in frame["person_id"])
    for section in sorted(sections, key=lambda s: s.order):
        readers = _with_roles(frame, tuple(section.roles))
        if readers.empty:
            continue
        started = time.perf_counter()
        try:
            built = section.build(session, make_scope(managers=readers, now=now)) or {}
        except Exception:
            log.exception("digest section %s failed; leaving it out", section.desk)
            session.rollback()
            continue
        took = time.perf_counter() - started
        if timings is not None:
            timings[f"{section.desk}:{section.template}"] = took
        if took > SLOW_SECTION:
            log.warning("digest section %s (%s) took %.1f s for %d readers", section.desk, section.template, took,
                        len(readers))
        for person_id, data in built.items():
            if data and int(person_id) in known:
                parts.setdefault(int(person_id), []).append(
                    {"desk": section.desk, "template": template_name(section.template), "data": data})
    return {pid: parts[pid] for pid in sorted(parts)}


def series_data(session: Session, series: Iterable[Any], first: dt.date, last: dt.date) -> dict[str, dict[str, int]]:
    """Each registered series over ``first``..``last`` as ``{label: {iso day: count}}``; all-zero ones left out."""
    out: dict[str, dict[str, int]] = {}
    for s in series:
        try:
            counts = s.build(session, first, last) or {}
        except Exception:
            log.exception("digest series %s failed; leaving it out", s.label)
            session.rollback()
            continue
        days = pd.date_range(first, last, freq="D").date
        values = {d.isoformat(): int(counts.get(d, counts.get(d.isoformat(), 0)) or 0) for d in days}
        if any(values.values()):
            out[s.label] = values
    return out
