"""Sending the digests that are due: managers' (business mornings) and channels' (subscriptions).

Each digest is a period claimed in ``job_runs`` (``digest:manager:U123:2026-11-25``) in the
same transaction as its outbox rows, so several clocks, or a restart, send it once. A period
found within the grace window after its time is sent late; past it, it is recorded as missed,
logged and reported to the admins, never sent.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.orm import Session

from bot import metrics
from bot.declare import job
from bot.i18n import normalize_locale
from bot.registry import DigestScope, JobSummary
from bot.runtime import Runtime
from handlers.digest.chart import chart_file
from models.core.audit import record
from models.core.calendar import BusinessCalendar
from models.core.context import Ctx
from models.core.errors import N_
from models.core.notify import notify
from models.core.outbox import OutboxKind
from models.core.people import Person, admins
from models.core.scheduling import Claim, RunStatus, claim_many, finish_many, taken
from models.digest import tables as subs
from models.digest.queue import insert_outbox, outbox_row, readers

if TYPE_CHECKING:
    import pandas as pd

# pandas and the digest builder (models.digest.build) are imported where a digest is built, not
# at start-up: an idle web process then holds no pandas (most of its memory otherwise).

log = logging.getLogger(__name__)

CHART_DAYS = 14
CHART_KIND = "digest_chart"  # a file into a person's DM (files need a D... channel id, not a user id)


class Reader(Protocol):
    """Whom a digest is for, as :func:`models.digest.queue.readers` returns them (a row)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def locale(self) -> str | None: ...


@dataclass
class Candidate:
    """A reader whose period has come: a manager (DM) or a subscribed channel."""

    claim: Claim
    person_id: int  # the manager, or the channel's subscriber (whose language and zone it reads in)
    late: bool
    missed: bool
    channel: str | None = None
    frequency: str | None = None
    reader_id: int | None = None  # the row the sections see: a channel is a reader of its own

    @property
    def reader(self) -> int:
        return self.person_id if self.reader_id is None else self.reader_id


@dataclass
class Outcome:
    sent: int = 0
    late: int = 0
    empty: int = 0
    missed: list[str] = field(default_factory=list)

    def summary(self) -> JobSummary:
        return JobSummary(N_("{sent} sent ({late} late), {empty} empty, {missed} missed"),
                          {"sent": self.sent, "late": self.late, "empty": self.empty, "missed": len(self.missed)})

    def __bool__(self) -> bool:
        """Whether there is anything to report (a digest sent, found empty or missed)."""
        return bool(self.sent or self.empty or self.missed)


@job("digest.manager", every_minutes=1, once_per_period=False,
     help=N_("Send the managers' digests that are due (business mornings, at DIGEST_TIME in their zone)."))
def manager_digests(runtime: Runtime, now: dt.datetime) -> JobSummary | None:
    """The clock's pass over the managers' digests; each reader's day is claimed, so it runs every tick."""
    return _reported("digest.manager", run_managers(runtime, now))


@job("digest.channel", every_minutes=1, once_per_period=False,
     help=N_("Post the subscribed channels' digests that are due (/digest subscribe)."))
def channel_digests(runtime: Runtime, now: dt.datetime) -> JobSummary | None:
    """The clock's pass over the channels' digests (claimed per channel and day, like the managers')."""
    return _reported("digest.channel", run_channels(runtime, now))


def _reported(part: str, outcome: Outcome) -> JobSummary | None:
    # Each digest sent is a run done; one past its grace window is a run missed (an alert).
    if outcome.sent:
        metrics.JOB_RUNS.labels(job=part, outcome="done").inc(outcome.sent)
    if outcome.missed:
        metrics.JOB_RUNS.labels(job=part, outcome="missed").inc(len(outcome.missed))
    if not outcome:
        return None
    summary = outcome.summary()
    log.info("%s: %s", part, summary)
    return summary


def _grace(runtime: Runtime) -> dt.timedelta:
    return dt.timedelta(hours=runtime.settings.digest_grace_hours)


def _days_off(runtime: Runtime) -> frozenset[dt.date]:
    return frozenset(runtime.settings.days_off)


def _frame(runtime: Runtime, session: Session, now: dt.datetime, person_ids: Iterable[int] | None = None) -> pd.DataFrame:
    s = runtime.settings
    from models.digest.build import readers_frame  # lazy: see the imports

    return readers_frame(session, now, person_ids=person_ids, tz_default=s.tz_default,
                         country_default=s.country_default)


def manager_candidates(runtime: Runtime, session: Session, now: dt.datetime, frame: pd.DataFrame) -> list[Candidate]:
    """Managers whose digest time has come today (local), on a business day of their country and state."""
    out: list[Candidate] = []
    grace, days_off = _grace(runtime), _days_off(runtime)
    for row in frame.itertuples(index=False):
        if not row.slack_user_id:
            continue  # imported without a Slack account yet: nowhere to send it
        due = subs.due_today(now, row.timezone, runtime.settings.digest_time, grace)
        if due is None or not BusinessCalendar.of(row.country, row.subdivision, days_off).is_business_day(due.day):
            continue
        who = row.slack_user_id
        key = f"digest:manager:{who}:{due.day.isoformat()}"
        out.append(Candidate(Claim(key, "digest.manager", due.day.isoformat(), due.due_at, who),
                             int(row.person_id), due.late, due.missed))
    return out


