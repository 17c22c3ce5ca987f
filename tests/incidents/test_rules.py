"""The rules that close the loop: SEV1/SEV2 closed with a summary (and a summary added later),
an assignee not on call told what they may do, the reporter told at acknowledgement, and
`/incident report <title>` filling the title in."""

from __future__ import annotations

from sqlalchemy import select

from models.core.audit import AuditRecord
from tests.cast import HENRIQUE, MARIANA, QUESIA
from tests.incidents.helpers import INCIDENTS, incident, kinds, report


def _dms(standin, user, contains):
    return standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == user and contains in c.text)


def test_a_sev2_is_closed_only_with_a_summary_and_the_summary_can_be_written_later(bot, standin, people, runtime):
    report(bot, standin, severity="2")
    runtime.sender.wait_idle()  # its channel is open (the outbox adds that to the timeline) before anyone acts
    bot.command("/incident", "ack INC-0001", user=HENRIQUE)
    bot.command("/incident", "resolve INC-0001", user=HENRIQUE)
    refused = bot.command("/incident", "close INC-0001", user=HENRIQUE)
    assert "INC-0001 é SEV2: encerre com um resumo" in refused.text and "/incident close INC-0001 <resumo>" in refused.text
    assert incident(runtime).status == "resolved"
    closed = bot.command("/incident", "close INC-0001 disco cheio no banco; alerta de disco criado", user=HENRIQUE)
    assert "O INC-0001 está encerrado" in closed.text
    assert incident(runtime).summary == "disco cheio no banco; alerta de disco criado"

    rewritten = bot.command("/incident", "summary INC-0001 disco cheio: rotação de logs parada desde sexta",
                            user=HENRIQUE)
    assert "O resumo de INC-0001 foi salvo" in rewritten.text
    inc = incident(runtime)
    assert inc.summary == "disco cheio: rotação de logs parada desde sexta" and kinds(inc)[-1] == "summary"
    # Posted again under the card, with the new summary.
    posted = standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == INCIDENTS
                              and "rotação de logs parada" in c.text)
    assert len(posted) == 1 and posted[0].get("thread_ts")
    with runtime.db.session() as s:
        rec = s.scalar(select(AuditRecord).where(AuditRecord.action == "incident.summary"))
        assert rec is not None and rec.after == {"summary": "disco cheio: rotação de logs parada desde sexta"}
    assert "Só o responsável (Henrique Oliveira) ou um admin" in bot.command(
        "/incident", "summary INC-0001 outra coisa", user=MARIANA).text


def test_a_sev3_may_still_be_closed_without_a_summary_but_not_summarised_before_it_is_closed(bot, standin, people,
                                                                                            runtime):
    report(bot, standin, severity="3")
    bot.command("/incident", "resolve INC-0001", user=HENRIQUE)
    early = bot.command("/incident", "summary INC-0001 algo", user=HENRIQUE)
    assert "ainda não foi encerrado" in early.text
    bot.command("/incident", "close INC-0001", user=HENRIQUE)
    assert incident(runtime).status == "closed" and incident(runtime).summary is None


def test_an_assignee_not_on_call_is_told_what_they_may_do_and_can_do_it(bot, standin, people, runtime):
    report(bot, standin)
    given = bot.command("/incident", "assign INC-0001 <@U070000005>", user=HENRIQUE)
    assert "<@U070000005> não está de plantão: como responsável pelo incidente, agora pode mudar o status" in given.text
    dm = _dms(standin, QUESIA, "atribuiu")[0]
    assert "como responsável por INC-0001 pode mudar o status, resolvê-lo e encerrá-lo" in dm.text
    assert "O INC-0001 está resolvido" in bot.command("/incident", "resolve INC-0001", user=QUESIA).text
    assert incident(runtime).status == "resolved"
    bot.command("/incident", "close INC-0001 cabo trocado", user=QUESIA)
    assert incident(runtime).status == "closed"
    # Someone on call is told nothing of the kind.
    report(bot, standin, title="VPN lenta")
    on_call = bot.command("/incident", "assign INC-0002 <@U070000010>", user=HENRIQUE)
    assert "não está de plantão" not in on_call.text


def test_the_reporter_is_told_when_their_incident_is_acknowledged(bot, standin, people, runtime):
    report(bot, standin)
    bot.command("/incident", "ack INC-0001", user=HENRIQUE)
    told = _dms(standin, MARIANA, "reconheceu")
    assert len(told) == 1
    assert "Henrique Oliveira reconheceu o incidente que você reportou, INC-0001 (Checkout fora do ar)" in told[0].text
    # Reporting and acknowledging oneself: no DM to oneself.
    report(bot, standin, title="Impressora parada", user=HENRIQUE)
    bot.command("/incident", "ack INC-0002", user=HENRIQUE)
    standin.settle()
    assert not [c for c in standin.of("chat.postMessage") if c.get("channel") == HENRIQUE and "reconheceu" in c.text]


def test_incident_report_with_a_title_fills_the_form_in(bot, standin, people):
    bot.command("/incident", "report Checkout fora do ar", user=MARIANA)
    view = standin.wait_for("views.open")[-1]["view"]
    title = next(b for b in view["blocks"] if b.get("block_id") == "title")
    assert title["element"]["initial_value"] == "Checkout fora do ar"
