"""SIGTERM, as a platform sends it on every deploy, loses nothing: `serve` finishes the requests
in flight and answers them, hands a notification it could not deliver back to the outbox (sent
once, later, by whoever sweeps), and exits 0; its /metrics count what it served."""

from __future__ import annotations

import datetime as dt
import signal
import threading
import urllib.request

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from models.core.outbox import OutboxMessage
from models.core.people import Person
from tests.cast import ADMIN, MARIANA
from tests.harness import RemoteBot
from tests.processes import bot_env, free_port, start, stop, wait_http

NEWCOMERS = [f"U0NEW{n:05d}" for n in range(6)]


def _requests_counted(url: str) -> float:
    with urllib.request.urlopen(url + "/metrics", timeout=10) as resp:
        families = text_string_to_metric_families(resp.read().decode())
    return sum(s.value for f in families for s in f.samples if s.name == "backoffice_requests_total"
               and s.labels.get("desk") == "admin" and s.labels.get("outcome") == "ok")


def test_sigterm_with_requests_in_flight_loses_none(people, standin, database_url, tmp_path):
    runtime = people
    port = free_port()
    env = bot_env(database_url, standin, SHUTDOWN_GRACE="12", LOG_LEVEL="WARNING")
    proc = start(["serve", "--port", str(port)], env, tmp_path)
    try:
        bot = RemoteBot(f"http://127.0.0.1:{port}", standin)
        wait_http(bot.url + "/readyz", proc)
        for _ in range(4):
            assert bot.command("/backoffice", "whoami", user=ADMIN).status == 200
        assert _requests_counted(bot.url) == 4

        # A notification whose post hangs in Slack, and six requests waiting on users.info.
        standin.hang("chat.postMessage", 20)
        assert bot.command("/backoffice", f"role <@{MARIANA}> manager", user=ADMIN).status == 200
        standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == MARIANA)
        standin.hang("users.info", 2.0, times=len(NEWCOMERS))
        answers: dict[str, object] = {}

        def ask(user: str) -> None:
            answers[user] = bot.command("/backoffice", "whoami", user=user)

        threads = [threading.Thread(target=ask, args=(u,)) for u in NEWCOMERS]
        for t in threads:
            t.start()
        standin.wait_for("users.info", len(NEWCOMERS), where=lambda c: c.get("user") in NEWCOMERS)
        proc.send_signal(signal.SIGTERM)  # all six are inside the bot now
        for t in threads:
            t.join(timeout=30)
        assert proc.wait(timeout=30) == 0
    finally:
        stop(proc)
    for user in NEWCOMERS:
        answer = answers[user]
        assert answer.status == 200 and answer.text and "Desculpe" not in answer.text
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Person).where(Person.slack_user_id.in_(NEWCOMERS))) == 6
        [dm] = s.scalars(select(OutboxMessage).where(OutboxMessage.template == "admin/role_granted_dm")).all()
        assert dm.status == "pending" and dm.uncertain and dm.lease_until is None  # handed back, not stuck
    # The next sweep (another process, later) finds it in the DM and does not post it again.
    runtime.clock.set(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1))
    runtime.sender.sweep()
    with runtime.db.session() as s:
        assert s.get(OutboxMessage, dm.id).status == "sent"
    assert len(standin.messages(MARIANA)) == 1
