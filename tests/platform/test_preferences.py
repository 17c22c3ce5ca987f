"""People change their own language and time zone from chat; admins anyone's. Mentions are
understood the way Slack sends them and the way the bot prints them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models.core.audit import AuditRecord
from models.core.people import Person
from tests.cast import ADMIN, JOAO, MARIANA


def _person(runtime, slack_id: str) -> Person:
    with runtime.db.session() as s:
        return s.scalar(select(Person).where(Person.slack_user_id == slack_id))


def test_a_person_switches_to_english_and_a_new_zone_and_is_answered_in_it(bot, people, runtime):
    done = bot.command("/backoffice", "me language en", user=MARIANA)
    assert "Done: I will speak English to you" in done.text
    zone = bot.command("/backoffice", "me fuso America/Manaus", user=MARIANA)
    assert "America/Manaus" in zone.text and "English" in zone.text
    assert "Who am I" in bot.command("/backoffice", "whoami", user=MARIANA).text
    mariana = _person(runtime, MARIANA)
    assert (mariana.locale, mariana.timezone) == ("en", "America/Manaus")
    with runtime.db.session() as s:
        assert s.scalar(select(AuditRecord).where(AuditRecord.action == "person.preferences")) is not None
    back = bot.command("/backoffice", "me idioma pt-BR", user=MARIANA)
    assert "Pronto: vou falar com você em português" in back.text


@pytest.mark.parametrize("text,expected", [
    ("me timezone Mars/Olympus", "“Mars/Olympus” não é um fuso horário"),
    ("me language klingon", "“klingon” não é um código de idioma"),
    ("me language", "Diga o que mudar e para quê."),
    ("me color blue", "Não conheço “color”"),
])
def test_a_bad_value_gets_a_friendly_reply_and_changes_nothing(bot, people, runtime, text, expected):
    resp = bot.command("/backoffice", text, user=MARIANA)
    assert expected in resp.text
    assert resp.json["response_type"] == "ephemeral"
    assert _person(runtime, MARIANA).locale == "pt-BR"


def test_only_admins_change_someone_elses_language(bot, people, runtime):
    refused = bot.command("/backoffice", f"me <@{JOAO}> language en", user=MARIANA)
    assert "Só um admin pode mudar o idioma" in refused.text
    assert _person(runtime, JOAO).locale == "pt-BR"
    done = bot.command("/backoffice", "me @João Santos language en", user=ADMIN)
    assert "Pronto: João Santos agora recebe mensagens em inglês" in done.text
    assert _person(runtime, JOAO).locale == "en"


@pytest.mark.parametrize("who", [f"<@{JOAO}>", f"<@{JOAO}|joao.santos>", f"@{JOAO}", JOAO, "@joao.santos",
                                 "joao.santos@empresa.com.br", "@João Santos", "joão santos"])
def test_every_way_of_naming_a_person_reaches_the_same_person(bot, people, who):
    resp = bot.command("/leave", f"allowance {who} vacation 25", user=ADMIN)
    assert "João Santos agora tem 25 dias de Férias" in resp.text, resp.text
    role = bot.command("/backoffice", f"role {who} sales", user=ADMIN)
    assert "João Santos agora tem os papéis" in role.text, role.text


def test_a_bad_stored_language_or_zone_never_breaks_a_reply(bot, people, runtime):
    with runtime.db.session() as s:
        joao = s.scalar(select(Person).where(Person.slack_user_id == JOAO))
        joao.locale, joao.timezone = "klingon", "Mars/Olympus"
        s.commit()
    resp = bot.command("/backoffice", "whoami", user=JOAO)
    assert "Quem sou eu" in resp.text and "português" in resp.text and "America/Sao_Paulo" in resp.text
    assert "Desculpe" not in bot.command("/leave", "balance", user=JOAO).text
