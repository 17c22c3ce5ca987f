"""The role matrix: every command, subcommand and button, tried by each role, allowed or refused.

One table (``ROWS``) says who may do what, checkable line by line against PRODUCT.md and the desk
issues. Each row is tried twice:

* over signed HTTP, as each role: a refused person gets the friendly ephemeral refusal
  (``:no_entry:`` and who would be allowed) and nothing is stored; an allowed person is not refused
  (they may still be told the thing is already done: that is not a permission answer);
* straight into the domain (``DOMAIN``), as each role: the refused ones get ``PermissionDenied``,
  the allowed ones go through (each call is rolled back, so every allowed role really acts).

The people (bot/demo_data/people.csv):
    employee  João Santos (U070000007), reports to Isabela
    sales     Mariana Souza (U070000004)
    backoffice Quésia Almeida (U070000005)
    oncall    Henrique Oliveira (U070000006)
    manager   Isabela Silva (U070000003), João's manager and so his approver; no manager herself
    admin     Eduarda Silva (U070000023)
    stranger  U0STRANGE1, first seen in this test (made an employee from users.info)
plus, where a rule is about a person rather than a role: Nicolas (back office, books
T20261123-0001), Gabriela (back office, imported the trades), Karina (on call, not the assignee).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from bot.render import render_text
from models.core import people as people_domain
from models.core import people_flow
from models.core.errors import DomainError, PermissionDenied
from models.core.people import ROLE_LABELS
from models.core.platform import ProcessedRequest
from models.digest import tables as digest_domain
from models.incidents import flow as incidents_flow
from models.incidents.tables import get_incident
from models.leave import flow as leave_requests
from models.leave import queries as leave_views
from models.leave.balance import set_allowance
from models.leave.tables import get_type
from models.leave.types import configure_type
from models.stock.flow import watch
from models.trades import flow as trades_flow
from models.trades import report as trades_report
from tests.cast import WESLEY
from tests.reliability.world import (
    DESKS,
    OTHERS,
    ROLES,
    Listeners,
    as_person,
    build_world,
    row_counts,
)

ALL = frozenset(ROLES)


@dataclass(frozen=True)
class Row:
    """``what`` (a command line or a button), who may (the rest are refused), and what the refusal names."""

    what: str
    allowed: frozenset[str]
    needs: str | tuple[str, ...] = ()  # the refusal names one of these (the role needed, or the rule)
    others: tuple[tuple[str, bool], ...] = ()  # extra people: (OTHERS key, allowed?)
    form: dict | None = field(default=None)  # a modal submission: {"callback_id", "answers", "metadata"}

    @property
    def id(self) -> str:
        return self.what


def only(*roles: str) -> frozenset[str]:
    return frozenset(roles)


EVERYONE = ALL
BACKOFFICE = only("backoffice", "admin")
RESPONDERS = only("oncall", "admin")
ADMINS = only("admin")
MANAGERS = only("manager", "admin")
APPROVER = only("manager", "admin")  # Isabela approves João; admins approve anyone
TRADE_EYES = (("Nicolas, booked the trades", False), ("Gabriela, imported both", False))
BREAK_EYES = (("Ana, booked the breaks", False), ("Gabriela, imported both", False))
TRADE_NEEDS = ("backoffice", "quatro olhos")

# {leave} João's vacation, {sick} João's sick leave, {own} Isabela's own vacation,
# {trade}/{trade2} matched trades, {break}/{break2} mismatched ones, {inc} an open incident, {done} a resolved one
# assigned to Henrique (on call).
ROWS: list[Row] = [
    # -- /backoffice: admins change roles and list people; anyone asks who they are.
    Row("/backoffice whoami", EVERYONE),
    Row("/backoffice help", EVERYONE),
    Row("/backoffice role <@U070000008> backoffice", ADMINS, "admin"),
    Row("/backoffice people", ADMINS, "admin"),
    # -- /stock: readable by everyone, and anyone may watch an item.
    Row("/stock parafuso m8", EVERYONE),
    Row("/stock", EVERYONE),
    Row("/stock low", EVERYONE),
    Row("/stock watch PRD-2008", EVERYONE),
    Row("/stock unwatch PRD-2008", EVERYONE),
    Row("button stock_open PRD-2001", EVERYONE),
    Row("button stock_watch PRD-2008", EVERYONE),
    Row("button stock_unwatch PRD-2008", EVERYONE),
    # -- /leave: everyone requests and sees their own; approvers decide, never their own; admins configure.
    Row("/leave", EVERYONE),
    Row("/leave balance", EVERYONE),
    Row("/leave list", EVERYONE),
    Row("/leave who week", EVERYONE),
    Row("/leave pending", EVERYONE),
    Row("/leave types", EVERYONE),
    Row("/leave balance <@U070000007>", only("employee", "manager", "admin"), "aprova"),
    Row("/leave show {sick}", only("employee", "manager", "admin"), "aprova"),
    Row("/leave type sabbatical allowance=10", ADMINS, "admin"),
    Row("/leave allowance <@U070000007> vacation 25", ADMINS, "admin"),
    Row("button leave_open x", EVERYONE),
    Row("button leave_approve {leave}", APPROVER, "aprova"),
    Row("button leave_reject {leave}", APPROVER, "aprova"),
    Row("button leave_approve {own}", ADMINS, "aprova"),
    Row("form leave_reject {leave}", APPROVER, "aprova",
        form={"callback_id": "leave_reject", "answers": {"reason": "Fim de ano, equipe reduzida"},
              "metadata": {"request": "{leave}"}}),
    Row("/leave cancel {leave}", only("employee", "manager", "admin"), "aprova"),
    Row("button leave_cancel {sick}", only("employee", "manager", "admin"), "aprova"),
    # -- /trade: the back office; four eyes: never the booker nor the importer confirms or overrides.
    Row("/trade pending", BACKOFFICE, "backoffice"),
    Row("/trade breaks", BACKOFFICE, "backoffice"),
    Row("/trade show {trade}", BACKOFFICE, "backoffice"),
    Row("/trade report 2026-11-23", only("backoffice", "manager", "admin"), "backoffice"),
    Row("/trade confirm {trade}", BACKOFFICE, TRADE_NEEDS, TRADE_EYES),
    Row("/trade accept {break}", BACKOFFICE, TRADE_NEEDS, BREAK_EYES),
    Row("/trade dispute {break} corretora cobrou a mais", BACKOFFICE, "backoffice"),
    Row("button trade_confirm {trade2}", BACKOFFICE, TRADE_NEEDS, TRADE_EYES),
    Row("button trade_accept {break2}", BACKOFFICE, TRADE_NEEDS, BREAK_EYES),
    Row("button trade_dispute {break}", BACKOFFICE, "backoffice"),
    Row("button trade_show {trade}", BACKOFFICE, "backoffice"),
    Row("button trades_pending x", BACKOFFICE, "backoffice"),
    Row("button trades_breaks x", BACKOFFICE, "backoffice"),
    Row("form trade_dispute {break}", BACKOFFICE, "backoffice",
        form={"callback_id": "trade_dispute", "answers": {"reason": "preço da corretora diverge"},
              "metadata": {"ref": "{break}"}}),
    # -- /incident: anyone reports and adds notes; on call and admins ack, assign, re-rate and
    #    resolve; the assignee or an admin closes.
    Row("/incident", EVERYONE),
    Row("/incident list", EVERYONE),
    Row("/incident show {inc}", EVERYONE),
    Row("/incident note {inc} clientes relatam lentidão", EVERYONE),
    Row("button incident_report_open x", EVERYONE),
    Row("/incident ack {inc}", RESPONDERS, "plantão"),
    Row("/incident assign {inc} <@U070000006>", RESPONDERS, "plantão"),
    Row("/incident severity {inc} 2", RESPONDERS, "plantão"),
    Row("/incident status {inc} mitigated", RESPONDERS, "plantão"),
    Row("/incident resolve {inc}", RESPONDERS, "plantão"),
    Row("/incident close {done} causa corrigida", only("oncall", "admin"), "responsável",
        (("Karina, on call, not assignee", False),)),
    Row("button incident_ack {inc}", RESPONDERS, "plantão"),
    Row("button incident_take {inc}", RESPONDERS, "plantão"),
    Row("button incident_mitigated {inc}", RESPONDERS, "plantão"),
    Row("button incident_resolved {inc}", RESPONDERS, "plantão"),
    # -- /digest: anyone previews their own; managers subscribe channels; admins see the runs.
    Row("/digest now", EVERYONE),
    Row("/digest settings", EVERYONE),
    Row("/digest subscribe weekdays 08:30", MANAGERS, "manager"),
    Row("/digest unsubscribe", MANAGERS, "manager"),
    Row("/digest status", ADMINS, "admin"),
]


# -- the world every row is tried in ------------------------------------------------------------------

def desk_of(row: Row) -> str:
    """backoffice, stock, leave, trade, incident or digest: which desk's world the row needs."""
    word = row.what.split()[0] if row.what.startswith("/") else row.what.split()[1]
    return word.lstrip("/").split("_")[0].removesuffix("s") if not row.what.startswith("/") else word.lstrip("/")


