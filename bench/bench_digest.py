"""Building the morning digests of 1,000 managers over 100k leave requests, 100k trades and 10k incidents.

    python -m bench.bench_digest [--quick]

Goal: under 5 s for all of them, and the number of SQL statements independent of the number of
managers (counted with a ``before_cursor_execute`` listener at 100 and at 1,000 managers).
Seeds a scratch SQLite database (or ``BENCH_DATABASE_URL``) through the desks' own models, with
the real registry: whatever digest sections the installed desks declare are measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import event, insert

from bench.common import Row, print_table

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)  # 09:00 in São Paulo, a Wednesday
TEAM = 9  # reports per manager
ROLES = ("sales", "backoffice", "oncall", None)  # None: a manager with no desk role


def _runtime(url: str):
    from bot.clock import FrozenClock
    from bot.compose import build_runtime
    from bot.settings import Settings

    settings = Settings(_env_file=None, database_url=url, slack_bot_token=None)
    runtime = build_runtime(settings, clock=FrozenClock(NOW))
    runtime.db.upgrade()
    return runtime


def seed(runtime, managers: int, leave: int, trades: int, incidents: int) -> dict:
    """People (managers and their teams), then each installed desk's rows, in bulk."""
    from models.core.people import Person, PersonRole

    rng = random.Random(7)
    counts: dict[str, int] = {}
    with runtime.db.session() as s:
        people, roles = [], []
        pid = 0
        for m in range(managers):
            pid += 1
            boss = pid
            people.append({"id": boss, "name": f"Manager {m}", "slack_user_id": f"UM{m:07d}", "email": f"m{m}@x.com",
                           "manager_id": None, "team": f"Team {m}", "country": "BR", "subdivision": "SP",
                           "timezone": "America/Sao_Paulo", "locale": "pt-BR", "active": True, "created_at": NOW})
            roles += [{"person_id": boss, "role": r} for r in ("manager", "employee", ROLES[m % 4]) if r]
            for e in range(TEAM):
                pid += 1
                people.append({"id": pid, "name": f"Person {m}.{e}", "slack_user_id": f"UE{pid:07d}",
                               "email": f"e{pid}@x.com", "manager_id": boss, "team": f"Team {m}", "country": "BR",
                               "subdivision": "SP", "timezone": "America/Sao_Paulo", "locale": "pt-BR",
                               "active": True, "created_at": NOW})
                roles.append({"person_id": pid, "role": "employee"})
        s.execute(insert(Person.__table__), people)
        s.execute(insert(PersonRole.__table__), roles)
        counts["people"] = len(people)
        reports = [p["id"] for p in people if p["manager_id"] is not None]
        s.commit()
        try:
            counts["leave requests"] = _seed_leave(s, rng, reports, leave)
        except ImportError:
            pass
        try:
            counts["trades"] = _seed_trades(s, rng, reports, trades)
        except ImportError:
            pass
        try:
            counts["incidents"] = _seed_incidents(s, rng, reports, incidents)
        except ImportError:
            pass
        s.commit()
    return counts


def _seed_leave(s, rng, reports: list[int], n: int) -> int:
    from models.leave.tables import LeaveRequest, leave_types

    types = [t.id for t in leave_types(s)]
    s.commit()
    rows = []
    for _ in range(n):
        start = NOW.date() + dt.timedelta(days=rng.randint(-300, 60))
        end = start + dt.timedelta(days=rng.randint(0, 9))
        status = rng.choices(("pending", "approved", "rejected", "cancelled"), (1, 6, 1, 1))[0]
        person = rng.choice(reports)
        rows.append({"person_id": person, "type_id": rng.choice(types), "start": start, "end": end,
                     "half_start": False, "half_end": False, "days": Decimal((end - start).days + 1),
                     "year": start.year, "status": status, "approver_id": None, "created_at": NOW,
                     "reminders_sent": 0})
    # The approver is the person's manager (people were seeded team by team).
    boss = {p: p - (p - 1) % (TEAM + 1) for p in reports}
    for r in rows:
        r["approver_id"] = boss[r["person_id"]]
    for chunk in range(0, len(rows), 5000):
        s.execute(insert(LeaveRequest.__table__), rows[chunk:chunk + 5000])
    return len(rows)


