"""Moving an incident along: the card's buttons, each command, who may do what."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models.core.audit import AuditRecord
from models.core.errors import PermissionDenied
from tests.cast import ADMIN, HENRIQUE, KARINA, MARIANA, SOFIA
from tests.incidents.helpers import INCIDENTS, card_posts, card_ts, incident, kinds, report


def _buttons(call) -> dict:
    return {e["action_id"]: e for b in call["blocks"] if b["type"] == "actions" for e in b["elements"]}


def _updates(standin, count=1):
    return standin.wait_for("chat.update", count, where=lambda c: c.get("channel") == INCIDENTS)


def test_card_buttons_move_the_incident_and_rewrite_the_card_in_place(bot, standin, people, runtime):
    report(bot, standin)
    card = card_posts(standin)[0]
    bot.click(_buttons(card)["incident_ack"], user=HENRIQUE, channel=INCIDENTS)
    first = _updates(standin)[0]
    assert "Investigando" in first.text and f"<@{HENRIQUE}>" in first.text
    assert "incident_ack" not in _buttons(first)  # acknowledged: that button is gone
    bot.click(_buttons(first)["incident_mitigated"], user=HENRIQUE, channel=INCIDENTS)
    second = _updates(standin, 2)[-1]
    assert "Mitigado" in second.text
    bot.click(_buttons(second)["incident_resolved"], user=KARINA, channel=INCIDENTS)
    third = _updates(standin, 3)[-1]
    assert "Resolvido" in third.text and not _buttons(third)
    inc = incident(runtime)
    with runtime.db.session() as s:
        from models.core.outbox import OutboxMessage

        card_ts = s.get(OutboxMessage, inc.card_id).slack_ts
    assert card_ts and {u["ts"] for u in _updates(standin, 3)} == {card_ts}  # one card, rewritten three times
    assert inc.status == "resolved" and inc.assignee.slack_user_id == HENRIQUE
    assert kinds(inc) == ["reported", "acknowledged", "status", "resolved"]
    assert inc.acknowledged_at and inc.mitigated_at and inc.resolved_at
    # The reporter hears that someone is on it, then that it is resolved.
    to_her = standin.wait_for("chat.postMessage", 2, where=lambda c: c.get("channel") == MARIANA)
    assert any("Henrique Oliveira reconheceu o incidente que você reportou, INC-0001" in c.text for c in to_her)
    assert any("INC-0001" in c.text and "resolvido" in c.text for c in to_her)


def test_assign_to_me_takes_over_and_an_open_incident_counts_as_acknowledged(bot, standin, people, runtime):
    report(bot, standin)
    card = card_posts(standin)[0]
    resp = bot.click(_buttons(card)["incident_take"], user=KARINA, channel=INCIDENTS)
    assert resp.status == 200
    said = standin.wait_for("response_url")[0]
    assert "INC-0001" in said.text and said["response_type"] == "ephemeral"
    inc = incident(runtime)
    assert inc.assignee.slack_user_id == KARINA and inc.status == "acknowledged"


def test_someone_not_on_call_cannot_acknowledge_and_the_card_stays(bot, standin, people, runtime):
    report(bot, standin)
    card = card_posts(standin)[0]
    bot.click(_buttons(card)["incident_ack"], user=MARIANA, channel=INCIDENTS)
    refusal = standin.wait_for("response_url")[0]
    assert "plantão" in refusal.text
    runtime.sender.wait_idle()
    assert not standin.of("chat.update")
    assert incident(runtime).status == "open"


def test_every_command_by_number(bot, standin, people, runtime):
    report(bot, standin, title="ERP lento")
    listed = bot.command("/incident", "list", user=MARIANA)
    assert "1 incidente aberto" in listed.text and "INC-0001" in listed.text and "ERP lento" in listed.text
    acked = bot.command("/incident", "ack INC-0001", user=HENRIQUE)
    assert "Você reconheceu o INC-0001" in acked.text
    again = bot.command("/incident", "ack inc-1", user=KARINA)
    assert "já foi reconhecido" in again.text and "Henrique Oliveira" in again.text
    assigned = bot.command("/incident", f"assign INC-0001 <@{KARINA}|karina>", user=HENRIQUE)
    assert "Karina Silva" in assigned.text or f"<@{KARINA}>" in assigned.text
    dm = standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == KARINA)[0]
    assert "Henrique Oliveira atribuiu o INC-0001 a você" in dm.text
    noted = bot.command("/incident", "note INC-0001 Reiniciamos o servidor de aplicação", user=MARIANA)
    assert "Nota adicionada" in noted.text
    mitigated = bot.command("/incident", "status 1 mitigated contornado com cache", user=KARINA)
    assert "Mitigado" in mitigated.text
    shown = bot.command("/incident", "show INC-0001", user=MARIANA)
    for expected in ("ERP lento", "Reportado por", "Reconhecido por", "Atribuído a Karina Silva",
                     "Reiniciamos o servidor de aplicação", "contornado com cache", "Linha do tempo"):
        assert expected in shown.text
    resolved = bot.command("/incident", "resolve INC-0001 cache limpo", user=KARINA)
    assert "está resolvido" in resolved.text
    closed = bot.command("/incident", "close INC-0001 Falta de memória no servidor; aumentamos a RAM", user=KARINA)
    assert "encerrado" in closed.text
    summary = standin.wait_for("chat.postMessage", where=lambda c: "Resumo pós-incidente" in c.text)[0]
    assert summary["channel"] == INCIDENTS and summary["thread_ts"] == card_ts(runtime)
    for expected in ("Tempo até reconhecer", "Tempo até mitigar", "Tempo até resolver",
                     "Falta de memória no servidor", "Reiniciamos o servidor"):
        assert expected in summary.text
    after = bot.command("/incident", "list", user=MARIANA)
    assert "Nenhum incidente aberto" in after.text
    inc = incident(runtime)
    assert kinds(inc) == ["reported", "acknowledged", "assigned", "note", "status", "resolved", "closed"]
    with runtime.db.session() as s:
        actions = list(s.scalars(select(AuditRecord.action).where(AuditRecord.entity == "incidents")
                                 .order_by(AuditRecord.id)))
    assert actions == ["incident.reported", "incident.acknowledged", "incident.assigned", "incident.note",
                       "incident.status", "incident.resolved", "incident.closed"]


def test_durations_in_the_summary_follow_the_clock(bot, standin, people, runtime, clock):
    report(bot, standin)
    clock.advance(minutes=4)
    bot.command("/incident", "ack 1", user=HENRIQUE)
    clock.advance(minutes=26)
    bot.command("/incident", "status 1 mitigated", user=HENRIQUE)
    clock.advance(hours=2)
    bot.command("/incident", "resolve 1", user=HENRIQUE)
    bot.command("/incident", "close 1 ok", user=HENRIQUE)
    summary = standin.wait_for("chat.postMessage", where=lambda c: "Resumo pós-incidente" in c.text)[0]
    assert "4 minutos" in summary.text and "30 minutos" in summary.text and "2 horas" in summary.text


def test_who_may_do_what(bot, standin, people, runtime):
    report(bot, standin)
    for words in ("ack 1", f"assign 1 <@{MARIANA}>", "resolve 1", "status 1 mitigated"):
        refused = bot.command("/incident", words, user=MARIANA)
        assert refused.json["response_type"] == "ephemeral" and "plantão" in refused.text, words
    bot.command("/incident", "assign 1 me", user=HENRIQUE)
    bot.command("/incident", "resolve 1", user=HENRIQUE)
    not_yours = bot.command("/incident", "close 1", user=KARINA)  # on call, but not the assignee
    assert "Só o responsável (Henrique Oliveira) ou um admin" in not_yours.text
    by_admin = bot.command("/incident", "close 1 resolvido", user=ADMIN)
    assert "encerrado" in by_admin.text
    note_after = bot.command("/incident", "note INC-0001 voltou?", user=MARIANA)
    assert "encerrado" in note_after.text and "novo incidente" in note_after.text
    with runtime.db.session() as s:
        refusals = s.scalar(select(func.count()).select_from(AuditRecord)
                            .where(AuditRecord.action.in_(["incident.acknowledged", "incident.assigned"])))
    assert refusals == 1  # only Henrique's assignment; the refused attempts left nothing


def test_the_domain_refuses_too_when_called_directly(bot, standin, people, runtime):
    from models.core.people import get_person
    from models.incidents import flow
    from models.incidents.tables import get_incident

    report(bot, standin)
    card_posts(standin)
    with pytest.raises(PermissionDenied), runtime.unit_of_work(source="test") as ctx:
        ctx.actor = get_person(ctx.session, MARIANA)
        flow.acknowledge(ctx, get_incident(ctx.session, 1, lock=True))
    with pytest.raises(PermissionDenied), runtime.unit_of_work(source="test") as ctx:
        ctx.actor = get_person(ctx.session, SOFIA)
        inc = get_incident(ctx.session, 1, lock=True)
        flow.assign(ctx, inc, get_person(ctx.session, HENRIQUE))
        flow.resolve(ctx, inc)
        flow.close(ctx, inc)  # Sofia is on call, but Henrique owns it
    assert incident(runtime).status == "open"  # everything rolled back together
    with pytest.raises(PermissionDenied), runtime.unit_of_work(source="test") as ctx:  # nobody at all
        flow.report(ctx, title="Sem autor", severity="1")
    with pytest.raises(PermissionDenied), runtime.unit_of_work(source="test") as ctx:
        flow.resolve(ctx, get_incident(ctx.session, 1, lock=True))


def test_friendly_errors_for_bad_input(bot, standin, people):
    report(bot, standin)
    missing = bot.command("/incident", "ack", user=HENRIQUE)
    assert "Qual incidente?" in missing.text and "/incident ack INC-0042" in missing.text
    unknown = bot.command("/incident", "ack INC-0999", user=HENRIQUE)
    assert "INC-0999" in unknown.text and "/incident list" in unknown.text
    bad_status = bot.command("/incident", "status 1 sleeping", user=HENRIQUE)
    assert "investigando" in bad_status.text and "mitigado" in bad_status.text
    no_who = bot.command("/incident", "assign 1", user=HENRIQUE)
    assert "/incident assign INC-0001 @nome" in no_who.text
    nobody = bot.command("/incident", "assign 1 <@U0NOBODY1>", user=HENRIQUE)
    assert "U0NOBODY1" in nobody.text
    empty_note = bot.command("/incident", "note INC-0001", user=MARIANA)
    assert "/incident note INC-0001" in empty_note.text
    close_early = bot.command("/incident", "close 1", user=ADMIN)
    assert "ainda não está resolvido" in close_early.text
    frob = bot.command("/incident", "frobnicate", user=MARIANA)
    assert "frobnicate" in frob.text and "/incident help" in frob.text
    show_bad = bot.command("/incident", "show abc", user=MARIANA)
    assert "abc" in show_bad.text


def test_help_lists_every_subcommand_in_the_readers_language(bot, people):
    resp = bot.command("/incident", "help", user=MARIANA)
    for usage in ("/incident list", "/incident show", "/incident ack", "/incident assign", "/incident status",
                  "/incident note", "/incident resolve", "/incident close"):
        assert usage in resp.text
    assert "linha do tempo" in resp.text


def test_a_stale_or_odd_button_value_gets_a_pointer_not_an_apology(bot, standin, people):
    # Each click has its own response URL (its trigger id), so each reply is matched to its click
    # whatever order the replies arrive in.
    said = {}
    for n, value in enumerate((" ", "INC-0999", "abc")):
        trigger = f"stale-click-{n}"
        bot.click(("incident_ack", value), user=HENRIQUE, channel=INCIDENTS, trigger_id=trigger)
        said[value] = standin.wait_for("response_url", where=lambda c, t=trigger: c["_path"].endswith("/" + t))[0]
    assert all("Desculpe" not in c.text for c in said.values())
    assert "não está mais em uso" in said[" "].text and "INC-0999" in said["INC-0999"].text
    assert "Desculpe" not in said["abc"].text and said["abc"].text.strip()


def test_control_characters_are_dropped_from_notes(bot, standin, people, runtime):
    report(bot, standin)
    noted = bot.command("/incident", "note INC-0001 banco\u0000 voltou", user=MARIANA)
    assert "Nota adicionada" in noted.text
    assert incident(runtime).timeline[-1].text == "banco voltou"
