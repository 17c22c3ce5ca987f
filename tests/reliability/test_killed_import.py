"""An import killed halfway by SIGKILL leaves nothing half-written, and the next run imports it all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import func, select

from models.core.people import Person


def _big_people_file(path, n: int) -> None:
    lines = ["slack_user_id,email,name,manager_email,team,country,subdivision,timezone,locale,roles"]
    lines.append("U0BOSS0000,boss@empresa.com.br,Boss,,Ops,BR,SP,America/Sao_Paulo,pt-BR,manager")
    for i in range(n):
        lines.append(f"U0P{i:07d},p{i}@empresa.com.br,Pessoa {i},boss@empresa.com.br,Ops,BR,SP,America/Sao_Paulo,"
                     "pt-BR,employee")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _count(runtime) -> int:
    with runtime.db.session() as s:
        return s.scalar(select(func.count()).select_from(Person)) or 0


def test_import_killed_halfway_writes_nothing(runtime, tmp_path):
    big = tmp_path / "people.csv"
    _big_people_file(big, 20_000)
    env = {**os.environ, "DATABASE_URL": runtime.settings.database_url, "SLACK_BOT_TOKEN": ""}
    env.pop("SLACK_BOT_TOKEN")
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "import", "people", str(big)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    # Kill it once it has had time to start writing rows (but well before it can finish).
    time.sleep(2.5)
    assert proc.poll() is None, "the import finished before it could be killed; make the file bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _count(runtime) == 0
    # The database is intact: the next import goes through whole.
    from tests.conftest import DATA

    done = subprocess.run([sys.executable, "-m", "bot.cli", "import", "people", str(DATA / "people.csv")], env=env,
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert _count(runtime) == 24


def test_import_stopped_by_sigterm_rolls_back_and_says_so(runtime, tmp_path):
    big = tmp_path / "people.csv"
    _big_people_file(big, 20_000)
    env = {**os.environ, "DATABASE_URL": runtime.settings.database_url}
    env.pop("SLACK_BOT_TOKEN", None)
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "import", "people", str(big)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    time.sleep(2.5)
    assert proc.poll() is None, "the import finished before it could be stopped; make the file bigger"
    proc.send_signal(signal.SIGTERM)  # what a platform sends first on a deploy
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 143
    assert err.decode().strip().splitlines()[-1] == ("backoffice-bot: stopped by SIGTERM; what had not finished "
                                                     "was rolled back.")
    assert "Traceback" not in err.decode()
    assert _count(runtime) == 0
