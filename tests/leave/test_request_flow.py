"""The whole story over the wire: request in the modal, approver decides from a DM, requester is told."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models.core.audit import AuditRecord
from models.core.errors import PermissionDenied
from models.core.outbox import OutboxMessage
from models.core.people import get_person
from models.leave.flow import approve
from models.leave.tables import LeaveRequest
from tests.cast import ADMIN, GABRIELA, ISABELA, MARIANA, TIAGO, WESLEY
from tests.leave.helpers import button, dms, field_errors, only_request, open_form, request_leave


def test_leave_opens_a_form_with_types_dates_half_days_and_the_balance(bot, standin, people):
    view = open_form(bot, standin, MARIANA)
    assert view["callback_id"] == "leave_request"
    ids = [b.get("block_id") for b in view["blocks"] if b["type"] == "input"]
    assert ids == ["type", "start", "end", "half", "note"]
    text = str(view)
    assert "Férias" in text and "Licença médica" in text and "Licença não remunerada" in text
    assert "22 de 22 dias" in text  # her vacation balance, in Portuguese
    assert "Tiago Costa" in text  # who will decide


def test_request_approve_and_the_requester_is_told(bot, standin, people, runtime):
    resp = request_leave(bot, standin, MARIANA, "2026-12-07", "2026-12-11", note="Praia <3")
    assert resp.status == 200 and resp.body == ""  # the modal closes
    told = standin.wait_for("chat.postEphemeral", where=lambda c: c.get("user") == MARIANA)[0]
    assert "5 dias úteis" in told.text and "Tiago Costa" in told.text
    assert "17 de 22" in told.text  # balance after the request

    dm = dms(standin, TIAGO)[0]
    assert "Mariana Souza" in dm.text and "7 de dez. de 2026" in dm.text and "11 de dez. de 2026" in dm.text
    assert "Praia &lt;3" in dm.text  # her note, escaped
    assert "17 dias restantes" in dm.text
    approve = button(dm, "leave_approve")

    click = bot.click(approve, user=TIAGO, channel=TIAGO, message_ts=dm.get("ts"))
    assert click.status == 200
    update = standin.wait_for("chat.update")[0]
    assert update["channel"] == TIAGO
    assert "Aprovado por Tiago Costa" in update.text
    assert "leave_approve" not in str(update.get("blocks"))  # no buttons left
    told = dms(standin, MARIANA, contains="aprovou")[0]
    assert "Tiago Costa aprovou" in told.text

    req = only_request(runtime)
    assert req.status == "approved" and req.decided_by_id is not None and req.decided_at is not None
    with runtime.db.session() as s:
        actions = [a for (a,) in s.execute(select(AuditRecord.action).where(AuditRecord.entity == "leave_requests"))]
        assert actions == ["leave.requested", "leave.approved"]

    balance = bot.command("/leave", "balance", user=MARIANA)
    assert "17 dias restantes" in balance.text and "5 tirados ou aprovados" in balance.text


def test_reject_asks_for_a_reason_then_tells_the_requester(bot, standin, people, runtime):
    request_leave(bot, standin, MARIANA, "2026-12-14", "2026-12-15")
    dm = dms(standin, TIAGO)[0]
    reject = button(dm, "leave_reject")
    before = len(standin.of("views.open"))
    bot.click(reject, user=TIAGO, channel=TIAGO, message_ts=dm.get("ts"))
    modal = standin.wait_for("views.open", before + 1)[-1]["view"]
    assert modal["callback_id"] == "leave_reject"
    assert only_request(runtime).status == "pending"  # nothing decided before the reason

    empty = bot.submit(modal, {"reason": "  "}, user=TIAGO)
    assert "reason" in field_errors(empty)
    sent = bot.submit(modal, {"reason": "Fechamento do trimestre"}, user=TIAGO)
    assert sent.status == 200 and sent.body == ""
    update = standin.wait_for("chat.update")[0]
    assert "Recusado por Tiago Costa" in update.text and "Fechamento do trimestre" in update.text
    told = dms(standin, MARIANA, contains="recusou")[0]
    assert "Fechamento do trimestre" in told.text
    assert only_request(runtime).status == "rejected" and only_request(runtime).reason == "Fechamento do trimestre"


def test_two_clicks_decide_once(bot, standin, people, runtime):
    request_leave(bot, standin, MARIANA, "2026-12-07", "2026-12-08")
    dm = dms(standin, TIAGO)[0]
    approve = button(dm, "leave_approve")
    bot.click(approve, user=TIAGO, channel=TIAGO)
    second = bot.click(approve, user=TIAGO, channel=TIAGO)
    assert second.status == 200
    said = standin.wait_for("response_url", 2)
    assert any("já foi aprovado por Tiago Costa" in c.text for c in said)
    standin.settle()
    assert len(standin.messages(MARIANA)) == 1
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.action == "leave.approved")) == 1


def test_a_manager_without_a_manager_goes_to_the_admins(bot, standin, people, runtime):
    request_leave(bot, standin, TIAGO, "2026-12-07", "2026-12-07")
    dm = dms(standin, ADMIN)[0]
    assert "Tiago Costa" in dm.text and "não tem gestor" in dm.text
    bot.click(button(dm, "leave_approve"), user=ADMIN, channel=ADMIN)
    dms(standin, TIAGO, contains="aprovou")
    assert only_request(runtime).status == "approved"


def test_nobody_approves_their_own_leave_not_even_an_admin(bot, standin, people, runtime):
    request_leave(bot, standin, ADMIN, "2026-12-07", "2026-12-07")
    dm = dms(standin, ISABELA)[0]  # the admin's own manager decides
    own = bot.click(button(dm, "leave_approve"), user=ADMIN, channel=ADMIN)
    assert own.status == 200
    said = standin.wait_for("response_url")[0]
    assert "Ninguém aprova a própria ausência" in said.text
    assert only_request(runtime).status == "pending"


def test_someone_else_cannot_decide_and_the_domain_refuses_too(bot, standin, people, runtime):
    request_leave(bot, standin, MARIANA, "2026-12-07", "2026-12-07")
    dm = dms(standin, TIAGO)[0]
    bot.click(button(dm, "leave_approve"), user=WESLEY, channel=WESLEY)
    said = standin.wait_for("response_url")[0]
    assert "Só quem aprova" in said.text
    req_id = only_request(runtime).id
    with pytest.raises(PermissionDenied), runtime.unit_of_work(source="test") as ctx:
        ctx.actor = get_person(ctx.session, WESLEY)
        approve(ctx, req_id)
    assert only_request(runtime).status == "pending"


def test_approval_message_is_kept_on_the_request_and_rewritten_in_place(bot, standin, people, runtime):
    request_leave(bot, standin, MARIANA, "2026-12-07", "2026-12-07")
    dm = dms(standin, TIAGO)[0]
    bot.click(button(dm, "leave_approve"), user=TIAGO, channel=TIAGO)
    standin.wait_for("chat.update")
    runtime.sender.wait_idle()
    with runtime.db.session() as s:
        req = s.scalar(select(LeaveRequest))
        original = req.messages[0].outbox
        assert original.slack_ts == dm.get("ts") or original.slack_ts
        updates = list(s.scalars(select(OutboxMessage).where(OutboxMessage.updates_id == original.id)))
        assert len(updates) == 1 and updates[0].kind == "update"


def test_two_admins_as_approvers_the_first_decision_wins_and_both_dms_are_rewritten(bot, standin, people, runtime):

    assert bot.command("/backoffice", f"role <@{GABRIELA}> admin", user=ADMIN).status == 200
    request_leave(bot, standin, TIAGO, "2026-12-07", "2026-12-08")  # no manager: every admin decides
    to_eduarda = dms(standin, ADMIN, contains="Tiago Costa")[0]
    to_gabriela = dms(standin, GABRIELA, contains="Tiago Costa")[0]
    before = len(standin.of("views.open"))
    bot.click(button(to_gabriela, "leave_reject"), user=GABRIELA, channel=GABRIELA)
    reject_form = standin.wait_for("views.open", before + 1)[-1]["view"]
    bot.click(button(to_eduarda, "leave_approve"), user=ADMIN, channel=ADMIN)
    late = bot.submit(reject_form, {"reason": "Fim de ano"}, user=GABRIELA)
    assert "já foi aprovado por Eduarda Silva" in field_errors(late)["reason"]
    updates = standin.wait_for("chat.update", 2)
    assert {u["channel"] for u in updates} == {ADMIN, GABRIELA}
    assert all("Aprovado por Eduarda Silva" in u.text for u in updates)
    standin.settle()
    assert len([m for m in standin.messages(TIAGO) if "aprovou" in m.text]) == 1
    assert only_request(runtime).status == "approved"
