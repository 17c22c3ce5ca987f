"""Fifty people report at the same moment: fifty different numbers, none skipped."""

from __future__ import annotations

import threading

from sqlalchemy import select

from models.core.errors import Conflict
from models.core.people import Person, get_person
from models.incidents import flow
from models.incidents.tables import Incident, IncidentCounter, get_incident
from tests.cast import HENRIQUE, KARINA
from tests.incidents.helpers import card_posts, incident, kinds, report

REPORTERS = 50


def test_fifty_concurrent_reports_get_fifty_numbers_without_gaps(people, runtime):
    with runtime.db.session() as s:
        ids = list(s.scalars(select(Person.id).order_by(Person.id)))
    start = threading.Barrier(REPORTERS)
    errors: list[BaseException] = []

    def one(n: int) -> None:
        try:
            start.wait(timeout=30)
            with runtime.unit_of_work(actor=ids[n % len(ids)], source="test") as ctx:
                flow.report(ctx, title=f"Falha {n}", severity=str(n % 4 + 1))
        except BaseException as exc:  # noqa: BLE001 - collected and shown below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(REPORTERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors[:3]
    with runtime.db.session() as s:
        numbers = sorted(s.scalars(select(Incident.number)))
        assert numbers == list(range(1, REPORTERS + 1))
        assert s.scalar(select(IncidentCounter.last)) == REPORTERS


def test_a_refused_report_does_not_use_up_a_number(bot, standin, people, runtime):

    report(bot, standin, title="")  # refused in the modal
    report(bot, standin, title="Primeiro de verdade")
    with runtime.db.session() as s:
        assert list(s.scalars(select(Incident.number))) == [1]


def test_two_people_acknowledging_at_once_decide_once(bot, standin, people, runtime):
    report(bot, standin)
    card_posts(standin)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def ack(user: str) -> None:
        start.wait(timeout=30)
        try:
            with runtime.unit_of_work(source="test") as ctx:
                ctx.actor = get_person(ctx.session, user)
                flow.acknowledge(ctx, get_incident(ctx.session, 1, lock=True))
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=ack, args=(u,)) for u in (HENRIQUE, KARINA)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "ok"]
    assert kinds(incident(runtime)).count("acknowledged") == 1