def _fill(text: str, world: dict) -> str:
    return text.format(**world)


def _cast(row: Row) -> list[tuple[str, str, bool]]:
    """(who, slack id, allowed?) for the row: the refused first, so each refusal meets the untouched state."""
    cast = [(role, sid, role in row.allowed) for role, sid in ROLES.items()]
    cast += [(who, OTHERS[who], ok) for who, ok in row.others]
    return sorted(cast, key=lambda c: c[2])


# -- layer (a): over signed HTTP ------------------------------------------------------------------------

def _processed(runtime, trigger: str) -> bool:
    with runtime.db.session() as s:
        return s.scalar(select(ProcessedRequest.key).where(ProcessedRequest.key.like(f"%:{trigger}%"))) is not None


def _answer_to_click(bot, runtime, standin, trigger: str) -> str | None:
    """Wait until the click was acted on (its key remembered) or answered with an error; that answer."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        said = standin.of("response_url", where=lambda c: c["_path"].endswith("/" + trigger)) + \
            standin.of("chat.postMessage", where=lambda c: trigger in json.dumps(c.args))
        errors = [c for c in said if ":no_entry:" in c.text or ":warning:" in c.text or ":mag:" in c.text]
        if errors:
            return errors[0].text + ("" if errors[0].get("response_type") == "ephemeral" else "\n<not ephemeral>")
        if _processed(runtime, trigger):
            return None
        time.sleep(0.02)
    raise AssertionError(f"the click {trigger} got no answer")


_n = itertools.count(1)


def _try_http(bot, runtime, standin, row: Row, world: dict, user: str) -> tuple[bool, str]:
    """(refused?, what the person read) for ``row`` done by ``user`` over HTTP."""
    what = _fill(row.what, world)
    trigger = f"roles.{next(_n)}"
    if what.startswith("/"):
        command, _, text = what.partition(" ")
        resp = bot.command(command, text, user=user, trigger_id=trigger)
        assert resp.status == 200, (what, resp.status)
        if not resp.body:
            return False, ""
        body = resp.json
        said = resp.text
        refused = ":no_entry:" in said
        if refused:
            assert body.get("response_type") == "ephemeral", (what, body)
        return refused, said
    kind, name, value = what.split(" ", 2)
    if kind == "button":
        resp = bot.click((name, value), user=user, trigger_id=trigger)
        assert resp.status == 200, (what, resp.status)
        said = _answer_to_click(bot, runtime, standin, trigger) or ""
        refused = ":no_entry:" in said
        if refused:
            assert "<not ephemeral>" not in said, (what, said)
        return refused, said
    assert kind == "form" and row.form
    meta = {k: _fill(v, world) for k, v in row.form["metadata"].items()}
    view = {"type": "modal", "callback_id": row.form["callback_id"], "private_metadata": json.dumps(meta),
            "blocks": [{"type": "input", "block_id": k, "element": {"type": "plain_text_input", "action_id": "v"}}
                       for k in row.form["answers"]]}
    resp = bot.submit(view, row.form["answers"], user=user, trigger_id=trigger)
    assert resp.status == 200, (what, resp.status)
    body = resp.json
    errors = " ".join(body.get("errors", {}).values()) if body.get("response_action") == "errors" else ""
    # A refused form keeps the modal open with the refusal next to the field (never a silent close).
    return bool(errors) and not _processed(runtime, trigger) and _is_permission(errors), errors


def _is_permission(text: str) -> bool:
    return any(w in text for w in ("Só ", "Somente ", "Apenas ", "Ninguém ", "papel", "quatro olhos"))


def _names(said: str, needs: str | tuple[str, ...]) -> bool:
    """Whether a refusal names one of the roles ``needs``, in the reader's (Portuguese) words."""
    needs = (needs,) if isinstance(needs, str) else needs
    return not needs or any(render_text(ROLE_LABELS.get(n, n), "pt-BR") in said for n in needs)


