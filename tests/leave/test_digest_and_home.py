"""The leave parts of the manager digest and the App Home, built in one batch and rendered."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import event

from bot.registry import DigestScope
from bot.render import environment
from bot.request import Request
from models.core.people import Person, get_person
from tests.cast import GABRIELA, ISABELA, MARIANA, SOFIA, TIAGO, WESLEY, YASMIN
from tests.leave.helpers import button, dms, request_leave

WRAPPER = ('{% import template as desk with context %}{% set blocks = [] %}{% do desk.section(blocks, data) %}'
           '{{ message("digest", blocks) }}')


def render_section(template: str, data: dict, locale: str = "pt-BR") -> dict:
    import json

    text = environment(locale).from_string(WRAPPER).render(template=template, data=data, _locale=locale,
                                                            _tz="America/Sao_Paulo")
    return json.loads(text)


def scope_of(runtime, users: list[str], day: dt.date) -> DigestScope:
    rows = []
    with runtime.db.session() as s:
        for user in users:
            p: Person = get_person(s, user)
            rows.append({"person_id": p.id, "name": p.name, "slack_user_id": p.slack_user_id, "team": p.team,
                         "roles": sorted(p.roles), "country": p.country, "subdivision": p.subdivision,
                         "timezone": p.timezone, "locale": p.locale, "day": day})
    return DigestScope(managers=pd.DataFrame(rows), now=dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC))


def build(runtime, name: str, scope: DigestScope) -> dict:
    section = next(s for s in runtime.registry.digest_sections if s.desk == "leave" and name in s.template)
    with runtime.db.session() as s:
        return section.build(s, scope), section.template


def setup_leave(bot, standin) -> None:
    request_leave(bot, standin, MARIANA, "2026-11-26", "2026-11-27")
    request_leave(bot, standin, YASMIN, "2026-11-26", "2026-11-26", type="sick", note="exame")
    for dm in dms(standin, TIAGO, 2):
        bot.click(button(dm, "leave_approve"), user=TIAGO, channel=TIAGO)
    dms(standin, YASMIN, contains="aprovou")
    dms(standin, MARIANA, contains="aprovou")
    request_leave(bot, standin, WESLEY, "2026-12-14", "2026-12-18", note="viagem")


def test_digest_approvals_waiting_with_buttons(bot, standin, people, runtime):
    setup_leave(bot, standin)
    data, template = build(runtime, "approvals", scope_of(runtime, [TIAGO, GABRIELA], dt.date(2026, 11, 26)))
    tiago = get_id(runtime, TIAGO)
    assert list(data) == [tiago]  # Gabriela has nothing waiting
    msg = render_section(template, data[tiago])
    text = str(msg["blocks"])
    assert "1 pedido de ausência espera por você" in text and "Wesley Lima" in text and "14 de dez. de 2026" in text
    actions = [b for b in msg["blocks"] if b["type"] == "actions"]
    assert actions[0]["elements"][0]["action_id"].startswith("leave_approve:")
    # The digest's button decides like the DM's.
    bot.click(actions[0]["elements"][0], user=TIAGO, channel="D0DIGEST1")
    dms(standin, WESLEY, contains="aprovou")


def test_digest_team_out_today_and_next_working_day_says_out_for_sick_leave(bot, standin, people, runtime):
    setup_leave(bot, standin)
    data, template = build(runtime, "out", scope_of(runtime, [TIAGO, GABRIELA], dt.date(2026, 11, 26)))
    tiago = get_id(runtime, TIAGO)
    assert list(data) == [tiago]
    assert [r["person"] for r in data[tiago]["today_out"]] == ["Mariana Souza", "Yasmin Costa"]
    assert [r["person"] for r in data[tiago]["tomorrow_out"]] == ["Mariana Souza"]
    text = str(render_section(template, data[tiago])["blocks"])
    assert "Quem da sua equipe está ausente" in text
    assert "Yasmin Costa (Ausente" in text and "Licença médica" not in text and "exame" not in text
    assert "Mariana Souza (Férias, até 27 de nov. de 2026)" in text
    english = str(render_section(template, data[tiago], locale="en")["blocks"])
    assert "Who of your team is out" in english and "Next working day" in english


def test_digest_sections_are_built_in_one_batch_not_per_manager(bot, standin, people, runtime):
    setup_leave(bot, standin)
    runtime.sender.wait_idle()  # the approver's DM is being sent in the background: do not count its queries
    few = scope_of(runtime, [TIAGO], dt.date(2026, 11, 26))
    many = scope_of(runtime, [TIAGO, GABRIELA, SOFIA, ISABELA], dt.date(2026, 11, 26))
    for name in ("approvals", "out"):
        build(runtime, name, many)  # warm up: connections, types
        counts = []
        for scope in (few, many):
            seen = []

            def listener(conn, cursor, statement, *args, seen=seen):
                if statement.lstrip().upper().startswith("SELECT"):
                    seen.append(statement)

            event.listen(runtime.db.engine, "before_cursor_execute", listener)
            try:
                build(runtime, name, scope)
            finally:
                event.remove(runtime.db.engine, "before_cursor_execute", listener)
            counts.append(len(seen))
        assert counts[0] == counts[1], (name, counts)


def test_home_shows_my_balance_requests_and_approvals_waiting(bot, standin, people, runtime):
    from handlers.leave.sections import home as home_section

    setup_leave(bot, standin)
    section = next(h for h in runtime.registry.home_sections if h.desk == "leave")
    for user, expect, absent in ((TIAGO, ["Wesley Lima", "leave_approve:"], []),
                                 (WESLEY, ["Férias: *17 dias restantes*", "14 de dez. de 2026", "pendente"],
                                  ["leave_approve:"])):
        with runtime.unit_of_work(actor=get_id(runtime, user), source="test") as ctx:
            data = home_section(Request(runtime, ctx))
        text = str(render_section(section.template, data)["blocks"])
        for word in expect:
            assert word in text, (user, word)
        for word in absent:
            assert word not in text
        assert "leave_open" in text  # the Request leave button
    before = len(standin.of("views.open"))
    bot.click(("leave_open", "home"), user=WESLEY, view={"id": "VHOME", "type": "home"})
    assert standin.wait_for("views.open", before + 1)[-1]["view"]["callback_id"] == "leave_request"


def get_id(runtime, user: str) -> int:
    with runtime.db.session() as s:
        return get_person(s, user).id
