"""Leave across 31 December: each year's balance is charged its own business days, the requester
and the approver read the same remainders, and the approver hears when approved leave is called off."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.cast import ADMIN, MARIANA, TIAGO
from tests.leave.helpers import button, dms, field_errors, only_request, request_leave


def told(standin, user):
    return standin.wait_for("chat.postEphemeral", where=lambda c: c.get("user") == user)[-1].text


def test_leave_from_december_to_january_charges_each_year_its_own_days(bot, standin, people, clock):
    # 28-31/12/2026 are four business days (Mon-Thu); 01/01 is a holiday, 04-08/01/2027 are five.
    resp = request_leave(bot, standin, MARIANA, "2026-12-28", "2027-01-08")
    assert resp.status == 200 and resp.body == ""
    req = only_request(bot.runtime)
    assert (req.days, req.year, req.next_year_days) == (Decimal(9), 2026, Decimal(5))
    mine = told(standin, MARIANA)
    assert "2026: 4 destes dias; restam 18 de 22 dias" in mine
    assert "2027: 5 destes dias; restam 22 de 27 dias" in mine  # 22 + 5 carried over from 2026

    approval = dms(standin, TIAGO)[0].text
    assert "2026: 4 destes dias; 18 dias restantes depois deste (de 22)" in approval
    assert "2027: 5 destes dias; 22 dias restantes depois deste (de 27)" in approval

    assert "18 dias restantes" in bot.command("/leave", "balance", user=MARIANA).text
    clock.set(dt.datetime(2027, 1, 11, 12, 0, tzinfo=dt.UTC))
    january = bot.command("/leave", "balance", user=MARIANA).text
    assert "2027" in january
    assert "22 dias restantes" in january and "5 aguardando aprovação" in january


def test_each_year_is_checked_against_its_own_balance(bot, standin, people):
    # 2026: exactly the four December days, so nothing carries over; 2027: three days.
    for days, year in ((4, 2026), (3, 2027)):
        set_to = bot.command("/leave", f"allowance <@U070000004> vacation {days} {year}", user=ADMIN).text
        assert str(year) in set_to, set_to
    refused = request_leave(bot, standin, MARIANA, "2026-12-28", "2027-01-08")
    errors = field_errors(refused)
    assert errors["end"] == "5 destes dias úteis caem em 2027, mas só restam 3 do seu saldo de 2027."
    # Within one year the message stays the simple one (2027: 3 days plus the 4 of 2026 carried over).
    within = field_errors(request_leave(bot, standin, MARIANA, "2027-01-04", "2027-01-15"))["end"]
    assert within == "São 10 dias úteis, mas restam só 7 do seu saldo de 2027."


def test_the_approver_is_told_when_approved_leave_is_cancelled(bot, standin, people):
    request_leave(bot, standin, MARIANA, "2026-12-07", "2026-12-11")
    bot.click(button(dms(standin, TIAGO)[0], "leave_approve"), user=TIAGO, channel=TIAGO)
    dms(standin, MARIANA, contains="aprovou")
    bot.command("/leave", "cancel 1", user=MARIANA)
    withdrawn = dms(standin, TIAGO, contains="cancelou a ausência aprovada")[0].text
    assert "Mariana Souza cancelou a ausência aprovada #1" in withdrawn


def test_the_approver_is_told_when_an_admin_cancels_approved_leave(bot, standin, people):
    request_leave(bot, standin, MARIANA, "2026-12-07", "2026-12-11")
    bot.click(button(dms(standin, TIAGO)[0], "leave_approve"), user=TIAGO, channel=TIAGO)
    dms(standin, MARIANA, contains="aprovou")
    assert "cancelada" in bot.command("/leave", "cancel 1", user=ADMIN).text
    withdrawn = dms(standin, TIAGO, contains="cancelou a ausência aprovada")[0].text
    assert "Eduarda Silva cancelou a ausência aprovada #1 de Mariana Souza" in withdrawn
    assert "Eduarda Silva cancelou sua ausência #1" in dms(standin, MARIANA, contains="cancelou")[0].text
    assert only_request(bot.runtime).status == "cancelled"


def test_the_form_reads_dates_typed_the_brazilian_way_too(bot, standin, people):
    # The date picker sends ISO; a form filled as text (the console, a client without pickers) may not.
    resp = request_leave(bot, standin, MARIANA, "07/12/2026", "2026-12-11")
    assert resp.status == 200 and resp.body == ""
    req = only_request(bot.runtime)
    assert (req.start.isoformat(), req.end.isoformat(), req.days) == ("2026-12-07", "2026-12-11", Decimal(5))
    wrong = field_errors(request_leave(bot, standin, MARIANA, "31/02/2027", "2027-03-01"))
    assert set(wrong) == {"start"}
