"""The digest and the Home tab with the desks' real sections: leave, stock, trades, incidents."""

from __future__ import annotations

import datetime as dt
import logging
import time

import pytest
from sqlalchemy import select

from bot.demo import load_demo
from bot.scheduler import tick
from models.core.outbox import OutboxMessage
from models.core.people import get_person
from tests.cast import GABRIELA, MARIANA, TIAGO
from tests.digest.conftest import MANAGERS
from tests.harness import BotServer


@pytest.fixture
def full(runtime, standin):
    """The real registry, the sample people and the demo data set, and a leave request for Tiago to decide."""
    from models.leave.flow import file_request
    from models.leave.tables import get_type

    people = runtime
    load_demo(people)
    with people.unit_of_work(source="test") as ctx:
        ctx.actor = get_person(ctx.session, MARIANA)
        file_request(ctx, get_type(ctx.session, "vacation"), dt.date(2026, 12, 7), dt.date(2026, 12, 11))
    people.sender.wait_idle()
    standin.reset()
    server = BotServer(people, standin)
    yield people, server
    server.stop()


def test_the_morning_digest_with_the_real_desks_renders_and_is_delivered(full, standin, caplog):
    runtime, _bot = full
    with caplog.at_level(logging.ERROR):
        summary = tick(runtime)
    assert not [r for r in caplog.records if "leaving it out" in r.getMessage()], "a desk's section failed"
    assert "digest.manager" in summary
    runtime.sender.wait_idle()
    runtime.sender.sweep()
    standin.settle(quiet=0.3)
    with runtime.db.session() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.template.like("digest/%"))).unique().all()
        assert rows and {r.status for r in rows} == {"sent"}, [(r.template, r.last_error) for r in rows]
    got = {m: standin.messages(m) for m in MANAGERS}
    assert any(got.values())
    assert {s.desk for s in runtime.registry.digest_sections} >= {"leave", "stock", "trades", "incidents"}
    tiago = got[TIAGO][0]
    assert "Mariana Souza" in tiago.text
    assert any(b["type"] == "actions" for b in tiago["blocks"])  # the approval buttons


def test_digest_now_and_the_home_tab_with_the_real_desks(full, standin):
    runtime, bot = full
    now = bot.command("/digest", "now", user=GABRIELA)
    assert now.status == 200 and "Seu resumo agora" in now.text
    ts = f"{time.time():.6f}"
    bot.event({"type": "app_home_opened", "user": TIAGO, "channel": "D0DIRECT01", "tab": "home", "event_ts": ts})
    [call] = standin.wait_for("views.publish", where=lambda c: c.get("user_id") == TIAGO)
    assert "Olá, Tiago Costa" in call.text and "/digest now" in call.text
    assert "Mariana Souza" in call.text


def test_approving_leave_from_the_home_tab_works(full, standin):
    runtime, bot = full
    ts = f"{time.time():.6f}"
    bot.event({"type": "app_home_opened", "user": TIAGO, "channel": "D0DIRECT01", "tab": "home", "event_ts": ts})
    [call] = standin.wait_for("views.publish", where=lambda c: c.get("user_id") == TIAGO)
    view = {**call["view"], "id": "V0HOME001"}
    approve = next(el for b in view["blocks"] if b["type"] == "actions" for el in b["elements"]
                   if el["action_id"].startswith("leave_approve"))
    assert bot.click(approve, user=TIAGO, view=view).status == 200
    from models.leave.tables import LeaveRequest

    with runtime.db.session() as s:
        assert s.get(LeaveRequest, int(approve["value"])).status == "approved"
    # The Home tab is published again, without the request that was just decided (the demo's
    # other request for Tiago stays).
    calls = standin.wait_for("views.publish", 2, where=lambda c: c.get("user_id") == TIAGO)
    republished = calls[-1]["view"]
    assert not any(el["action_id"] == approve["action_id"] for b in republished["blocks"]
                   if b["type"] == "actions" for el in b["elements"])
