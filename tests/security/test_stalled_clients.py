"""Slow and stalled clients against the real `serve` process: they hold sockets, never Slack's requests.

Each stalled client opens a connection, sends `POST /slack/events` headers announcing a 100 KB
body, a few bytes of it, then nothing. Loopback only, bounded in count and time.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.cast import ADMIN
from tests.harness import BOT_TOKEN, SIGNING_SECRET, RemoteBot

SLACK_DEADLINE = 3.0  # Slack gives up on an answer after 3 s


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("serve never became healthy")


@pytest.fixture
def served(people, standin, database_url, tmp_path):
    """`backoffice-bot serve` in its own process, on a free port."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(DATABASE_URL=database_url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
               SLACK_API_URL=standin.api_url, LOG_LEVEL="WARNING")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--port", str(port)], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", proc)
        yield port, proc, RemoteBot(f"http://127.0.0.1:{port}", standin)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _stall(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 b"Content-Length: 100000\r\n\r\npayload=%7B")
    return sock


def _stalled_then_command(port: int, bot: RemoteBot, stalled: int) -> list:
    socks = [_stall(port) for _ in range(stalled)]
    try:
        time.sleep(0.5)  # every stalled body has reached the server
        return [bot.command("/backoffice", "whoami", user=ADMIN) for _ in range(3)]
    finally:
        for s in socks:
            s.close()


def test_two_hundred_stalled_uploads_do_not_delay_a_signed_command(served):
    port, _proc, bot = served
    assert bot.command("/backoffice", "whoami", user=ADMIN).status == 200  # warm
    answers = _stalled_then_command(port, bot, 200)
    assert [a.status for a in answers] == [200, 200, 200]
    assert "Eduarda Silva" in answers[-1].text
    assert max(a.elapsed for a in answers) < SLACK_DEADLINE


def test_a_body_larger_than_slack_sends_is_refused_without_being_read(served):
    port, _proc, bot = served
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 10000000\r\n\r\n{")
        answer = sock.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert "Traceback" not in answer
    assert bot.command("/backoffice", "whoami", user=ADMIN).status == 200


def test_sigterm_lets_a_request_in_flight_finish(served, standin):
    """SIGTERM while a command waits on Slack: the answer still comes, then the process exits 0."""
    port, proc, bot = served
    import threading

    standin.slow("users.info", seconds=1.5)  # a first-time user: the command is in flight a moment
    answers = []
    worker = threading.Thread(target=lambda: answers.append(bot.command("/backoffice", "whoami", user="U0NEWCOMER")))
    worker.start()
    time.sleep(0.5)
    proc.terminate()
    worker.join(timeout=30)
    assert answers and answers[0].status == 200
    assert proc.wait(timeout=30) == 0


@pytest.mark.long
def test_a_thousand_stalled_uploads_are_dropped_and_commands_go_on(served):
    port, proc, bot = served
    socks = [_stall(port) for _ in range(1000)]
    try:
        time.sleep(0.5)
        assert bot.command("/backoffice", "whoami", user=ADMIN).elapsed < SLACK_DEADLINE
        time.sleep(30)  # past the idle timeout: the server closes the stalled connections
        closed = 0
        for s in socks:
            s.settimeout(0.01)
            try:
                closed += s.recv(1) == b""
            except (TimeoutError, OSError):
                pass
        assert closed == len(socks)
        assert bot.command("/backoffice", "whoami", user=ADMIN).elapsed < SLACK_DEADLINE
    finally:
        for s in socks:
            s.close()