@pytest.mark.parametrize("desk", DESKS)
def test_over_http_each_role_is_allowed_or_refused_as_the_table_says(bot, people, runtime, standin, tmp_path, desk):
    world = build_world(runtime, standin, tmp_path, {desk})
    listeners = Listeners(bot)
    wrong = []
    for row in [r for r in ROWS if desk_of(r) == desk]:
        for who, user, allowed in _cast(row):
            listeners.finished()
            before = row_counts(runtime) if not allowed else None
            refused, said = _try_http(bot, runtime, standin, row, world, user)
            if allowed and refused:
                wrong.append(f"{row.what}: {who} should be allowed, was told: {said}")
            elif not allowed and not refused:
                wrong.append(f"{row.what}: {who} should be refused, was told: {said[:200]!r}")
            elif not allowed:
                if not _names(said, row.needs):
                    wrong.append(f"{row.what}: the refusal to {who} should name {row.needs!r}: {said}")
                listeners.finished()
                if row_counts(runtime) != before:
                    wrong.append(f"{row.what}: refusing {who} stored something")
    assert not wrong, "\n".join(wrong)


# -- layer (b): the domain, called directly --------------------------------------------------------------

def _person(ctx, key: str):
    return people_domain.get_person(ctx.session, ROLES.get(key, key))


