"""/leave balance, list, cancel, who and allowance, as employees, approvers and admins see them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from models.core.audit import AuditRecord
from tests.cast import ADMIN, GABRIELA, MARIANA, QUESIA, TIAGO, WESLEY, YASMIN
from tests.leave.helpers import button, dms, only_request, request_leave


def test_balance_lists_each_type_in_business_days(bot, people):
    resp = bot.command("/leave", "balance", user=MARIANA)
    assert resp.json["response_type"] == "ephemeral"
    text = resp.text
    assert "Saldo de ausências de Mariana Souza, 2026" in text
    assert "Férias: 22 dias restantes" in text and "Licença médica: 15 dias restantes" in text
    assert "Folga pessoal: 3 dias restantes" in text
    assert "Licença não remunerada" in text and "BR/MG" in text


def test_someone_elses_balance_is_for_their_approver_and_admins(bot, people):
    assert "Mariana Souza" in bot.command("/leave", f"balance <@{MARIANA}>", user=TIAGO).text
    assert "Mariana Souza" in bot.command("/leave", "balance mariana.souza@empresa.com.br", user=ADMIN).text
    refused = bot.command("/leave", f"balance <@{MARIANA}>", user=WESLEY)
    assert "Só quem aprova" in refused.text and "dias restantes" not in refused.text


def test_list_shows_my_requests_with_status_and_a_cancel_button(bot, standin, people):
    request_leave(bot, standin, MARIANA, "2026-12-07", "2026-12-08")
    resp = bot.command("/leave", "list", user=MARIANA)
    assert "#1" in resp.text and "pendente" in resp.text and "7 de dez. de 2026" in resp.text
    cancel = next(b["accessory"] for b in resp.json["blocks"] if b.get("accessory"))
    assert cancel["action_id"].startswith("leave_cancel") and cancel["confirm"]
    empty = bot.command("/leave", "list", user=WESLEY)
    assert "não tem pedidos" in empty.text


def test_the_employee_cancels_before_it_starts_and_the_days_come_back(bot, standin, people, runtime):
    request_leave(bot, standin, MARIANA, "2026-12-07", "2026-12-11")
    dm = dms(standin, TIAGO)[0]
    bot.click(button(dm, "leave_approve"), user=TIAGO, channel=TIAGO)
    dms(standin, MARIANA, contains="aprovou")
    assert "17 dias restantes" in bot.command("/leave", "balance", user=MARIANA).text

    resp = bot.command("/leave", "cancel 1", user=MARIANA)
    assert "cancelada" in resp.text
    assert "22 dias restantes" in bot.command("/leave", "balance", user=MARIANA).text
    # Approved, then cancelled: the same DM, rewritten (found by what it says, whatever order the updates land in).
    update = standin.wait_for("chat.update", where=lambda c: "Cancelado por" in c.text)[0]
    assert "Cancelado por Mariana Souza" in update.text
    assert "22 dias restantes" in update.text and "depois deste" not in update.text
    assert only_request(runtime).status == "cancelled"
    again = bot.command("/leave", "cancel 1", user=MARIANA)
    assert "já está cancelado." in again.text


def test_after_it_starts_only_the_approver_or_an_admin_cancels(bot, standin, people, runtime, clock):
    request_leave(bot, standin, MARIANA, "2026-12-07", "2026-12-11")
    clock.set(dt.datetime(2026, 12, 8, 12, 0, tzinfo=dt.UTC))
    refused = bot.command("/leave", "cancel 1", user=MARIANA)
    assert "já começou" in refused.text
    other = bot.command("/leave", "cancel #1", user=WESLEY)
    assert "Só Mariana Souza" in other.text
    done = bot.command("/leave", "cancel 1", user=TIAGO)
    assert "cancelada" in done.text
    told = dms(standin, MARIANA, contains="cancelou")[0]
    assert "Tiago Costa cancelou sua ausência #1" in told.text
    with runtime.db.session() as s:
        rec = s.scalar(select(AuditRecord).where(AuditRecord.action == "leave.cancelled"))
        assert rec.before["status"] == "pending" and rec.after["status"] == "cancelled"


def test_cancel_needs_a_number(bot, people):
    assert "/leave cancel 12" in bot.command("/leave", "cancel", user=MARIANA).text
    assert "não é um número de pedido" in bot.command("/leave", "cancel abc", user=MARIANA).text
    assert "Não existe o pedido de ausência #99" in bot.command("/leave", "cancel 99", user=MARIANA).text


def test_who_is_out_says_out_not_why_for_sick_leave(bot, standin, people, clock):
    request_leave(bot, standin, MARIANA, "2026-11-26", "2026-11-27", note="férias com a família")
    request_leave(bot, standin, YASMIN, "2026-11-26", "2026-11-26", type="sick", note="cirurgia")
    request_leave(bot, standin, QUESIA, "2026-11-30", "2026-12-01")
    for approver, count in ((TIAGO, 2), (GABRIELA, 1)):
        for dm in dms(standin, approver, count):
            bot.click(button(dm, "leave_approve"), user=approver, channel=approver)
    dms(standin, QUESIA, contains="aprovou")
    dms(standin, YASMIN, contains="aprovou")
    dms(standin, MARIANA, contains="aprovou")

    today = bot.command("/leave", "who", user=WESLEY)
    assert "Ninguém ausente" in today.text
    tomorrow = bot.command("/leave", "who amanhã", user=WESLEY)
    # The help says it: "out", not why (vacation included), unless the company makes types public.
    assert "Mariana Souza" in tomorrow.text and "Férias" not in tomorrow.text
    assert "Yasmin Costa" in tomorrow.text and tomorrow.text.count("Ausente") == 2
    assert "Licença médica" not in tomorrow.text and "cirurgia" not in tomorrow.text
    assert "férias com a família" not in tomorrow.text
    # Even admins see "out" in a who's-out list.
    assert "Licença médica" not in bot.command("/leave", "who tomorrow", user=ADMIN).text
    week = bot.command("/leave", "who week", user=WESLEY)
    assert "Mariana Souza" in week.text and "Yasmin Costa" in week.text and "Quésia" not in week.text
    on_date = bot.command("/leave", "who 01/12", user=WESLEY)
    assert "Quésia Almeida" in on_date.text and "terça-feira, 1 de dezembro de 2026" in on_date.text
    iso = bot.command("/leave", "who 2026-12-01", user=WESLEY)
    assert "Quésia Almeida" in iso.text
    bad = bot.command("/leave", "who someday", user=WESLEY)
    assert "someday" in bad.text and "/leave who hoje" in bad.text


def test_the_sick_persons_approver_sees_the_type_others_do_not(bot, standin, people):
    request_leave(bot, standin, YASMIN, "2026-12-02", "2026-12-02", type="sick", note="consulta")
    dm = dms(standin, TIAGO)[0]
    assert "Licença médica" in dm.text and "consulta" in dm.text
    mine = bot.command("/leave", "list", user=YASMIN)
    assert "Licença médica" in mine.text


def test_approver_dm_shows_team_out_and_warns_over_the_limit(bot, standin, people, runtime):
    runtime.settings.team_max_out = 2
    request_leave(bot, standin, MARIANA, "2026-12-07", "2026-12-11")
    request_leave(bot, standin, YASMIN, "2026-12-09", "2026-12-10", type="sick")
    request_leave(bot, standin, WESLEY, "2026-12-10", "2026-12-14")
    third = dms(standin, TIAGO, 3)[2]
    assert "Wesley Lima" in third.text
    assert "Mariana Souza: ausente" in third.text and "Yasmin Costa: ausente" in third.text
    assert "Licença médica" not in third.text  # the team list never says why
    assert "3 pessoas da equipe estariam ausentes em 10 de dez. de 2026; o limite é 2" in third.text
    first = dms(standin, TIAGO, 3)[0]
    assert "Ninguém mais da equipe" in first.text


def test_admin_sets_an_allowance_audited_and_the_person_is_told(bot, standin, people, runtime):
    resp = bot.command("/leave", f"allowance <@{MARIANA}> vacation 25", user=ADMIN)
    assert "Mariana Souza agora tem 25 dias de Férias em 2026" in resp.text
    told = dms(standin, MARIANA)[0]
    assert "Eduarda Silva definiu sua franquia" in told.text
    assert "25 dias restantes" in bot.command("/leave", "balance", user=MARIANA).text
    with runtime.db.session() as s:
        rec = s.scalar(select(AuditRecord).where(AuditRecord.action == "leave.allowance"))
        assert rec.before == {"days": "22"} and rec.after["days"] == "25"
    refused = bot.command("/leave", f"allowance <@{MARIANA}> vacation 40", user=TIAGO)
    assert "admin" in refused.text
    bad = bot.command("/leave", f"allowance <@{MARIANA}> vacation muitos", user=ADMIN)
    assert "muitos" in bad.text
    unknown = bot.command("/leave", f"allowance <@{MARIANA}> sabbatical 5", user=ADMIN)
    assert "sabbatical" in unknown.text and "vacation" in unknown.text
    unpaid = bot.command("/leave", f"allowance <@{MARIANA}> unpaid 5", user=ADMIN)
    assert "não tem controle de saldo" in unpaid.text


def test_unused_vacation_carries_over_up_to_the_cap(bot, standin, people, runtime):
    bot.command("/leave", "balance", user=MARIANA)  # her 2026 allocation exists: 22 days, none taken
    resp = request_leave(bot, standin, MARIANA, "2027-01-04", "2027-01-08")
    assert resp.body == ""
    told = standin.wait_for("chat.postEphemeral", where=lambda c: c.get("user") == MARIANA)[-1].text
    assert "22 de 27" in told  # 22 for 2027 plus 5 carried over (the cap), minus 5


def test_help_lists_every_subcommand(bot, people):
    text = bot.command("/leave", "help", user=MARIANA).text
    for word in ("/leave balance", "/leave list", "/leave cancel", "/leave who", "/leave pending"):
        assert word in text
    unknown = bot.command("/leave", "frobnicate", user=MARIANA)
    assert "frobnicate" in unknown.text and "/leave help" in unknown.text


def test_mentions_and_dms_in_plain_words(bot, standin, people):
    request_leave(bot, standin, MARIANA, "2026-11-26", "2026-11-27")
    bot.click(button(dms(standin, TIAGO)[0], "leave_approve"), user=TIAGO, channel=TIAGO)
    dms(standin, MARIANA, contains="aprovou")
    bot.mention("quem está de férias amanhã?", user=WESLEY)
    answer = standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == "C0GENERAL")[0]
    assert "Mariana Souza" in answer.text and answer.get("thread_ts")
    bot.dm("what's my vacation balance?", user=WESLEY)
    balance = standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == "D0DIRECT01")[0]
    assert "Saldo de ausências de Wesley Lima" in balance.text


def test_a_company_that_makes_reasons_public_shows_them_except_private_ones(bot, standin, people, runtime):
    runtime.settings.leave_who_shows_type = True  # LEAVE_WHO_SHOWS_TYPE=true
    request_leave(bot, standin, MARIANA, "2026-11-26", "2026-11-27")
    request_leave(bot, standin, YASMIN, "2026-11-26", "2026-11-26", type="sick", note="cirurgia")
    for dm in dms(standin, TIAGO, 2):
        bot.click(button(dm, "leave_approve"), user=TIAGO, channel=TIAGO)
    dms(standin, YASMIN, contains="aprovou")
    dms(standin, MARIANA, contains="aprovou")
    tomorrow = bot.command("/leave", "who amanhã", user=WESLEY).text
    assert "Mariana Souza" in tomorrow and "Férias" in tomorrow
    assert "Licença médica" not in tomorrow and "cirurgia" not in tomorrow and "Ausente" in tomorrow
