"""Wrong input answers inside the modal, next to the field, and nothing is stored."""

from __future__ import annotations

from sqlalchemy import func, select

from models.leave.tables import LeaveRequest
from tests.cast import ADMIN, MARIANA, TIAGO, YASMIN
from tests.leave.helpers import dms, field_errors, open_form, request_leave


def count(runtime) -> int:
    with runtime.db.session() as s:
        return s.scalar(select(func.count()).select_from(LeaveRequest))


def test_end_before_start(bot, standin, people, runtime):
    errors = field_errors(request_leave(bot, standin, MARIANA, "2026-12-10", "2026-12-08"))
    assert "antes do início" in errors["end"] and "10 de dez. de 2026" in errors["end"]
    assert count(runtime) == 0


def test_missing_dates_answer_next_to_each_field(bot, standin, people):
    view = open_form(bot, standin, MARIANA)
    errors = field_errors(bot.submit(view, {"type": "vacation", "start": None, "end": None}, user=MARIANA))
    assert "primeiro dia" in errors["start"] and "último dia" in errors["end"]


def test_a_weekend_has_no_business_day(bot, standin, people, runtime):
    errors = field_errors(request_leave(bot, standin, MARIANA, "2026-12-05", "2026-12-06"))
    assert "não há dia útil" in errors["end"]
    assert count(runtime) == 0


def test_a_public_holiday_alone_has_no_business_day(bot, standin, people, runtime):
    errors = field_errors(request_leave(bot, standin, YASMIN, "2026-12-25", "2026-12-25"))
    assert "não há dia útil" in errors["end"]


def test_overlapping_an_own_request_is_refused(bot, standin, people, runtime):
    request_leave(bot, standin, MARIANA, "2026-12-07", "2026-12-11")
    errors = field_errors(request_leave(bot, standin, MARIANA, "2026-12-10", "2026-12-15"))
    assert "#1" in errors["start"] and "sobrepõe" in errors["start"]
    # Someone else on the same days is fine.
    assert request_leave(bot, standin, YASMIN, "2026-12-10", "2026-12-15").body == ""
    assert count(runtime) == 2


def test_not_enough_balance_but_unpaid_leave_has_no_balance(bot, standin, people, runtime):
    errors = field_errors(request_leave(bot, standin, MARIANA, "2026-12-01", "2026-12-04", type="personal"))
    assert "São 4 dias úteis, mas restam só 3" in errors["end"]
    ok = request_leave(bot, standin, MARIANA, "2026-12-01", "2026-12-31", type="unpaid")
    assert ok.body == ""
    assert count(runtime) == 1


def test_the_past_is_refused_except_for_admins(bot, standin, people, runtime):
    errors = field_errors(request_leave(bot, standin, MARIANA, "2026-11-23", "2026-11-24"))
    assert "já passou" in errors["start"]
    assert request_leave(bot, standin, ADMIN, "2026-11-23", "2026-11-24", type="sick").body == ""
    assert count(runtime) == 1


def test_half_days_count_half_and_only_once_on_a_single_day(bot, standin, people, runtime):
    errors = field_errors(request_leave(bot, standin, MARIANA, "2026-12-07", "2026-12-07", half=["start", "end"]))
    assert "meio período" in errors["half"]
    request_leave(bot, standin, MARIANA, "2026-12-07", "2026-12-09", half=["start", "end"])
    told = standin.wait_for("chat.postEphemeral", where=lambda c: c.get("user") == MARIANA)[0]
    assert "2 dias úteis" in told.text and "20 de 22" in told.text
    dm = dms(standin, TIAGO)[0]
    assert "primeiro dia: meio período" in dm.text and "último dia: meio período" in dm.text


def test_errors_follow_the_persons_language(bot, standin, people, runtime):
    with runtime.db.session() as s:
        from models.core.people import get_person

        get_person(s, MARIANA).locale = "en-US"
        s.commit()
    errors = field_errors(request_leave(bot, standin, MARIANA, "2026-12-10", "2026-12-08"))
    assert errors["end"] == "The end (Dec 8, 2026) is before the start (Dec 10, 2026)."


def test_the_only_admin_without_a_manager_is_told_nobody_can_approve(bot, standin, people, runtime):
    with runtime.db.session() as s:
        from models.core.people import get_person

        get_person(s, ADMIN).manager_id = None
        s.commit()
    errors = field_errors(request_leave(bot, standin, ADMIN, "2026-12-07", "2026-12-07"))
    assert "Ninguém pode aprovar sua ausência" in errors["type"]
    assert count(runtime) == 0
