"""Socket Mode, proven: `backoffice-bot socket` as a real process against the Socket Mode stand-in.

The user stories of the HTTP suite (a command and its reply, a modal with a field error then
success, a button that decides once, a mention answered in its thread), its JSON log lines (no
secret, e-mail or sick-leave note in them), then reconnection: Slack's `disconnect`
(refresh_requested) and a socket dropped mid-burst lose nothing, and an envelope delivered again
is acted on once. SIGTERM ends the worker with exit code 0 once what it took is done.
"""

from __future__ import annotations

import datetime as dt
import json
import signal

import pytest

from tests.cast import ADMIN, MARIANA, TIAGO
from tests.harness import (
    BOT_TOKEN,
    SIGNING_SECRET,
    click_payload,
    command_payload,
    event_payload,
    mention_event,
    submit_payload,
)
from tests.leave.helpers import button, only_request
from tests.processes import APP_TOKEN, bot_env, start, stop
from tests.socket_standin import SocketStandIn


def _week_after_next() -> dt.date:
    """Its Monday (the worker reads the real clock)."""
    today = dt.date.today()
    return today + dt.timedelta(days=14 - today.weekday())


@pytest.fixture
def socket(people, standin, database_url, tmp_path):
    server = SocketStandIn(standin).start()
    log = tmp_path / "socket.log"
    env = bot_env(database_url, standin, SLACK_APP_TOKEN=APP_TOKEN, SOCKET_PING_INTERVAL="1", LOG_FORMAT="json",
                  LOG_LEVEL="INFO", SHUTDOWN_GRACE="10")
    env.pop("SLACK_SIGNING_SECRET")  # Socket Mode needs none
    proc = start(["socket"], env, tmp_path, log=log)
    try:
        server.wait_connected(timeout=60)
        yield server, proc, log
    finally:
        stop(proc)
        server.stop()


def _text(payload: dict | None) -> str:
    from tests.slack_standin import Call

    return Call("ack", payload or {}).text


def test_the_user_stories_over_socket_mode(socket, standin, runtime):
    server, proc, log = socket
    # A command and its reply, in the ack.
    reply = server.wait_ack(server.send("slash_commands", command_payload(standin, "/backoffice", "whoami",
                                                                          user=ADMIN)))
    assert "Eduarda Silva" in _text(reply)

    # The leave form: opened, refused with a field error (end before start), then sent.
    monday = _week_after_next()
    first, last = monday.isoformat(), (monday + dt.timedelta(days=2)).isoformat()
    assert server.wait_ack(server.send("slash_commands", command_payload(standin, "/leave", "", user=MARIANA))) is None
    view = standin.wait_for("views.open")[-1]["view"]
    wrong = server.wait_ack(server.send("interactive", submit_payload(
        view, {"type": "vacation", "start": last, "end": first}, user=MARIANA)))
    assert wrong["response_action"] == "errors" and "end" in wrong["errors"]
    server.wait_ack(server.send("interactive", submit_payload(
        view, {"type": "vacation", "start": first, "end": last, "note": "Praia"}, user=MARIANA)))
    dm = standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == TIAGO and "Mariana" in c.text)[0]

    # The approver's button, clicked twice: decided once.
    approve = button(dm, "leave_approve")
    for _ in range(2):
        server.wait_ack(server.send("interactive", click_payload(standin, approve, user=TIAGO, channel=TIAGO,
                                                                 message_ts=dm.get("ts"))))
    standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == MARIANA and "aprovou" in c.text)
    assert only_request(runtime).status == "approved"

    # A sick leave with a note: the note goes to the approver, never to the log.
    standin.wait_for("views.open", 1)
    server.wait_ack(server.send("slash_commands", command_payload(standin, "/leave", "", user=MARIANA)))
    sick_view = standin.wait_for("views.open", 2)[-1]["view"]
    thursday = (monday + dt.timedelta(days=3)).isoformat()
    sick = server.wait_ack(server.send("interactive", submit_payload(
        sick_view, {"type": "sick", "start": thursday, "end": thursday, "note": "Cardiologista sigiloso"},
        user=MARIANA)))
    assert sick is None  # the modal closes: filed
    standin.wait_for("chat.postMessage", 2, where=lambda c: c.get("channel") == TIAGO and "Mariana" in c.text)

    # A mention, answered in its thread.
    event = mention_event("bom dia", user=MARIANA, channel="C0GENERAL")
    server.wait_ack(server.send("events_api", event_payload(event)))
    answer = standin.wait_for("chat.postMessage", where=lambda c: c.get("thread_ts") == event["ts"])
    assert len(answer) == 1 and answer[0]["channel"] == "C0GENERAL"

    assert stop(proc) == 0  # SIGTERM: a clean stop
    standin.settle()
    assert len([c for c in standin.messages(MARIANA) if "aprovou" in c.text]) == 1

    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    handled = [line for line in lines if line.get("logger") == "bot.requests"]
    assert {(h["kind"], h["desk"], h["outcome"]) for h in handled} >= {
        ("command", "admin", "ok"), ("view", "leave", "field_error"), ("view", "leave", "ok"),
        ("action", "leave", "ok"), ("event", "chat", "ok")}
    for h in handled:
        assert h["request_key"] and h["team_id"] == "T0000001" and h["user_id"] and h["duration_ms"] >= 0
        assert h["time"] and h["level"] == "info"
    everything = log.read_text(encoding="utf-8")
    for secret in (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, "Cardiologista", "@empresa.com.br", "Praia"):
        assert secret not in everything


def test_reconnects_after_refresh_and_a_dropped_socket_losing_nothing_doing_nothing_twice(socket, standin):
    server, proc, _log = socket
    events = [mention_event(f"ajuda {n}", user=MARIANA, channel="C0GENERAL") for n in range(10)]
    bodies = [event_payload(e) for e in events]
    envelopes = [server.send("events_api", b) for b in bodies[:5]]
    server.drop()  # mid-burst: what was not acked comes again on the next connection
    server.wait_connected(connections=2)
    envelopes += [server.send("events_api", b) for b in bodies[5:8]]
    server.disconnect("refresh_requested")
    server.wait_connected(connections=3)
    envelopes += [server.send("events_api", b) for b in bodies[8:]]
    server.wait_all_acked()
    # Slack delivers an acked envelope again (its ack was lost on the way): acted on once.
    again = server.send("events_api", bodies[0], envelope_id=envelopes[0], retry_attempt=1)
    server.wait_ack(again)
    for event in events:
        standin.wait_for("chat.postMessage", where=lambda c, ts=event["ts"]: c.get("thread_ts") == ts)
    standin.settle(quiet=1.0)
    for event in events:
        assert len(standin.of("chat.postMessage", lambda c, ts=event["ts"]: c.get("thread_ts") == ts)) == 1
    assert server.connections >= 3  # a refresh, a drop (a busy machine may miss a pong and reconnect once more)
    assert proc.poll() is None
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
