"""The digest section, the chart series and the App Home section, built directly."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from bot.registry import DigestScope
from bot.render import environment
from tests.cast import HENRIQUE, MARIANA, WESLEY
from tests.incidents.helpers import card_posts, report


def _render_section(template: str, data: dict, locale: str = "pt-BR") -> list[dict]:
    module = environment(locale).get_template(template).make_module({"_locale": locale, "_tz": "America/Sao_Paulo"})
    blocks: list[dict] = []
    module.section(blocks, data)
    return blocks


def _text(blocks: list[dict]) -> str:
    from tests.slack_standin import _block_text

    return _block_text(blocks)


def test_digest_section_counts_open_incidents_by_severity_for_every_manager(bot, standin, people, runtime):
    registry = runtime.registry
    section = next(d for d in registry.digest_sections if d.desk == "incidents")
    managers = pd.DataFrame({"person_id": [1, 2, 3]})
    scope = DigestScope(managers=managers, now=runtime.clock.now())
    with runtime.db.session() as s:
        assert section.build(s, scope) == {}  # nothing open: nothing to say
    report(bot, standin, severity="1", title="Site fora")
    report(bot, standin, severity="3", title="Impressora")
    report(bot, standin, severity="3", title="Wi-Fi lento")
    bot.command("/incident", "resolve 3", user=HENRIQUE)
    bot.command("/incident", "close 3", user=HENRIQUE)
    with runtime.db.session() as s:
        built = section.build(s, scope)
    assert set(built) == {1, 2, 3}
    data = built[1]
    assert data["total"] == 2
    assert {r["severity"]: r["count"] for r in data["by_severity"]} == {1: 1, 2: 0, 3: 1, 4: 0}
    text = _text(_render_section(section.template, data))
    assert "2 incidentes abertos" in text and "INC-0001" in text and "Site fora" in text and "INC-0003" not in text
    assert "2 open incidents" in _text(_render_section(section.template, data, "en"))


def test_series_counts_incidents_open_at_the_end_of_each_day(bot, standin, people, runtime, clock):
    series = next(s for s in runtime.registry.digest_series if s.label == "Open incidents")
    clock.set(dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC))  # Monday
    report(bot, standin, title="A")
    clock.set(dt.datetime(2026, 11, 24, 13, 0, tzinfo=dt.UTC))
    report(bot, standin, title="B")
    bot.command("/incident", "resolve 1", user=HENRIQUE)
    clock.set(dt.datetime(2026, 11, 25, 2, 30, tzinfo=dt.UTC))  # still Tuesday in São Paulo
    bot.command("/incident", "close 1", user=HENRIQUE)
    with runtime.db.session() as s:
        counts = series.build(s, dt.date(2026, 11, 22), dt.date(2026, 11, 25))
    assert counts == {dt.date(2026, 11, 22): 0, dt.date(2026, 11, 23): 1, dt.date(2026, 11, 24): 1,
                      dt.date(2026, 11, 25): 1}


def test_home_section_shows_my_incidents_as_reporter_or_assignee(bot, standin, people, runtime):
    from bot.request import Request
    from models.core.people import get_person

    home = next(h for h in runtime.registry.home_sections if h.desk == "incidents")
    report(bot, standin, title="Meu problema", user=MARIANA)
    report(bot, standin, title="Problema de outra pessoa", user=WESLEY)
    bot.command("/incident", "assign 2 me", user=HENRIQUE)
    card_posts(standin)
    with runtime.unit_of_work(source="test") as ctx:
        ctx.actor = get_person(ctx.session, HENRIQUE)
        data = home.build(Request(runtime, ctx))
    assert [i["ref"] for i in data["incidents"]] == ["INC-0002"] and data["incidents"][0]["mine_as"] == "assignee"
    text = _text(_render_section(home.template, data))
    assert "Problema de outra pessoa" in text and "atribuído a você" in text and "Meu problema" not in text
    blocks = _render_section(home.template, {"incidents": []})
    assert "Nada em aberto" in _text(blocks)
    assert blocks[-1]["elements"][0]["action_id"] == "incident_report_open"


def test_the_home_button_opens_the_report_form(bot, standin, people):
    bot.click(("incident_report_open", "home"), user=MARIANA, view={"id": "VHOME", "type": "home"})
    view = standin.wait_for("views.open")[0]["view"]
    assert view["callback_id"] == "incident_report"