def _seed_trades(s, rng, reports: list[int], n: int) -> int:
    from models.trades.tables import Trade

    tickers = [("PETR4", "BRPETRACNPR6"), ("VALE3", "BRVALEACNOR0"), ("ITUB4", "BRITUBACNPR1"), ("WEGE3", "BRWEGEACNOR0")]
    rows = []
    for i in range(n):
        day = NOW.date() - dt.timedelta(days=rng.randint(0, 60))
        ticker, isin = rng.choice(tickers)
        qty, price = rng.randint(1, 50) * 100, Decimal(rng.randint(1000, 9000)) / 100
        rows.append({"ref": f"T{i:07d}", "trade_date": day, "settlement_date": day + dt.timedelta(days=2),
                     "account": f"ACC{rng.randint(1, 40):03d}", "side": rng.choice(("BUY", "SELL")), "isin": isin,
                     "ticker": ticker, "quantity": qty, "price": price, "currency": "BRL", "fees": Decimal("5.00"),
                     "net_amount": qty * price, "broker": rng.choice(("XP", "BTG", "ITAU")),
                     "booked_by_id": rng.choice(reports),
                     "status": rng.choices(("unmatched", "matched", "mismatched", "confirmed", "disputed"),
                                           (2, 1, 1, 12, 0.2))[0],
                     "breaks": [], "created_at": NOW, "updated_at": NOW})
    for chunk in range(0, len(rows), 5000):
        s.execute(insert(Trade.__table__), rows[chunk:chunk + 5000])
    return len(rows)


def _seed_incidents(s, rng, reports: list[int], n: int) -> int:
    from models.incidents.tables import Incident

    rows = []
    for i in range(n):
        at = NOW - dt.timedelta(hours=rng.randint(1, 24 * 90))
        status = rng.choices(("open", "acknowledged", "mitigated", "resolved", "closed"), (1, 1, 1, 4, 20))[0]
        rows.append({"number": i + 1, "title": f"Incident {i + 1}", "severity": rng.randint(1, 4), "status": status,
                     "reporter_id": rng.choice(reports), "assignee_id": rng.choice(reports), "reported_at": at,
                     "updated_at": at, "resolved_at": at + dt.timedelta(hours=2)
                     if status in ("resolved", "closed") else None})
    for chunk in range(0, len(rows), 5000):
        s.execute(insert(Incident.__table__), rows[chunk:chunk + 5000])
    return len(rows)


class QueryCounter:
    """Counts the SQL statements an engine runs while active."""

    def __init__(self, engine) -> None:
        self.engine, self.count = engine, 0

    def _on(self, *args) -> None:
        self.count += 1

    def __enter__(self) -> QueryCounter:
        event.listen(self.engine, "before_cursor_execute", self._on)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._on)


class SectionCounts:
    """Wraps each registered section once; the statements it runs go into ``counts`` (swap it per run)."""

    def __init__(self, runtime) -> None:
        import dataclasses

        self.counts: dict[str, int] = {}
        wrapped = []
        for sec in runtime.registry.digest_sections:
            def build(session, scope, _inner=sec.build, _name=f"{sec.desk}:{sec.template}"):
                with QueryCounter(runtime.db.engine) as qc:
                    try:
                        return _inner(session, scope)
                    finally:
                        self.counts[_name] = qc.count
            wrapped.append(dataclasses.replace(sec, build=build))
        runtime.registry.digest_sections[:] = wrapped


def build_all(runtime, limit: int | None, timings: dict | None = None,
              queries: dict | None = None) -> tuple[float, int, int]:
    """Build the digests of the first ``limit`` managers (all if None): (ms, statements, digests)."""
    from handlers.digest import jobs as digest_run
    timings = {} if timings is None else timings
    queries = {} if queries is None else queries
    with QueryCounter(runtime.db.engine) as qc, runtime.db.session(readonly=True) as s:
        start = time.perf_counter()
        frame = digest_run._frame(runtime, s, NOW)
        if limit is not None:
            frame = frame.head(limit)
        parts = digest_run.build_parts(runtime, s, NOW, frame, "manager", timings)
        series_start = time.perf_counter()
        digest_run.chart_series(runtime, s, NOW)
        timings["chart series"] = time.perf_counter() - series_start
        ms = (time.perf_counter() - start) * 1000
    queries["the framework"] = qc.count - sum(queries.values())
    return ms, qc.count, len(parts)


def sizes(quick: bool, scale: int = 1) -> tuple[int, int, int, int]:
    """Managers, leave requests, trades and incidents: 1,000 managers' worth times ``scale``."""
    if quick:
        return 200, 10_000, 10_000, 1_000
    return 1000 * scale, 100_000 * scale, 100_000 * scale, 10_000 * scale


