"""Prometheus metrics: what an operator alerts on (see docs/operations.md for the rules).

Counters and histograms are plain ``prometheus_client`` objects, updated where things happen;
``serve`` is one process (threads), so ``/metrics`` reports it whole. Should several processes
ever share one endpoint, ``PROMETHEUS_MULTIPROC_DIR`` (set before this module is imported)
switches to prometheus_client's multiprocess mode and ``/metrics`` adds their files up. The
outbox gauges (depth, age of the oldest pending row, dead letters) and the imports' counts are
read from the database when scraped: it is the one place that knows them for every process.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from bot.clock import Clock
from bot.db import Database
from models.core.audit import AuditRecord
from models.core.outbox import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)

REQUESTS = Counter("backoffice_requests", "Slack requests handled, by kind, desk and outcome",
                   ["kind", "desk", "outcome"])
ACK_SECONDS = Histogram("backoffice_ack_seconds", "From receiving a Slack request to acknowledging it",
                        ["kind"], buckets=LATENCY_BUCKETS)
HANDLER_SECONDS = Histogram("backoffice_handler_seconds", "A Slack listener's run, unit of work and replies included",
                            ["kind", "desk"], buckets=LATENCY_BUCKETS)
DELIVERIES = Counter("backoffice_outbox_deliveries", "Outbox delivery tries by outcome "
                     "(sent, found_sent, retry, rate_limited, paced, dead)", ["outcome"])
RETRY_AFTER = Histogram("backoffice_outbox_retry_after_seconds", "Waits Slack asked for with Retry-After",
                        buckets=(1, 2, 5, 10, 30, 60, 120, 300, 900))
DEAD_LETTERS = Counter("backoffice_outbox_dead_letters", "Notifications parked as dead letters, by reason",
                       ["reason"])
JOB_RUNS = Counter("backoffice_job_runs", "Periodic runs by job and outcome (claimed, done, failed, missed)",
                   ["job", "outcome"])


class DatabaseCollector(Collector):
    """What only the database knows for every process, read at scrape time: the outbox gauges (one
    query on the due index) and the imports' counts (from their audit records)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        waiting = (OutboxStatus.pending.value, OutboxStatus.sending.value, OutboxStatus.dead.value)
        depth = GaugeMetricFamily("backoffice_outbox_depth", "Notifications not delivered yet, by status",
                                  labels=["status"])
        oldest = GaugeMetricFamily("backoffice_outbox_oldest_pending_seconds",
                                   "Age of the oldest notification still waiting to be delivered (0: none)")
        dead = GaugeMetricFamily("backoffice_outbox_dead", "Dead letters waiting for an admin (retry or drop)")
        try:
            with self.db.session(readonly=True) as s:
                rows = s.execute(select(OutboxMessage.status, func.count(), func.min(OutboxMessage.created_at))
                                 .where(OutboxMessage.status.in_(waiting)).group_by(OutboxMessage.status)).all()
        except Exception as exc:  # noqa: BLE001 - a scrape reports what it can; /readyz tells the rest
            log.warning("outbox gauges unavailable: %s", type(exc).__name__)
            return
        counts = {status: (n, first) for status, n, first in rows}
        for status in waiting:
            depth.add_metric([status], counts.get(status, (0, None))[0])
        firsts = [first for status, (n, first) in counts.items() if status != OutboxStatus.dead.value and first]
        now = self.clock.now()
        oldest.add_metric([], max(0.0, (now - min(firsts)).total_seconds()) if firsts else 0.0)
        dead.add_metric([], counts.get(OutboxStatus.dead.value, (0, None))[0])
        yield depth
        yield oldest
        yield dead
        yield from self._imports()

    def _imports(self) -> Iterator[CounterMetricFamily]:
        """Imports run as one-shot CLI processes: their counts come from their audit records."""
        rows = CounterMetricFamily("backoffice_import_rows", "Rows created or updated by imports", labels=["kind"])
        refusals = CounterMetricFamily("backoffice_import_refusals", "Import files refused (nothing changed)",
                                       labels=["kind"])
        with self.db.session(readonly=True) as s:
            found = s.execute(select(AuditRecord.action, AuditRecord.after)
                              .where(AuditRecord.action.like("import.%"))).all()
        taken: dict[str, int] = {}
        refused: dict[str, int] = {}
        for action, after in found:
            kind = action.split(".")[1]
            if action.endswith(".refused"):
                refused[kind] = refused.get(kind, 0) + 1
            else:
                taken[kind] = taken.get(kind, 0) + int((after or {}).get("rows", 0))
        for kind, n in sorted(taken.items()):
            rows.add_metric([kind], n)
        for kind, n in sorted(refused.items()):
            refusals.add_metric([kind], n)
        yield rows
        yield refusals


def exposition(db: Database, clock: Clock) -> tuple[bytes, str]:
    """The text a scrape gets: this process's metrics (or, in multiprocess mode, all of theirs), plus the database's."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        own = generate_latest(registry)
    else:
        own = generate_latest(REGISTRY)
    outbox = CollectorRegistry()
    outbox.register(DatabaseCollector(db, clock))
    return own + generate_latest(outbox), CONTENT_TYPE_LATEST