def _inc(ctx, world, key="inc_n"):
    return get_incident(ctx.session, world[key], lock=True)


# What each row's domain call is; rows whose handlers only read (lists, help, search) have none.
DOMAIN: dict[str, Callable[[Any, dict], Any]] = {
    "/backoffice role <@U070000008> backoffice":
        lambda ctx, w: people_flow.set_role(ctx, _person(ctx, WESLEY), people_domain.Role.backoffice),
    "/backoffice people": lambda ctx, w: people_flow.list_people(ctx),
    "/stock watch PRD-2008": lambda ctx, w: watch(ctx, "PRD-2008"),
    "/leave balance <@U070000007>": lambda ctx, w: leave_views.balance_report(ctx, _person(ctx, "employee")),
    "/leave show {sick}": lambda ctx, w: leave_views.show_request(ctx, w["sick"]),
    "/leave type sabbatical allowance=10": lambda ctx, w: configure_type(ctx, "sabbatical", {"allowance": "10"}),
    "/leave allowance <@U070000007> vacation 25":
        lambda ctx, w: set_allowance(ctx, _person(ctx, "employee"), get_type(ctx.session, "vacation"), 2026,
                                     Decimal(25)),
    "button leave_approve {leave}": lambda ctx, w: leave_requests.approve(ctx, w["leave"]),
    "button leave_reject {leave}": lambda ctx, w: leave_requests.check_decidable(ctx, w["leave"]),
    "button leave_approve {own}": lambda ctx, w: leave_requests.approve(ctx, w["own"]),
    "form leave_reject {leave}": lambda ctx, w: leave_requests.reject(ctx, w["leave"], "Fim de ano"),
    "/leave cancel {leave}": lambda ctx, w: leave_requests.cancel(ctx, w["leave"]),
    "button leave_cancel {sick}": lambda ctx, w: leave_requests.cancel(ctx, w["sick"]),
    "/trade pending": lambda ctx, w: trades_flow.pending(ctx),
    "/trade breaks": lambda ctx, w: trades_flow.breaks(ctx),
    "/trade report 2026-11-23": lambda ctx, w: trades_report.build_report(ctx, dt.date(2026, 11, 23)),
    "/trade confirm {trade}": lambda ctx, w: trades_flow.confirm(ctx, w["trade"]),
    "/trade accept {break}": lambda ctx, w: trades_flow.accept_broker_values(ctx, w["break"]),
    "/trade dispute {break} corretora cobrou a mais":
        lambda ctx, w: trades_flow.dispute(ctx, w["break"], "corretora cobrou a mais"),
    "/incident note {inc} clientes relatam lentidão":
        lambda ctx, w: incidents_flow.add_note(ctx, _inc(ctx, w), "clientes relatam lentidão"),
    "/incident": lambda ctx, w: incidents_flow.report(ctx, title="Wi-Fi caiu", severity="4"),
    "/incident ack {inc}": lambda ctx, w: incidents_flow.acknowledge(ctx, _inc(ctx, w)),
    "/incident assign {inc} <@U070000006>":
        lambda ctx, w: incidents_flow.assign(ctx, _inc(ctx, w), _person(ctx, "oncall")),
    "/incident severity {inc} 2": lambda ctx, w: incidents_flow.set_severity(ctx, _inc(ctx, w), "2"),
    "/incident status {inc} mitigated": lambda ctx, w: incidents_flow.set_status(ctx, _inc(ctx, w), "mitigated"),
    "/incident resolve {inc}": lambda ctx, w: incidents_flow.resolve(ctx, _inc(ctx, w)),
    "/incident close {done} causa corrigida":
        lambda ctx, w: incidents_flow.close(ctx, _inc(ctx, w, "done_n"), summary="causa corrigida"),
    "/digest subscribe weekdays 08:30":
        lambda ctx, w: digest_domain.subscribe(ctx, "C0GENERAL", channel_name="geral",
                                               frequency=digest_domain.Frequency.weekdays, at_time="08:30",
                                               timezone="America/Sao_Paulo"),
}
# Buttons that call the same domain function as a command are the same rule: tried once above.
DOMAIN_ROWS = [r for r in ROWS if r.what in DOMAIN]


