"""The stock parts of the managers' digest and of the App Home, as their engines will call them."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from bot.registry import DigestScope
from bot.render import environment
from bot.request import Request
from models.core.people import Person
from tests.cast import GABRIELA, MARIANA, TIAGO
from tests.conftest import NOW


def section_blocks(template: str, data: dict, locale: str = "pt-BR") -> list[dict]:
    module = environment(locale).get_template(template).make_module({"_locale": locale, "_tz": "America/Sao_Paulo"})
    blocks: list[dict] = []
    module.section(blocks, data)
    return blocks


def managers(runtime, *slack_ids: str) -> pd.DataFrame:
    with runtime.db.session() as s:
        people = [s.scalar(select(Person).where(Person.slack_user_id == sid)) for sid in slack_ids]
        return pd.DataFrame([{"person_id": p.id, "name": p.name, "slack_user_id": p.slack_user_id, "team": p.team,
                              "roles": sorted(p.roles), "country": p.country, "subdivision": p.subdivision,
                              "timezone": p.timezone, "locale": p.locale, "day": NOW.date()} for p in people])


def registered(runtime, kind: str):
    found = [s for s in getattr(runtime.registry, kind) if s.desk == "stock"]
    assert len(found) == 1
    return found[0]


def test_digest_gives_sales_managers_low_stock_worst_first(demo_stock):
    runtime = demo_stock.runtime
    section = registered(runtime, "digest_sections")
    assert section.roles == ("sales",)
    scope = DigestScope(managers=managers(runtime, TIAGO, GABRIELA), now=NOW)
    with runtime.db.session() as s:
        out = section.build(s, scope)
        tiago = s.scalar(select(Person.id).where(Person.slack_user_id == TIAGO))
    assert list(out) == [tiago]
    data = out[tiago]
    # 28 products are at or below 0 projected, two of them with no reorder level: not "low".
    assert data["total"] == 26 and len(data["items"]) == 5
    assert data["items"][0]["projected"] == 0
    text = str(section_blocks(section.template, data))
    assert "26 produtos com estoque baixo" in text and "`/stock low` mostra todos" in text
    assert "Porca sextavada M12" in text


def test_digest_is_silent_when_nothing_is_low(people):
    section = registered(people, "digest_sections")
    with people.db.session() as s:
        assert section.build(s, DigestScope(managers=managers(people, TIAGO), now=NOW)) == {}


def test_home_shows_what_i_watch_and_hides_otherwise(bot, catalogue):
    runtime = catalogue.runtime
    section = registered(runtime, "home_sections")
    with runtime.unit_of_work(source="test") as ctx:
        ctx.actor = ctx.session.scalar(select(Person).where(Person.slack_user_id == MARIANA))
        assert section.build(Request(runtime, ctx)) is None
    bot.command("/stock", "watch PRD-2009", user=MARIANA)
    with runtime.unit_of_work(source="test") as ctx:
        ctx.actor = ctx.session.scalar(select(Person).where(Person.slack_user_id == MARIANA))
        data = section.build(Request(runtime, ctx))
    assert [p["sku"] for p in data["items"]] == ["PRD-2009"]
    text = str(section_blocks(section.template, data, "en"))
    assert "Stock I am watching" in text and "Mesa de escritório 120 cm" in text and "0 available" in text
