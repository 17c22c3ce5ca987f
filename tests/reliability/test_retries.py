"""Slack retries are acted on once: every entry point that changes something, sent twice.

Slack resends a request it thinks went unanswered (same body, same ``trigger_id`` or
``event_id``, with ``X-Slack-Retry-Num``). For each state-changing command, button, form and event
(``ENTRIES``, one line each) the story is: send it, see it act (its audit record, its messages);
send the very same request again as Slack's retry: nothing more is stored and no message goes
out a second time. On PostgreSQL the two copies also arrive at once (two threads), and the
outcome must be exactly what one copy produced.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select, text

from models.core.audit import AuditRecord
from tests.conftest import pg_only
from tests.harness import Response
from tests.leave.helpers import open_form as open_leave_form
from tests.reliability.world import (
    DESKS,
    ROLES,
    Listeners,
    as_person,
    build_world,
    row_counts,
)

ADMIN, EMPLOYEE, SALES, BACKOFFICE, ONCALL, MANAGER = (ROLES[r] for r in (
    "admin", "employee", "sales", "backoffice", "oncall", "manager"))
SLACK_CALLS = ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url", "views.open",
               "views.publish", "conversations.create", "pins.add", "files.completeUploadExternal")


@dataclass(frozen=True)
class Entry:
    """A state-changing gesture: ``send`` makes the one request (``prepare`` whatever comes before it)."""

    what: str
    desk: str
    send: Callable[[Any, Any, dict], Response]  # (bot, standin, world) -> one request
    acted: str | None  # the audit record it leaves once; None: it only answers (a form opens, a reply)
    prepare: Callable[[Any, Any, dict], Any] | None = None  # (bot, standin, world) -> put into world["prepared"]


def _target(fn: Callable, *target: str) -> Callable:
    fn.target = target  # what the completeness check reads
    return fn


def cmd(line: str, user: str) -> Callable:
    command, _, rest = line.partition(" ")
    return _target(lambda bot, standin, w: bot.command(command, rest.format(**w), user=user),
                   command, rest.split(" ")[0])


def click(action_id: str, value: str, user: str) -> Callable:
    return _target(lambda bot, standin, w: bot.click((action_id, value.format(**w)), user=user), "button", action_id)


def submit(callback_id: str, answers: dict, user: str) -> Callable:
    """Submit the modal ``prepare`` opened (as the bot rendered it)."""
    def send(bot, standin, w):
        assert w["prepared"]["callback_id"] == callback_id
        return bot.submit(w["prepared"], answers, user=user)
    return _target(send, "form", callback_id)


def opened(first: Callable) -> Callable:
    """Prepare a form: do ``first`` (a command or a click) and return the modal Slack was asked to open."""
    def prepare(bot, standin, w):
        before = len(standin.of("views.open"))
        first(bot, standin, w)
        view = standin.wait_for("views.open", before + 1)[-1]["view"]
        return json.loads(view) if isinstance(view, str) else view
    return prepare


def event(make: Callable[[dict], dict]) -> Callable:
    return _target(lambda bot, standin, w: bot.event(make(w)), "event", make({"sev2_channel": "C1"})["type"])


def pin(w: dict) -> dict:
    return {"type": "reaction_added", "user": ONCALL, "reaction": "pushpin", "item_user": ONCALL,
            "item": {"type": "message", "channel": w["sev2_channel"], "ts": "1764001234.000100"},
            "event_ts": "1764001240.1"}


def mention(w: dict) -> dict:
    return {"type": "app_mention", "user": SALES, "text": "<@UBOT00001> tem parafuso m8?", "ts": "1764001300.000100",
            "channel": "C0GENERAL", "event_ts": "1764001300.000100"}


def home(w: dict) -> dict:
    return {"type": "app_home_opened", "user": MANAGER, "channel": "D0DIRECT01", "tab": "home",
            "event_ts": "1764001400.000100"}


ENTRIES: list[Entry] = [
    # /backoffice
    Entry("/backoffice role: an admin makes Wesley back office", "backoffice",
          cmd("/backoffice role <@U070000008> backoffice", ADMIN), "person.roles"),
    Entry("/backoffice me timezone: an employee moves to Manaus time", "backoffice",
          cmd("/backoffice me timezone America/Manaus", EMPLOYEE), "person.preferences"),
    Entry("Retry button on a dead letter", "backoffice", click("outbox_retry", "{dead1}", ADMIN), "outbox.retry"),
    Entry("Drop button on a dead letter", "backoffice", click("outbox_drop", "{dead2}", ADMIN), "outbox.drop"),
    # /stock
    Entry("/stock watch", "stock", cmd("/stock watch PRD-2008", SALES), "stock.watch_started"),
    Entry("/stock unwatch", "stock", cmd("/stock unwatch PRD-2008", SALES), "stock.watch_stopped"),
    Entry("Watch button", "stock", click("stock_watch", "PRD-2008", EMPLOYEE), "stock.watch_started"),
    Entry("Stop watching button", "stock", click("stock_unwatch", "PRD-2008", EMPLOYEE), "stock.watch_stopped"),
    Entry("a mention asking for stock (answered in the thread)", "stock", event(mention), None),
    Entry("/backoffice privacy export (a file in my DM)", "backoffice", cmd("/backoffice privacy export", EMPLOYEE),
          "privacy.exported"),
    Entry("the erase form, submitted", "backoffice", submit("privacy_erase", {}, ADMIN), "privacy.erased",
          prepare=opened(cmd("/backoffice privacy erase <@U070000019>", ADMIN))),
    # /leave
    Entry("/leave calendar (a secret feed link)", "leave", cmd("/leave calendar", EMPLOYEE), "leave.calendar_created"),
    Entry("the /leave form, submitted", "leave",
          submit("leave_request", {"type": "vacation", "start": "2027-01-11", "end": "2027-01-12", "half": []}, SALES),
          "leave.requested", prepare=lambda bot, standin, w: open_leave_form(bot, standin, SALES)),
    Entry("Approve button", "leave", click("leave_approve", "{l1}", MANAGER), "leave.approved"),
    Entry("Reject button (opens the reason form)", "leave", click("leave_reject", "{l2}", MANAGER), None),
    Entry("the reject form, submitted", "leave", submit("leave_reject", {"reason": "Fim de ano, equipe reduzida"}, MANAGER),
          "leave.rejected", prepare=opened(click("leave_reject", "{l2}", MANAGER))),
    Entry("/leave cancel", "leave", cmd("/leave cancel {l3}", EMPLOYEE), "leave.cancelled"),
    Entry("Cancel button", "leave", click("leave_cancel", "{l4}", MANAGER), "leave.cancelled"),
    Entry("/leave type (admin)", "leave", cmd("/leave type sabbatical allowance=10", ADMIN), "leave.type_created"),
    Entry("/leave allowance (admin)", "leave", cmd("/leave allowance <@U070000007> vacation 25", ADMIN),
          "leave.allowance"),
    # /trade
    Entry("/trade confirm", "trade", cmd("/trade confirm {trade}", BACKOFFICE), "trade.confirmed"),
    Entry("/trade accept", "trade", cmd("/trade accept {break}", BACKOFFICE), "trade.broker_values_accepted"),
    Entry("/trade dispute", "trade", cmd("/trade dispute T20261123-0025 corretora cobrou a mais", BACKOFFICE),
          "trade.disputed"),
    Entry("Confirm button", "trade", click("trade_confirm", "{trade2}", BACKOFFICE), "trade.confirmed"),
    Entry("Accept broker values button", "trade", click("trade_accept", "{break2}", BACKOFFICE),
          "trade.broker_values_accepted"),
    Entry("Dispute button (opens the reason form)", "trade", click("trade_dispute", "T20261123-0052", BACKOFFICE),
          None),
    Entry("the dispute form, submitted", "trade", submit("trade_dispute", {"reason": "quantidade diverge da corretora"}, BACKOFFICE),
          "trade.disputed", prepare=opened(click("trade_dispute", "T20261123-0052", BACKOFFICE))),
    Entry("/trade report (the file is uploaded once)", "trade", cmd("/trade report 2026-11-23", BACKOFFICE), None),
    Entry("Export breaks button (the file is uploaded once)", "trade",
          click("trades_breaks_export", '{{"w":"","d":null,"f":"csv"}}', BACKOFFICE), None),
    # /incident
    Entry("the /incident form, submitted (SEV2: its own channel)", "incident",
          submit("incident_report", {"title": "Pagamentos recusados", "severity": "2", "service": "Loja", "description": "PIX falha"},
                 SALES),
          "incident.reported", prepare=opened(cmd("/incident", SALES))),
    Entry("/incident ack", "incident", cmd("/incident ack {i1}", ONCALL), "incident.acknowledged"),
    Entry("/incident assign", "incident", cmd("/incident assign {i2} <@U070000006>", ONCALL), "incident.assigned"),
    Entry("/incident status", "incident", cmd("/incident status {i3} mitigated", ONCALL), "incident.status"),
    Entry("/incident severity (to SEV2: opens a channel)", "incident", cmd("/incident severity {i4} 2", ONCALL),
          "incident.severity"),
    Entry("/incident note", "incident", cmd("/incident note {i1} clientes relatam lentidão", SALES), "incident.note"),
    Entry("/incident resolve", "incident", cmd("/incident resolve {i5}", ONCALL), "incident.resolved"),
    Entry("/incident close", "incident", cmd("/incident close {done} certificado renovado", ONCALL), "incident.closed"),
    Entry("/incident summary (the incident closed just above)", "incident",
          cmd("/incident summary {done} certificado expirado; alarme de validade criado", ONCALL), "incident.summary"),
    Entry("Acknowledge button", "incident", click("incident_ack", "{i6n}", ONCALL), "incident.acknowledged"),
    Entry("Take it button", "incident", click("incident_take", "{i7n}", ONCALL), "incident.assigned"),
    Entry("Mitigated button", "incident", click("incident_mitigated", "{i8n}", ONCALL), "incident.status"),
    Entry("Resolved button", "incident", click("incident_resolved", "{i9n}", ONCALL), "incident.resolved"),
    Entry("a :pushpin: on a message in the incident's channel", "incident", event(pin), "incident.pinned"),
    # /digest and App Home
    Entry("/digest subscribe", "digest", cmd("/digest subscribe weekdays 08:30", MANAGER), "digest.subscribed"),
    Entry("/digest unsubscribe", "digest", cmd("/digest unsubscribe", MANAGER), "digest.unsubscribed"),
    Entry("App Home opened (the tab published)", "digest", event(home), None),
]


# -- the world ---------------------------------------------------------------------------------------------

def world_for(runtime, standin, tmp_path, desks: str | set[str]) -> dict[str, Any]:
    """The roles' world, plus more of the same for entries that must each find their own target."""
    import datetime as dt

    from models.incidents import flow as incidents_flow
    from models.incidents.tables import get_incident
    from models.leave import flow as leave_requests
    from models.leave.tables import get_type

    desks = {desks} if isinstance(desks, str) else desks
    w = build_world(runtime, standin, tmp_path, desks)
    if "backoffice" in desks:
        from models.core.notify import notify

        with runtime.unit_of_work(source="test") as ctx:  # two dead letters (parked before any send)
            for n in (1, 2):
                row = notify(ctx, "admin/role_changed", {"name": f"N{n}", "roles": ["sales"]}, channel="C0GONE0001")
                row.status, row.dead_at, row.last_error = "dead", ctx.now, "not_in_channel"
                ctx.session.flush()
                w[f"dead{n}"] = str(row.id)
    if "leave" in desks:
        with as_person(runtime, EMPLOYEE) as ctx:
            vacation = get_type(ctx.session, "vacation")
            for n, day in enumerate((1, 3, 9, 28), start=1):  # Dec 1-2, 3-4, 9-10, 28-29: João's, pending
                w[f"l{n}"] = leave_requests.file_request(ctx, vacation, dt.date(2026, 12, day),
                                                         dt.date(2026, 12, day + 1)).id
    if "incident" in desks:
        with as_person(runtime, SALES) as ctx:
            for n in range(1, 10):
                number = incidents_flow.report(ctx, title=f"Falha {n}", severity="3").number
                w[f"i{n}"], w[f"i{n}n"] = f"INC-{number:04d}", str(number)
            sev2 = incidents_flow.report(ctx, title="Site lento", severity="2").number
        runtime.sender.wait_idle(timeout=30)
        standin.settle()
        with runtime.db.session() as s:
            w["sev2_channel"] = get_incident(s, sev2).channel_id
        assert w["sev2_channel"], "the SEV2 incident should have its channel"
        standin.history[w["sev2_channel"]] = [{"type": "message", "ts": "1764001234.000100", "user": ONCALL,
                                               "text": "O certificado TLS expirou"}]
    return w


