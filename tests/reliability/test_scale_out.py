"""Scale-out: two `serve` processes (waitress) and one `scheduler` on PostgreSQL, load sent to both.

Incident reports (each also retried at the same moment on the other process) and a channel digest
due in the next minutes: nothing duplicated, nothing lost, the digest sent once. Loopback only,
bounded in count and time.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
import zoneinfo

import pytest
from sqlalchemy import select

from tests.cast import SOFIA
from tests.conftest import pg_only
from tests.harness import BOT_TOKEN, SIGNING_SECRET, RemoteBot
from tests.processes import free_port, wait_http

pytestmark = [pytest.mark.long, pg_only()]

REPORTS = 30
INCIDENTS = "C0INCIDNT"
DIGEST_CHANNEL = "C0DIGEST1"


def test_two_web_processes_and_one_clock_nothing_twice_nothing_lost(people, standin, database_url, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(DATABASE_URL=database_url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
               SLACK_API_URL=standin.api_url, WEB_CONCURRENCY="2", INCIDENTS_CHANNEL=INCIDENTS,
               ONCALL_CHANNEL="C0ONCALL1", STOCK_CHANNEL="C0STOCK01", TRADES_CHANNEL="C0TRADES1", LOG_LEVEL="WARNING")
    ports = [free_port(), free_port()]
    procs = [subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--port", str(p)], env=env, cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for p in ports]
    try:
        bots = [RemoteBot(f"http://127.0.0.1:{p}", standin) for p in ports]
        for bot, proc in zip(bots, procs):
            wait_http(bot.url + "/healthz", proc)
        clock_proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "scheduler"], env=env, cwd=tmp_path,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        procs.append(clock_proc)

        # A channel digest due two minutes from now, on the real clock the processes read.
        local = dt.datetime.now(zoneinfo.ZoneInfo("America/Sao_Paulo")) + dt.timedelta(minutes=2)
        subscribed = bots[0].command("/digest", f"subscribe <#{DIGEST_CHANNEL}|diretoria> daily {local:%H:%M}",
                                     user=SOFIA, channel=DIGEST_CHANNEL)
        assert subscribed.status == 200, subscribed.body

        # The report form, as Slack would show it, then REPORTS reports sent to both processes at once,
        # each one twice with the same trigger id (a retry that lands on the other process).
        bots[1].command("/incident", "", user=SOFIA)
        view = standin.wait_for("views.open")[-1]["view"]
        statuses: list[int] = []

        def send(n: int, bot: RemoteBot) -> None:
            resp = bot.submit(view, {"title": f"Falha {n}", "severity": "3", "service": "ERP",
                                     "description": f"carga {n}"}, user=SOFIA, trigger_id=f"load.{n}")
            statuses.append(resp.status if resp.status == 200 else (resp.status, round(resp.elapsed, 2)))

        threads = [threading.Thread(target=send, args=(n, bot)) for n in range(REPORTS) for bot in bots]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert statuses.count(200) == 2 * REPORTS, [s for s in statuses if s != 200][:3]

        from models.incidents.tables import Incident

        with people.db.session() as s:
            numbers = sorted(s.scalars(select(Incident.number)))
            titles = sorted(s.scalars(select(Incident.title)))
        assert numbers == list(range(1, REPORTS + 1))  # no duplicate, no gap
        assert titles == sorted(f"Falha {n}" for n in range(REPORTS))
        cards = standin.wait_for("chat.postMessage", REPORTS, where=lambda c: c.get("channel") == INCIDENTS,
                                 timeout=60)
        assert len(cards) == REPORTS

        # The digest: once, although two web processes and a clock are up (web processes run no jobs).
        digests = standin.wait_for("chat.postMessage", 1, where=lambda c: c.get("channel") == DIGEST_CHANNEL,
                                   timeout=240)
        time.sleep(75)  # one more tick of the clock
        assert len(standin.messages(DIGEST_CHANNEL)) == len(digests) == 1
        assert len(standin.messages(INCIDENTS)) == REPORTS
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
