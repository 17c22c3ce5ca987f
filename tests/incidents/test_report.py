"""Reporting: the modal, the message shortcut, field errors, the card in the incidents channel."""

from __future__ import annotations

from sqlalchemy import func, select

from models.core.audit import AuditRecord
from models.incidents.tables import Incident
from tests.cast import MARIANA, WESLEY
from tests.incidents.helpers import INCIDENTS, card_posts, incident, kinds, report


def test_slash_command_opens_the_report_modal_with_four_fields(bot, standin, people):
    resp = bot.command("/incident", "", user=MARIANA)
    assert resp.status == 200
    view = standin.wait_for("views.open")[0]["view"]
    assert view["callback_id"] == "incident_report"
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == ["title", "severity", "service",
                                                                              "description"]
    assert view["title"]["text"] == "Reportar um incidente"
    severities = [o["value"] for o in view["blocks"][2]["element"]["options"]]
    assert severities == ["1", "2", "3", "4"]


def test_a_report_gets_a_number_a_card_with_buttons_and_a_private_answer(bot, standin, people, runtime):
    resp = report(bot, standin, title="Checkout fora do ar", severity="3")
    assert resp.status == 200 and resp.body == ""  # the modal closes
    answer = standin.wait_for("chat.postEphemeral")[0]
    assert answer["user"] == MARIANA and answer["channel"] == "C0GENERAL"
    assert "INC-0001" in answer.text and "reportado" in answer.text
    card = card_posts(standin)[0]
    assert "INC-0001" in card.text and "Checkout fora do ar" in card.text and "SEV3" in card.text
    assert "Mariana Souza" in card.text or f"<@{MARIANA}>" in card.text
    buttons = [e["text"]["text"] for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["Reconhecer", "Assumir", "Mitigado", "Resolvido"]
    inc = incident(runtime)
    assert (inc.ref, inc.severity, inc.status, inc.service) == ("INC-0001", 3, "open", "Loja online")
    assert inc.reporter.slack_user_id == MARIANA
    assert kinds(inc) == ["reported"]
    assert inc.card_id is not None
    assert not standin.of("conversations.create")  # SEV3: no channel of its own
    with runtime.db.session() as s:
        rec = s.scalar(select(AuditRecord).where(AuditRecord.action == "incident.reported"))
        assert rec.after["ref"] == "INC-0001" and rec.actor_id == inc.reporter_id


def test_numbers_follow_one_another(bot, standin, people, runtime):
    for n in range(3):
        report(bot, standin, title=f"Problema {n}")
    standin.wait_for("chat.postMessage", 3, where=lambda c: c.get("channel") == INCIDENTS)
    with runtime.db.session() as s:
        assert list(s.scalars(select(Incident.number).order_by(Incident.number))) == [1, 2, 3]


def test_a_blank_title_is_refused_next_to_the_field_and_nothing_is_stored(bot, standin, people, runtime):
    resp = report(bot, standin, title="   ")
    assert resp.json["response_action"] == "errors"
    assert "título" in resp.json["errors"]["title"]
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Incident)) == 0


def test_a_missing_severity_is_refused_next_to_its_field(bot, standin, people):
    resp = report(bot, standin, severity=None)
    assert resp.json["response_action"] == "errors"
    assert "SEV1" in resp.json["errors"]["severity"]


def test_message_shortcut_prefills_text_and_permalink_and_keeps_the_link(bot, standin, people, runtime):
    message = {"type": "message", "ts": "1764000500.000200", "user": WESLEY,
               "text": "O ERP não abre desde as 8h\nNinguém consegue faturar"}
    resp = bot.shortcut("report_incident", message, user=MARIANA, channel="C0VENDAS1")
    assert resp.status == 200
    view = standin.wait_for("views.open")[0]["view"]
    permalink = standin.of("chat.getPermalink")[0]
    assert permalink["channel"] == "C0VENDAS1" and permalink["message_ts"] == "1764000500.000200"
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["title"]["initial_value"] == "O ERP não abre desde as 8h"
    assert "Ninguém consegue faturar" in inputs["description"]["initial_value"]
    assert "https://acme.slack.com/archives/C0VENDAS1/" in inputs["description"]["initial_value"]
    bot.submit(view, {"title": "ERP fora", "severity": "2", "service": "ERP",
                      "description": inputs["description"]["initial_value"]}, user=MARIANA)
    card = card_posts(standin)[0]
    assert "https://acme.slack.com/archives/C0VENDAS1/" in card.text
    inc = incident(runtime)
    assert inc.source_link.startswith("https://acme.slack.com/archives/C0VENDAS1/")
    assert "Ninguém consegue faturar" in inc.description


def test_report_subcommand_prefills_the_title(bot, standin, people):
    bot.command("/incident", "report VPN caiu", user=MARIANA)
    view = standin.wait_for("views.open")[0]["view"]
    assert view["blocks"][1]["element"]["initial_value"] == "VPN caiu"


def test_user_text_cannot_ping_or_link_from_the_card(bot, standin, people):
    report(bot, standin, title="<!channel> caiu tudo", description="veja <https://evil.example|aqui>")
    card = card_posts(standin)[0]
    assert "<!channel>" not in card["text"] and "&lt;!channel&gt; caiu tudo" in card["text"]
    assert "&lt;https://evil.example|aqui&gt;" in card.text


def test_an_english_speaker_gets_the_form_and_answers_in_english(bot, standin, people):
    standin.add_user("U0NEWUSER", name="Nina Nova", email="nina@empresa.com.br", locale="en-US")
    report(bot, standin, user="U0NEWUSER", title="Laptop won't boot", severity="4")
    answer = standin.wait_for("chat.postEphemeral")[0]
    assert "INC-0001 reported: Laptop won't boot" in answer.text
    assert "Reportar um incidente" not in standin.of("views.open")[0]["view"]["title"]["text"]


def test_a_mention_that_sounds_like_an_outage_offers_the_form_and_known_incidents(bot, standin, people):
    report(bot, standin, title="ERP fora do ar", severity="2")
    bot.mention("o ERP caiu de novo?", user=WESLEY)
    said = standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == "C0GENERAL")[0]
    assert "Parece que algo quebrou" in said.text and "INC-0001" in said.text
    button = said["blocks"][0]["accessory"]
    bot.click(button, user=WESLEY)
    assert standin.wait_for("views.open", 2)[-1]["view"]["callback_id"] == "incident_report"