def channel_candidates(runtime: Runtime, session: Session, now: dt.datetime) -> list[Candidate]:
    """Subscribed channels whose time has come today, by their frequency."""
    out: list[Candidate] = []
    grace, days_off = _grace(runtime), _days_off(runtime)
    for sub in subs.subscriptions(session):
        person = sub.person
        if person is None or not person.active:
            continue  # the subscriber left: nobody's digest to post
        due = subs.due_today(now, sub.timezone, sub.at_time, grace)
        calendar = BusinessCalendar.of(person.country or runtime.settings.country_default, person.subdivision,
                                       days_off)
        if due is None or not subs.channel_day_wanted(sub.frequency, due.day, calendar):
            continue
        key = f"digest:channel:{sub.channel}:{due.day.isoformat()}"
        out.append(Candidate(Claim(key, "digest.channel", due.day.isoformat(), due.due_at, sub.channel),
                             person.id, due.late, due.missed, channel=sub.channel, frequency=sub.frequency,
                             reader_id=-sub.id))
    return out


def build_parts(runtime: Runtime, session: Session, now: dt.datetime, frame: pd.DataFrame,
                audience: str, timings: dict[str, float] | None = None) -> dict[int, list[dict]]:
    """Every reader's digest parts, from the registered sections, in one call per section."""
    frame = frame.assign(audience=audience)
    from models.digest.build import assemble  # lazy: see the imports

    scope = functools.partial(DigestScope, days_off=_days_off(runtime))
    return assemble(session, runtime.registry.digest_sections, frame, now, scope, timings)


def channel_readers(subscribers: pd.DataFrame, due: list[Candidate]) -> pd.DataFrame:
    """One reader per channel: the subscriber's team, roles, country and zone, but a person id of
    its own (negative), so nothing personal of the subscriber (approvals waiting for them, the
    sick leave of their team) is keyed to it: a channel reads the desks' team-wide news only."""
    import pandas as pd  # lazy: see the imports

    by_person = subscribers.set_index("person_id")
    rows = []
    for c in due:
        if c.person_id in by_person.index:
            row = by_person.loc[c.person_id].to_dict()
            rows.append({**row, "person_id": c.reader, "slack_user_id": None, "name": c.channel})
    return pd.DataFrame(rows, columns=subscribers.columns)


def chart_series(runtime: Runtime, session: Session, now: dt.datetime) -> dict[str, dict[str, int]]:
    """The registered series over the last 14 days (company time zone); empty if none has data."""
    if not runtime.registry.digest_series:
        return {}
    last = now.astimezone(runtime.settings.zone).date()
    from models.digest.build import series_data  # lazy: see the imports

    return series_data(session, runtime.registry.digest_series, last - dt.timedelta(days=CHART_DAYS - 1), last)


def run_managers(runtime: Runtime, now: dt.datetime) -> Outcome:
    """The managers' digests due at ``now`` and not sent by any clock yet."""
    with runtime.db.session(readonly=True) as session:
        frame = _frame(runtime, session, now)
        candidates = manager_candidates(runtime, session, now, frame)
        candidates = _untaken(session, candidates)
        if not candidates:
            return Outcome()
        due = [c for c in candidates if not c.missed]
        due_ids = {c.person_id for c in due}
        parts = build_parts(runtime, session, now, frame[frame["person_id"].isin(due_ids)], "manager") if due else {}
        chart = chart_series(runtime, session, now) if parts else {}
    return _commit(runtime, now, candidates, parts, chart)


def run_channels(runtime: Runtime, now: dt.datetime) -> Outcome:
    """The subscribed channels' digests due at ``now`` and not sent by any clock yet."""
    with runtime.db.session(readonly=True) as session:
        candidates = _untaken(session, channel_candidates(runtime, session, now))
        if not candidates:
            return Outcome()
        due = [c for c in candidates if not c.missed]
        subscribers = _frame(runtime, session, now, person_ids=sorted({c.person_id for c in due}))
        parts = build_parts(runtime, session, now, channel_readers(subscribers, due), "channel") if due else {}
        chart = chart_series(runtime, session, now) if parts else {}
    return _commit(runtime, now, candidates, parts, chart)


def _locale(runtime: Runtime, value: str | None) -> str:
    return normalize_locale(value, runtime.settings.locale_default)


def _untaken(session: Session, candidates: list[Candidate]) -> list[Candidate]:
    done = taken(session, [c.claim.key for c in candidates])
    return [c for c in candidates if c.claim.key not in done]