def run(quick: bool = False, scale: int = 1) -> list[Row]:
    managers, leave, trades, incidents = sizes(quick, scale)
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'bench.db'}"
        runtime = _runtime(url)
        dialect = runtime.db.dialect
        counts = seed(runtime, managers, leave, trades, incidents)
        sections = ", ".join(sorted({s.desk for s in runtime.registry.digest_sections})) or "none"
        print(f"seeded {counts}; sections: {sections}; series: {len(runtime.registry.digest_series)}")
        sink = SectionCounts(runtime)
        build_all(runtime, 100)  # warm caches (holidays, templates, imports)
        small_queries = sink.counts = {}
        small_ms, small_q, small_n = build_all(runtime, 100, queries=small_queries)
        timings: dict[str, float] = {}
        full_queries = sink.counts = {}
        full_ms, full_q, full_n = build_all(runtime, None, timings, full_queries)
        tick_start = time.perf_counter()
        from handlers.digest.jobs import run_managers

        outcome = run_managers(runtime, NOW)  # claims and queues them all, in one transaction
        tick_ms = (time.perf_counter() - tick_start) * 1000
        print(f"{full_n} non-empty digests of {managers}; tick: {outcome}")
        runtime.db.dispose()
    label = f"{managers:,}"
    goal_ms = 5000 if managers <= 1000 else 10_000
    own_ms = full_ms - sum(timings.values()) * 1000
    per_part = [Row("digest", f"  of which {name}", secs * 1000, "ms") for name, secs in sorted(timings.items())]
    per_query = [Row("digest", f"  statements of {name}", float(n), "queries", float(small_queries.get(name, 0)),
                     "100 managers") for name, n in sorted(full_queries.items()) if name != "the framework"]
    return [
        Row("digest", f"build digests of {label} managers", full_ms, "ms", small_ms, "100 managers",
            f"< {goal_ms} ms", full_ms < goal_ms),
        *per_part,
        Row("digest", "  of which the framework (readers, assembly)", own_ms, "ms", goal="< 500 ms",
            met=own_ms < 500),
        Row("digest", f"SQL statements for {label} managers", float(full_q), "queries", float(small_q),
            "100 managers", "same as at 100", full_q == small_q),
        *per_query,
        Row("digest", "  statements of the framework (readers, series)", float(full_queries["the framework"]),
            "queries", float(small_queries["the framework"]), "100 managers", "same as at 100",
            full_queries["the framework"] == small_queries["the framework"]),
        Row("digest", f"tick: build, claim + queue {label} digests ({dialect})", tick_ms, "ms", full_ms,
            "build only", f"< {goal_ms} ms", tick_ms < goal_ms),
        *delivery_rows(managers),
    ]


def delivery_rows(digests: int) -> list[Row]:
    """Sending ``digests`` DMs and their charts under Slack's limits, on an injected clock.

    Each digest is a ``chat.postMessage`` to the manager, then its chart: the DM is known from the
    post (no ``conversations.open``), and the upload is ``files.getUploadURLExternal`` and
    ``files.completeUploadExternal`` (Tier 4). The baseline is the slowest method's own budget:
    what the limits allow at best.
    """
    from bot.clock import FrozenClock
    from bot.slack.pacing import METHODS, Pacer

    clock = FrozenClock(NOW, sleep_moves=True)
    pacer = Pacer(clock)
    calls = {"chat.postMessage": 0, "files.getUploadURLExternal": 0, "files.completeUploadExternal": 0}
    for n in range(digests):
        dm = f"D{n:08d}"
        for method, channel in (("chat.postMessage", f"U{n:08d}"), ("files.getUploadURLExternal", None),
                                ("files.completeUploadExternal", dm)):
            slot = pacer.wait(method, channel)
            while not slot.booked:  # as the outbox does: put back, try again when the slot comes
                clock.advance(seconds=slot.wait)
                slot = pacer.wait(method, channel)
            calls[method] += 1
    took = (clock.now() - NOW).total_seconds() / 60
    floor = max(count / METHODS[m].per_minute for m, count in calls.items())
    return [Row("digest", f"deliver {digests:,} digests + charts within Slack's limits (simulated)", took, "min",
                floor, "slowest method's budget", "no call over a limit, <= 1.1x", took <= 1.1 * floor)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="200 managers and a tenth of the rows")
    parser.add_argument("--scale", type=int, default=1, help="1,000 managers times this (10: 10,000)")
    args = parser.parse_args()
    print_table(run(args.quick, args.scale))


if __name__ == "__main__":
    main()