# -- what changed ------------------------------------------------------------------------------------------

def snapshot(runtime, standin, wire: Wire) -> dict[str, Any]:
    """Rows per table, audit records per action, and Slack calls per method, once everything settled."""
    wire.finished()
    runtime.sender.wait_idle(timeout=30)
    standin.settle(quiet=0.1)  # the listeners and the outbox are done: this only shows nothing else comes
    with runtime.db.session() as s:
        audit = Counter(dict(s.execute(select(AuditRecord.action, func.count()).group_by(AuditRecord.action)).all()))
    calls = Counter(c.method for c in standin.calls if c.method in SLACK_CALLS)
    return {"rows": row_counts(runtime), "audit": audit, "calls": calls}


def delta(before: dict, after: dict) -> dict[str, dict]:
    out = {}
    for part in ("rows", "audit", "calls"):
        changed = {k: after[part].get(k, 0) - before[part].get(k, 0) for k in set(before[part]) | set(after[part])}
        out[part] = {k: v for k, v in changed.items() if v}
    return out


class Wire:
    """Catches the body of the request an entry makes, so it can be sent again byte for byte."""

    def __init__(self, bot) -> None:
        self.bot, self.post = bot, bot.post
        self.listeners = Listeners(bot)

    def finished(self) -> None:
        self.listeners.finished()

    def build(self, entry: Entry, standin, w: dict) -> tuple[str, str]:
        caught: list[tuple[str, str]] = []

        def catch(body: str, content_type: str, **kw: Any) -> Response:
            caught.append((body, content_type))
            return Response(200, "", 0.0)

        self.bot.post = catch
        try:
            entry.send(self.bot, standin, w)
        finally:
            self.bot.post = self.post
        assert len(caught) == 1, entry.what
        return caught[0]

    def send(self, request: tuple[str, str], retry_num: int | None = None) -> Response:
        resp = self.post(*request, retry_num=retry_num)
        assert resp.status == 200, (resp.status, resp.body[:300])
        return resp


