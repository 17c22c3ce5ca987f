"""The bot as real processes (``backoffice-bot serve``, ``socket``, ``job``...), started and stopped by tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from tests.harness import BOT_TOKEN, SIGNING_SECRET

APP_TOKEN = "xapp-1-test-app-token-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bot_env(database_url: str, standin: Any, **extra: str) -> dict[str, str]:
    """The environment of a bot process talking to ``standin`` (no setting of this machine leaks in)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PROMETHEUS_", "LOG_", "METRICS_"))}
    env.update(DATABASE_URL=database_url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
               SLACK_API_URL=standin.api_url, INCIDENTS_CHANNEL="C0INCIDNT", ONCALL_CHANNEL="C0ONCALL1",
               STOCK_CHANNEL="C0STOCK01", TRADES_CHANNEL="C0TRADES1", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def start(args: list[str], env: dict[str, str], cwd: Path, *, log: Path | None = None) -> subprocess.Popen:
    """``backoffice-bot <args>``; its stderr (the log) goes to ``log`` when given."""
    err = open(log, "wb") if log is not None else subprocess.PIPE
    return subprocess.Popen([sys.executable, "-m", "bot.cli", *args], env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=err)


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until ``url`` answers 200 (raises with the process's last words if it died)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the bot exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


def stop(proc: subprocess.Popen, timeout: float = 20) -> int:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode
