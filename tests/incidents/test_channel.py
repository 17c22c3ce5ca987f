"""SEV1/SEV2 channels: created after commit with a free name, people invited, topic, pinned summary;
commands inside it without the number; :pushpin: to the timeline; archived on close."""

from __future__ import annotations

from sqlalchemy import select

from models.core.outbox import OutboxMessage
from models.incidents.tables import KIND_CHANNEL
from tests.cast import ANA, HENRIQUE, KARINA, MARIANA, SOFIA
from tests.incidents.helpers import INCIDENTS, card_posts, card_ts, incident, kinds, report


def _open_sev1(bot, standin, runtime, **kw):
    report(bot, standin, title="Site fora do ar!", severity="1", **kw)
    created = standin.wait_for("conversations.create")[-1]
    pinned = standin.wait_for("pins.add")[0]
    # The card learns its channel once it exists.
    standin.wait_for("chat.update", where=lambda c: c.get("channel") == INCIDENTS)
    return created, pinned


def test_sev1_gets_its_channel_with_a_suffix_when_the_name_is_taken(bot, standin, people, runtime):
    standin.taken_channels.add("inc-0001-site-fora-do-ar")
    _created, pinned = _open_sev1(bot, standin, runtime)
    attempts = [c["name"] for c in standin.of("conversations.create")]
    refused = [c["name"] for c in standin.rejected if c.method == "conversations.create"]
    assert refused == ["inc-0001-site-fora-do-ar"] and attempts == ["inc-0001-site-fora-do-ar-2"]
    inc = incident(runtime)
    channel = inc.channel_id
    assert channel and inc.channel_name == "inc-0001-site-fora-do-ar-2"
    invited = standin.wait_for("conversations.invite")[0]
    assert invited["channel"] == channel
    members = set(invited["users"].split(","))
    assert MARIANA in members and {HENRIQUE, KARINA, SOFIA} <= members  # reporter and on call
    topic = standin.wait_for("conversations.setTopic")[0]
    assert topic["channel"] == channel and "INC-0001" in topic["topic"] and "SEV1" in topic["topic"]
    summary = standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == channel)[0]
    assert "Resumo do INC-0001" in summary.text and "Site fora do ar!" in summary.text
    assert pinned["channel"] == channel
    card = standin.wait_for("chat.update", where=lambda c: c.get("channel") == INCIDENTS)[-1]
    assert f"<#{channel}>" in card.text
    assert "channel" in kinds(inc)


def test_sev3_and_sev4_get_no_channel(bot, standin, people, runtime):
    report(bot, standin, severity="4")
    card_posts(standin)
    runtime.sender.wait_idle()
    assert not standin.of("conversations.create") and incident(runtime).channel_id is None


def test_a_slack_failure_creating_the_channel_is_retried_without_a_second_channel(bot, standin, people, runtime, clock):
    standin.fail("conversations.setTopic", error="fatal_error", times=1)
    report(bot, standin, severity="2")
    standin.wait_for("conversations.create")
    runtime.sender.wait_idle()
    with runtime.db.session() as s:
        row = s.scalar(select(OutboxMessage).where(OutboxMessage.kind == KIND_CHANNEL))
        assert row.status == "pending" and row.last_error
    assert incident(runtime).channel_id  # remembered although the delivery failed
    clock.advance(minutes=5)
    runtime.sender.sweep()
    standin.wait_for("pins.add")
    assert len(standin.of("conversations.create")) == 1
    with runtime.db.session() as s:
        assert s.scalar(select(OutboxMessage.status).where(OutboxMessage.kind == KIND_CHANNEL)) == "sent"


def test_in_the_channel_commands_leave_out_the_number_and_are_told_there(bot, standin, people, runtime):
    _open_sev1(bot, standin, runtime)
    channel = incident(runtime).channel_id
    acked = bot.command("/incident", "ack", user=HENRIQUE, channel=channel)
    assert "INC-0001" in acked.text
    noted = bot.command("/incident", "note 2 servidores reiniciados", user=MARIANA, channel=channel)
    assert "Nota adicionada" in noted.text
    bot.command("/incident", "status mitigated", user=HENRIQUE, channel=channel)
    told = standin.wait_for("chat.postMessage", 4, where=lambda c: c.get("channel") == channel)
    texts = "\n".join(c.text for c in told)
    assert "Reconhecido por" in texts and "2 servidores reiniciados" in texts and "Mitigado" in texts
    inc = incident(runtime)
    assert inc.status == "mitigated" and inc.timeline[-2].text == "2 servidores reiniciados"
    shown = bot.command("/incident", "show", user=MARIANA, channel=channel)
    assert "INC-0001" in shown.text and "Linha do tempo" in shown.text