def _commit(runtime: Runtime, now: dt.datetime, candidates: list[Candidate], parts: dict[int, list[dict]],
            chart: dict[str, dict[str, int]]) -> Outcome:
    """Claim, queue and record, in one transaction: whatever another clock claimed first is skipped.

    In bulk (a few statements for any number of digests): the claims, the outbox rows and the
    runs' results are each one executemany, in the same transaction, so exactly-once holds.
    """
    outcome = Outcome()
    missed = [c for c in candidates if c.missed]
    due = [c for c in candidates if not c.missed]
    queued: dict[str, int] = {}
    with runtime.unit_of_work(source="scheduler") as ctx:
        s = ctx.session
        won_missed = claim_many(s, [c.claim for c in missed], now, status=RunStatus.missed,
                                detail="past the grace window when the scheduler found it")
        won = claim_many(s, [c.claim for c in due], now)
        people = readers(s, {c.person_id for c in candidates})
        mine = [c for c in due if c.claim.key in won]
        sending = [c for c in mine if parts.get(c.reader)]
        rows = [row for c in sending for row in _rows(ctx, runtime, c, people[c.person_id], parts[c.reader], chart)]
        queued = insert_outbox(s, rows)
        results: dict[str, dict[str, Any]] = {c.claim.key: {"sent": 0, "empty": True} for c in mine
                                              if not parts.get(c.reader)}
        for c in sending:
            ids = [queued[k] for k in (c.claim.key, c.claim.key + ":chart") if k in queued]
            results[c.claim.key] = {"sent": 1, "late": c.late, "outbox": ids,
                                    "sections": [p["desk"] for p in parts[c.reader]]}
        finish_many(s, results, now)
        outcome.empty, outcome.sent = len(mine) - len(sending), len(sending)
        outcome.late = sum(1 for c in sending if c.late)
        for c in missed:
            if c.claim.key in won_missed:
                record(ctx, "digest.missed", ("job_runs", c.claim.key),
                       after={"due_at": c.claim.due_at.isoformat(), "found_at": now.isoformat()})
                outcome.missed.append(c.claim.key)
        if outcome.missed:
            _report_missed(ctx, runtime, [c for c in missed if c.claim.key in won_missed], people)
    runtime.sender.deliver_soon(sorted(queued.values()))  # committed: deliver, as notify's rows are
    for key in outcome.missed:
        log.warning("digest %s missed: past the %.1f h grace window, not sent", key, runtime.settings.digest_grace_hours)
    return outcome


def _rows(ctx: Ctx, runtime: Runtime, c: Candidate, person: Reader, mine: list[dict],
          chart: dict[str, dict[str, int]]) -> list[dict]:
    """The outbox rows of one digest (the message, then the chart), as ``notify`` would write them."""
    data = {"name": person.name, "day": c.claim.period, "late": c.late, "due_at": c.claim.due_at.isoformat(),
            "sections": mine, "audience": "channel" if c.channel else "manager", "frequency": c.frequency}
    # A channel reads the subscriber's digest in the subscriber's language: person_id names the reader.
    rows = [outbox_row(ctx, "digest/manager", data, person_id=person.id, channel=c.channel, dedup_key=c.claim.key)]
    if chart and c.channel:  # a channel's upload goes through the platform's file kind: the PNG travels in the row
        files = [chart_file(chart, _locale(runtime, person.locale))]
        rows.append(outbox_row(ctx, "digest/chart", {"files": files, "day": c.claim.period}, person_id=person.id,
                               channel=c.channel, kind=OutboxKind.file, dedup_key=c.claim.key + ":chart"))
    elif chart:  # the numbers only: the PNG is drawn when sent, once per language and day (cached)
        rows.append(outbox_row(ctx, "digest/chart", {"series": chart, "day": c.claim.period}, person_id=person.id,
                               kind=CHART_KIND, dedup_key=c.claim.key + ":chart"))
    return rows


def _report_missed(ctx: Ctx, runtime: Runtime, missed: list[Candidate], people: dict[int, Reader]) -> None:
    """Tell the admins, once per batch, which digests were not sent and why."""
    items = [{"who": people[c.person_id].name if c.person_id in people else c.claim.subject,
              "channel": c.channel, "day": c.claim.period, "due_at": c.claim.due_at.isoformat()} for c in missed]
    data = {"items": items[:40], "more": max(0, len(items) - 40), "grace": runtime.settings.digest_grace_hours,
            "found_at": ctx.now.isoformat()}
    for admin in admins(ctx.session):
        notify(ctx, "digest/missed", data, person=admin,
               dedup_key=f"digest:missed:{admin.id}:{missed[0].claim.key}")


def preview(runtime: Runtime, session: Session, person: Person, now: dt.datetime) -> list[dict]:
    """My digest parts right now (``/digest now``), whatever the day and time."""
    frame = _frame(runtime, session, now, person_ids=[person.id])
    return build_parts(runtime, session, now, frame, "manager").get(person.id, [])