class _Undo(Exception):
    """Roll the unit of work back: every allowed person acts on the same untouched state."""


def _try_domain(runtime, fn, world: dict, user: str) -> str:
    try:
        with as_person(runtime, user) as ctx:
            fn(ctx, world)
            raise _Undo
    except _Undo:
        return "allowed"
    except PermissionDenied as err:
        return "refused: " + err.message
    except DomainError as err:
        return f"{type(err).__name__}: {err.message}"


def test_the_domain_table_covers_every_mutating_row():
    assert len(DOMAIN_ROWS) == len(DOMAIN), sorted(set(DOMAIN) - {r.what for r in ROWS})


def test_calling_the_domain_directly_refuses_the_same_people(people, runtime, standin, tmp_path):
    world = build_world(runtime, standin, tmp_path, set(DESKS))
    wrong = []
    for row in DOMAIN_ROWS:
        for who, user, allowed in _cast(row):
            outcome = _try_domain(runtime, DOMAIN[row.what], world, user)
            if allowed and outcome != "allowed":
                wrong.append(f"{row.what}: {who} should be allowed by the domain: {outcome}")
            if not allowed and not outcome.startswith("refused"):
                wrong.append(f"{row.what}: {who} should get PermissionDenied: {outcome}")
    assert not wrong, "\n".join(wrong)


def test_a_stranger_seen_for_the_first_time_is_refused_and_only_becomes_known(bot, people, runtime, standin):
    """The table's stranger was met before the rows run; here one is met by a refused request itself."""
    from models.core.audit import AuditRecord

    before = row_counts(runtime)
    resp = bot.command("/trade", "confirm T20261123-0001", user="U0NEWBIE1")
    assert resp.json.get("response_type") == "ephemeral" and ":no_entry:" in resp.text and "back office" in resp.text
    after = row_counts(runtime)
    assert {t for t in after if after[t] != before[t]} <= {"people", "person_roles", "audit_records"}
    with runtime.db.session() as s:
        actions = s.scalars(select(AuditRecord.action).order_by(AuditRecord.id.desc())
                            .limit(after["audit_records"] - before["audit_records"])).all()
    assert set(actions) <= {"person.created"}