def test_assigning_invites_the_new_assignee_to_the_channel(bot, standin, people, runtime):
    _open_sev1(bot, standin, runtime)
    channel = incident(runtime).channel_id
    bot.command("/incident", "assign <@U070000021>", user=HENRIQUE, channel=channel)  # Ana Silva, not on call
    invites = standin.wait_for("conversations.invite", 2)
    assert invites[-1]["users"] == ANA and invites[-1]["channel"] == channel
    said = standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == channel and "lidera" in c.text)
    assert "<@U070000021>" in said[0].text


def test_a_pushpin_reaction_adds_the_message_to_the_timeline_once(bot, standin, people, runtime):
    _open_sev1(bot, standin, runtime)
    channel = incident(runtime).channel_id
    standin.history[channel] = [{"type": "message", "ts": "1764001234.000100", "user": KARINA,
                                 "text": "Encontrei: o certificado TLS expirou <às 8h>"}]
    event = {"type": "reaction_added", "user": KARINA, "reaction": "pushpin", "item_user": KARINA,
             "item": {"type": "message", "channel": channel, "ts": "1764001234.000100"}, "event_ts": "1764001240.1"}
    assert bot.event(event).status == 200
    reply = standin.wait_for("chat.postMessage", where=lambda c: c.get("thread_ts") == "1764001234.000100")[0]
    assert "linha do tempo do INC-0001" in reply.text
    bot.event({**event, "user": HENRIQUE})  # a second pin of the same message
    bot.event({**event, "reaction": "thumbsup"})  # not a pin
    bot.event({**event, "item": {**event["item"], "channel": "C0GENERAL"}})  # not an incident channel
    runtime.sender.wait_idle()
    inc = incident(runtime)
    pins = [e for e in inc.timeline if e.kind == "pinned"]
    assert len(pins) == 1 and pins[0].text == "Encontrei: o certificado TLS expirou <às 8h>"
    assert pins[0].author.slack_user_id == KARINA
    shown = bot.command("/incident", "show 1", user=MARIANA)
    assert "o certificado TLS expirou &lt;às 8h&gt;" in shown.text  # users' text is escaped in mrkdwn


def test_closing_posts_the_summary_in_the_channel_then_archives_it(bot, standin, people, runtime, clock):
    _open_sev1(bot, standin, runtime)
    channel = incident(runtime).channel_id
    clock.advance(minutes=3)
    bot.command("/incident", "ack", user=HENRIQUE, channel=channel)
    clock.advance(minutes=40)
    bot.command("/incident", "resolve certificado renovado", user=HENRIQUE, channel=channel)
    bot.command("/incident", "close Certificado TLS expirado; criamos alerta de validade", user=HENRIQUE,
                channel=channel)
    archived = standin.wait_for("conversations.archive")[0]
    assert archived["channel"] == channel
    summaries = standin.wait_for("chat.postMessage", 2, where=lambda c: "Resumo pós-incidente" in c.text)
    in_channel = next(c for c in summaries if c.get("channel") == channel)
    in_incidents = next(c for c in summaries if c.get("channel") == INCIDENTS)
    assert in_incidents["thread_ts"] == card_ts(runtime)
    assert in_channel.at < archived.at  # the summary is out before the channel closes
    for expected in ("Tempo até reconhecer", "3 minutos", "43 minutos", "criamos alerta de validade"):
        assert expected in in_channel.text
    card = standin.wait_for("chat.update", where=lambda c: "Encerrado" in c.text)[-1]
    assert not [b for b in card["blocks"] if b["type"] == "actions"]


def test_raising_the_severity_opens_the_channel_and_tightens_the_deadline(bot, standin, people, runtime, clock):
    import datetime as dt

    report(bot, standin, severity="3", title="Pagamentos lentos")
    card_posts(standin)
    refused = bot.command("/incident", "severity 1 SEV1", user=MARIANA)
    assert "plantão" in refused.text
    raised = bot.command("/incident", "severity INC-0001 sev2", user=HENRIQUE)
    assert "O INC-0001 agora é SEV2" in raised.text
    created = standin.wait_for("conversations.create")[0]
    assert created["name"] == "inc-0001-pagamentos-lentos"
    standin.wait_for("pins.add")
    inc = incident(runtime)
    assert inc.severity == 2 and inc.ack_due_at == clock.now() + dt.timedelta(minutes=15)
    assert "severity" in kinds(inc)
    again = bot.command("/incident", "severity 1 SEV2", user=HENRIQUE)
    assert "já é SEV2" in again.text
    bot.command("/incident", "severity 1 SEV3", user=HENRIQUE)
    bot.command("/incident", "severity 1 SEV1", user=HENRIQUE)  # back up: the channel exists already
    runtime.sender.wait_idle()
    assert len(standin.of("conversations.create")) == 1
    shown = bot.command("/incident", "show 1", user=MARIANA)
    assert "mudou a severidade de SEV3 para SEV2" in shown.text