def _entries(desk: str) -> list[Entry]:
    return [e for e in ENTRIES if e.desk == desk]


def _prepare(entry: Entry, bot, standin, w: dict) -> None:
    w.pop("prepared", None)
    if entry.prepare is not None:
        w["prepared"] = entry.prepare(bot, standin, w)


def _acted(entry: Entry, change: dict) -> str | None:
    """What is wrong with the first send's effect, or None."""
    if entry.acted is not None and change["audit"].get(entry.acted) != 1:
        return f"{entry.what}: expected one {entry.acted} record, got {change['audit']}"
    if entry.acted is None and not change["calls"]:
        return f"{entry.what}: expected an answer in Slack, got none"
    return None


# -- the stories ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("desk", DESKS)
def test_a_retried_request_is_acted_on_once(bot, people, runtime, standin, tmp_path, desk):
    wire = Wire(bot)
    w = world_for(runtime, standin, tmp_path, desk)
    wrong = []
    for entry in _entries(desk):
        _prepare(entry, bot, standin, w)
        request = wire.build(entry, standin, w)
        start = snapshot(runtime, standin, wire)
        wire.send(request)
        first = snapshot(runtime, standin, wire)
        wrong.append(_acted(entry, delta(start, first)))
        wire.send(request, retry_num=1)
        again = delta(first, snapshot(runtime, standin, wire))
        if any(again.values()):
            wrong.append(f"{entry.what}: the retries did more: {again}")
    wrong = [x for x in wrong if x]
    assert not wrong, "\n".join(wrong)


