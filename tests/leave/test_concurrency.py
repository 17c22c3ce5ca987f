"""Twenty approvers' clicks at once decide once; two forms at once cannot both take the same days."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from models.core.audit import AuditRecord
from models.leave.tables import LeaveRequest
from tests.cast import MARIANA, TIAGO
from tests.conftest import pg_only
from tests.leave.helpers import button, dms, open_form, request_leave


def _all_at_once(n: int, fn) -> list:
    results: list = [None] * n
    gate = threading.Barrier(n)

    def run(i: int) -> None:
        gate.wait()
        results[i] = fn(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pg_only()
def test_twenty_concurrent_approve_clicks_give_one_approval_and_one_dm(bot, standin, people, runtime):
    request_leave(bot, standin, MARIANA, "2026-12-07", "2026-12-11")
    approve = button(dms(standin, TIAGO)[0], "leave_approve")
    bot.server.socket.listen(64)  # the test server's default backlog (5) would drop simultaneous connections
    responses = _all_at_once(20, lambda i: bot.click(approve, user=TIAGO, channel=TIAGO, trigger_id=f"race.{i}"))
    assert all(r.status == 200 for r in responses)
    standin.wait_for("response_url", 20)
    standin.settle()
    runtime.sender.wait_idle()
    assert len(standin.messages(MARIANA)) == 1
    assert len(standin.of("chat.update")) == 1
    said = [c.text for c in standin.of("response_url")]
    assert sum("Você aprovou" in t for t in said) == 1
    assert sum("já foi aprovado por Tiago Costa" in t for t in said) == 19
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.action == "leave.approved")) == 1
        assert s.scalar(select(LeaveRequest.status)) == "approved"


@pg_only()
def test_two_overlapping_forms_sent_at_once_file_one_request(bot, standin, people, runtime):
    views = [open_form(bot, standin, MARIANA) for _ in range(2)]
    answers = {"type": "vacation", "start": "2026-12-07", "end": "2026-12-11", "half": [], "note": None}
    responses = _all_at_once(2, lambda i: bot.submit(views[i], answers, user=MARIANA, trigger_id=f"form.{i}"))
    assert sorted(r.body == "" for r in responses) == [False, True]
    refused = next(r for r in responses if r.body)
    assert "sobrepõe" in refused.json["errors"]["start"]
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(LeaveRequest)) == 1
