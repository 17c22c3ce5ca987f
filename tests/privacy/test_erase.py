"""/backoffice privacy erase: the person becomes a pseudonym everywhere, their free text goes, and
everybody else's figures stay exactly as they were."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import select

from bot.scheduler import tick
from models.core.audit import AuditRecord
from models.core.people import Person
from models.core.privacy_flow import erase_person
from models.incidents.tables import Incident
from models.leave.balance import balances
from models.leave.tables import LeaveRequest
from models.trades.tables import Trade
from tests.cast import ADMIN, GABRIELA, MARIANA, QUESIA, TIAGO
from tests.conftest import NOW
from tests.privacy.helpers import every_value, found_in, pid
from tests.privacy.story import HERS, seed

IDENTITY = ("Quésia Almeida", "quesia.almeida@empresa.com.br", QUESIA)


def figures(runtime, skip: int) -> dict:
    """Everything others would notice: balances and requests per person, trades, incidents."""
    with runtime.db.session() as s:
        out: dict = {}
        for p in s.scalars(select(Person)).unique():
            if p.id == skip:
                continue
            reqs = s.scalars(select(LeaveRequest).where(LeaveRequest.person_id == p.id)).unique()
            out[p.id] = {"balances": [b.as_dict() for b in balances(s, p, 2026, NOW)],
                         "requests": sorted((r.id, r.status, str(r.days), r.note) for r in reqs)}
        out["trades"] = sorted((t.ref, t.status, str(t.net_amount), t.booked_by_id, t.confirmed_by_id)
                               for t in s.scalars(select(Trade)).unique())
        out["incidents"] = sorted((i.number, i.status, i.severity, i.reporter_id, i.assignee_id)
                                  for i in s.scalars(select(Incident)))
        return out


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines():
    handler, root = Lines(), logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old)


def erase(bot, standin, who: str):
    before = len(standin.of("views.open"))
    assert bot.command("/backoffice", f"privacy erase <@{who}>", user=ADMIN).body == ""
    view = standin.wait_for("views.open", before + 1)[-1]["view"]
    return view, bot.submit(view, {}, user=ADMIN)


def test_erase_pseudonymises_everywhere_and_leaves_others_figures_unchanged(bot, standin, people, runtime, log_lines):
    ids = seed(bot, standin, runtime)
    quesia = pid(runtime, QUESIA)
    others_before = figures(runtime, quesia)
    with runtime.db.session() as s:
        her_days = sorted((r.id, r.status, str(r.days)) for r in s.scalars(
            select(LeaveRequest).where(LeaveRequest.person_id == quesia)).unique())

    view, done = erase(bot, standin, QUESIA)
    text = str(view)
    assert "Apagar *Quésia Almeida*?" in text and "pseudônimo" in text and "licenças médicas" in text
    assert done.status == 200
    told = standin.wait_for("chat.postEphemeral", where=lambda c: c.get("user") == ADMIN and "Apagado" in c.text)[-1]
    pseudonym = told.text.split("aparece como ")[1].split(";")[0]
    assert pseudonym.startswith("anon-")
    runtime.sender.wait_idle(timeout=30)
    standin.settle()
    calls_at_erase, lines_at_erase = len(standin.calls), len(log_lines.lines)

    # Nothing stored names her any more: not a table, not a column, not a JSON value.
    values = every_value(runtime)
    for value in IDENTITY:
        assert found_in(values, value) == [], value
    for written in (HERS["vacation_note"], HERS["sick_note"], HERS["dispute"], HERS["incident_description"],
                    HERS["incident_note"]):
        assert found_in(values, written) == [], written
    assert found_in(values, pseudonym)
    with runtime.db.session() as s:
        person = s.get(Person, quesia)
        assert (person.name, person.email, person.slack_user_id, person.active) == (pseudonym, None, None, False)
        mine = sorted((r.id, r.status, str(r.days)) for r in s.scalars(
            select(LeaveRequest).where(LeaveRequest.person_id == quesia)).unique())
        assert mine == her_days  # her days still count where they counted
        erased = s.scalars(select(AuditRecord).where(AuditRecord.action == "privacy.erased")).one()
        assert erased.after["pseudonym"] == pseudonym and erased.entity_id == str(quesia)
        first = s.scalar(select(Incident).where(Incident.number == 1))
        assert first.reporter_id == quesia and first.title == HERS["incident_title"] and first.description is None
    assert figures(runtime, quesia) == others_before

    # Life goes on: a who's-out list, her manager's digest, the clock. None of it names her.
    bot.command("/leave", "who week", user=TIAGO)
    assert pseudonym in bot.command("/leave", "who 2026-12-22", user=GABRIELA).text
    bot.command("/incident", "show 1", user=MARIANA)
    tick(runtime, NOW + dt.timedelta(minutes=1))
    runtime.sender.wait_idle(timeout=30)
    standin.settle()
    later = [c for c in standin.calls[calls_at_erase:]]
    assert any(pseudonym in c.text for c in later)  # her approved days still show, under the pseudonym
    for value in IDENTITY:
        assert [c.method for c in later if value.lower() in (str(c.args) + c.text).lower()] == [], value
        assert [line for line in log_lines.lines[lines_at_erase:] if value.lower() in line.lower()] == [], value

    # The same Slack user, seen again, is somebody new with nothing of the old data.
    again = bot.command("/leave", "list", user=QUESIA)
    assert again.status == 200
    with runtime.db.session() as s:
        new = s.scalar(select(Person).where(Person.slack_user_id == QUESIA))
        assert new is not None and new.id != quesia
        assert s.scalars(select(LeaveRequest).where(LeaveRequest.person_id == new.id)).first() is None
    assert str(ids["sick"]) not in again.text


def test_only_admins_erase_never_themselves_and_never_twice(bot, standin, people, runtime):
    refused = bot.command("/backoffice", f"privacy erase <@{MARIANA}>", user=TIAGO)
    assert "admin" in refused.text and standin.of("views.open") == []
    myself = bot.command("/backoffice", f"privacy erase <@{ADMIN}>", user=ADMIN)
    assert "Você não pode apagar a si mesmo" in myself.text
    _view, done = erase(bot, standin, MARIANA)
    assert done.status == 200
    with runtime.db.session() as s:
        erased = s.get(Person, pid_of_erased(runtime))
        assert erased.name.startswith("anon-")
    twice = bot.command("/backoffice", f"privacy erase {erased.name}", user=ADMIN)
    assert "já foi apagada" in twice.text


def pid_of_erased(runtime) -> int:
    with runtime.db.session() as s:
        return int(s.scalars(select(AuditRecord.entity_id).where(AuditRecord.action == "privacy.erased")).one())


def test_a_process_that_cached_the_erased_slack_id_treats_the_user_as_someone_new(bot, standin, people, runtime):
    assert bot.command("/leave", "balance", user=MARIANA).status == 200  # this process now caches her Slack id
    old = pid(runtime, MARIANA)
    # Another process erases her: this one's cache is not told.
    with runtime.unit_of_work(actor=pid(runtime, ADMIN), source="test") as ctx:
        erase_person(ctx, ctx.session.get(Person, old), runtime.registry.privacy_parts)
    resp = bot.command("/backoffice", "whoami", user=MARIANA)
    assert resp.status == 200 and "anon-" not in resp.text
    with runtime.db.session() as s:
        new = s.scalar(select(Person).where(Person.slack_user_id == MARIANA))
        assert new is not None and new.id != old and new.active