def _reset(runtime, standin) -> None:
    """Back to an empty, migrated database and a quiet stand-in (PostgreSQL: what the fixture does)."""
    runtime.sender.wait_idle(timeout=30)
    standin.settle()
    with runtime.db.engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    standin.reset()


# One of each kind of entry point (the retry protection differs: a command is remembered when it
# commits; a button, a form and an event claim their key before acting).
EACH_KIND = ["/trade confirm", "/incident note", "Approve button", "Take it button",
             "the /incident form, submitted (SEV2: its own channel)", "the reject form, submitted",
             "a :pushpin: on a message in the incident's channel"]


@pg_only()
def test_two_copies_at_once_of_each_kind_do_what_one_did(bot, people, runtime, standin, tmp_path):
    entries = [e for e in ENTRIES if e.what in EACH_KIND]
    assert len(entries) == len(EACH_KIND)
    _concurrently(bot, runtime, standin, tmp_path, {e.desk for e in entries}, entries)


@pytest.mark.long
@pg_only()
@pytest.mark.parametrize("desk", DESKS)
def test_two_copies_at_once_do_what_one_did(bot, people, runtime, standin, tmp_path, desk):
    _concurrently(bot, runtime, standin, tmp_path, {desk}, _entries(desk))


def _concurrently(bot, runtime, standin, tmp_path, desks: set[str], entries: list[Entry]) -> None:
    """Each entry once, then all again from scratch with each request sent twice at once: the same outcome."""
    from tests.conftest import DATA

    wire = Wire(bot)

    def walk(copies: int) -> list[dict]:
        w = world_for(runtime, standin, tmp_path, desks)
        changes = []
        for entry in entries:
            _prepare(entry, bot, standin, w)
            request = wire.build(entry, standin, w)
            start = snapshot(runtime, standin, wire)
            if copies == 1:
                wire.send(request)
            else:
                go = threading.Barrier(copies)
                threads = [threading.Thread(target=_together, args=(go, wire, request, n)) for n in range(copies)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
            changes.append(delta(start, snapshot(runtime, standin, wire)))
        return changes

    once = walk(1)
    _reset(runtime, standin)
    _import_people(runtime, DATA)
    twice = walk(2)
    wrong = [f"{e.what}: one copy did {a}, two at once did {b}" for e, a, b in zip(entries, once, twice) if a != b]
    wrong += [x for e, a in zip(entries, once) if (x := _acted(e, a))]
    assert not wrong, "\n".join(wrong)


def _together(go: threading.Barrier, wire: Wire, request: tuple[str, str], n: int) -> None:
    go.wait()
    wire.send(request, retry_num=n or None)  # the first copy as sent, the second as Slack's retry


def _import_people(runtime, data) -> None:
    from bot.importing import read_table

    importer = runtime.registry.importers["people"]
    table = read_table(data / "people.csv", importer.required, importer.optional)
    with runtime.unit_of_work(source="test") as ctx:
        importer.run(ctx, table)


def test_the_table_lists_every_command_button_form_and_event_that_changes_something(runtime):
    """A new subcommand, button, form or event must be added to ENTRIES, or to READ_ONLY saying why."""
    listed = {e.send.target for e in ENTRIES}
    everything = {("/" + c.name, sub) for c in runtime.registry.commands.values()
                  for sub in {e.name for e in c.subcommands.values()}}
    everything |= {("button", a) for a in runtime.registry.actions}
    everything |= {("form", v) for v in runtime.registry.views}
    everything |= {("event", e) for e in runtime.registry.events} | {("event", "app_mention")}
    assert sorted(everything - listed - set(READ_ONLY)) == []
    assert sorted(set(READ_ONLY) & listed) == []


READ_ONLY = {
    ("/backoffice", "whoami"): "who am I", ("/backoffice", "people"): "lists people",
    ("/backoffice", "outbox"): "lists dead letters",
    ("/stock", "low"): "lists low stock", ("button", "stock_open"): "shows a product card",
    ("/leave", "balance"): "shows balances", ("/leave", "list"): "lists my requests",
    ("/leave", "who"): "who is out", ("/leave", "pending"): "what waits for me", ("/leave", "show"): "one request",
    ("/leave", "types"): "lists the types", ("/leave", "request"): "opens the form (its submission is listed)",
    ("button", "leave_open"): "opens the form",
    ("/trade", "pending"): "lists trades", ("/trade", "breaks"): "lists breaks", ("/trade", "show"): "one trade",
    ("button", "trade_show"): "one trade", ("button", "trades_breaks"): "lists",
    ("button", "trades_pending"): "lists", ("button", "trades_breaks_page"): "another page of the list",
    ("button", "trades_pending_page"): "another page of the list",
    ("button", "incident_list_page"): "another page of the list", ("button", "leave_list_page"): "another page",
    ("button", "leave_pending_page"): "another page", ("button", "people_page"): "another page",
    ("button", "stock_low_page"): "another page",
    ("button", "stock_watch_page"): "another page of what one watches",
    ("/incident", "list"): "lists incidents", ("/incident", "show"): "one incident",
    ("/incident", "report"): "opens the form (its submission is listed)",
    ("button", "incident_report_open"): "opens the form",
    ("/digest", "now"): "a preview, only to me", ("/digest", "settings"): "shows settings",
    ("/digest", "status"): "shows the runs",
}
