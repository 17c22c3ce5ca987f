"""Admins configure leave types; a type that needs no approval is recorded at once."""

from __future__ import annotations

from sqlalchemy import select

from models.core.audit import AuditRecord
from models.leave.tables import LeaveType
from tests.cast import ADMIN, MARIANA, TIAGO
from tests.leave.helpers import dms, only_request, open_form, request_leave


def test_types_are_listed_with_their_rules(bot, people):
    text = bot.command("/leave", "types", user=MARIANA).text
    assert "*Férias* (`vacation`): remunerada, 22 dias por ano, até 5 dias levados" in text
    assert "*Licença médica* (`sick`)" in text and "privada" in text
    assert "*Licença não remunerada* (`unpaid`): não remunerada, sem controle de saldo" in text


def test_admin_adds_a_type_that_needs_no_approval_and_it_is_recorded_at_once(bot, standin, people, runtime):
    resp = bot.command("/leave", 'type doacao name="Doação de sangue" allowance=1 half=no approval=no', user=ADMIN)
    assert "Tipo de ausência Doação de sangue criado" in resp.text
    assert "*Doação de sangue* (`doacao`): remunerada, 1 dia por ano, sem aprovação" in resp.text
    with runtime.db.session() as s:
        assert s.scalar(select(AuditRecord.action).where(AuditRecord.entity == "leave_types")) == "leave.type_created"
    view = open_form(bot, standin, MARIANA)
    assert "Doação de sangue" in str(view)
    half = bot.submit(view, {"type": "doacao", "start": "2026-12-07", "end": "2026-12-07", "half": ["start"]},
                      user=MARIANA)
    assert "dias inteiros" in half.json["errors"]["half"]
    assert request_leave(bot, standin, MARIANA, "2026-12-07", "2026-12-07", type="doacao").body == ""
    told = standin.wait_for("chat.postEphemeral", where=lambda c: c.get("user") == MARIANA)[-1]
    assert "Ausência #1 registrada" in told.text
    fyi = dms(standin, TIAGO)[0]
    assert "Mariana Souza estará ausente" in fyi.text and "não precisa de aprovação" in fyi.text and "leave_approve" not in str(fyi.get("blocks"))
    assert only_request(runtime).status == "approved"
    who = bot.command("/leave", "who 2026-12-07", user=TIAGO).text
    assert "Mariana Souza" in who and "Ausente" in who and "Doação de sangue" not in who  # "out", not why


def test_admin_changes_a_type_and_bad_settings_are_explained(bot, people, runtime):
    resp = bot.command("/leave", "type personal allowance=5 carry=1", user=ADMIN)
    assert "Tipo de ausência Folga pessoal salvo" in resp.text
    with runtime.db.session() as s:
        personal = s.scalar(select(LeaveType).where(LeaveType.code == "personal"))
        assert personal.yearly_allowance == 5 and personal.carry_over_cap == 1
    assert "Folga pessoal: 5 dias restantes" in bot.command("/leave", "balance", user=MARIANA).text
    assert "sim ou não" in bot.command("/leave", "type personal paid=talvez", user=ADMIN).text
    assert "colour" in bot.command("/leave", "type personal colour=blue", user=ADMIN).text
    assert "/leave type sabbatical" in bot.command("/leave", "type personal", user=ADMIN).text
    assert "uma palavra" in bot.command("/leave", "type Férias! allowance=3", user=ADMIN).text
    refused = bot.command("/leave", "type personal allowance=50", user=MARIANA)
    assert "admin" in refused.text
    with runtime.db.session() as s:
        assert s.scalar(select(LeaveType.yearly_allowance).where(LeaveType.code == "personal")) == 5
