"""An import killed halfway (SIGKILL) or stopped (SIGTERM) leaves nothing half-written, says so in the house's
language, and the next run imports it all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, func, select, text

from models.core.people import Person
from tests.conftest import DATA


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


@contextmanager
def _writes_held(runtime) -> Iterator[Callable[[float], bool]]:
    """Hold the import inside its transaction: on PostgreSQL its last write (the audit) waits for
    a lock this test holds; SQLite's one writer lock is held here, so the import waits at its first
    write. Yields a wait that says when the import is seen waiting (PostgreSQL shows it)."""
    engine = create_engine(runtime.settings.database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            conn.exec_driver_sql("LOCK TABLE audit_records IN ACCESS EXCLUSIVE MODE")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        def seen_waiting(timeout: float) -> bool:
            if not postgres:
                time.sleep(2.5)  # SQLite does not show a waiting writer; it cannot get past the lock anyway
                return True
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                with engine.connect() as look:  # a new transaction each time: pg_stat_activity is a snapshot
                    if look.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                        "AND datname = current_database()")):
                        return True
                time.sleep(0.1)
            return False

        try:
            yield seen_waiting
        finally:
            conn.rollback()
    engine.dispose()


def _env(runtime, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": runtime.settings.database_url, **extra}
    env.pop("SLACK_BOT_TOKEN", None)
    return env


def _signal_import_mid_transaction(runtime, tmp_path, sig: signal.Signals, env: dict[str, str]) -> tuple[int, str]:
    """Start an import of 5,000 people, send ``sig`` while it is inside its transaction; its exit code and stderr."""
    big = tmp_path / "people.csv"
    _big_people_file(big, 5_000)
    with _writes_held(runtime) as seen_waiting:
        proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "import", "people", str(big)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
        assert seen_waiting(60), "the import never reached its writes"
        assert proc.poll() is None
        proc.send_signal(sig)
    _out, err = proc.communicate(timeout=60)
    return proc.returncode, err.decode()


def test_import_killed_halfway_writes_nothing(runtime, tmp_path):
    env = _env(runtime)
    code, _err = _signal_import_mid_transaction(runtime, tmp_path, signal.SIGKILL, env)
    assert code == -signal.SIGKILL
    assert _count(runtime) == 0
    # The database is intact: the next import goes through whole.
    done = subprocess.run([sys.executable, "-m", "bot.cli", "import", "people", str(DATA / "people.csv")], env=env,
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert _count(runtime) == 24


def test_import_stopped_by_sigterm_rolls_back_and_says_so(runtime, tmp_path):
    # SIGTERM is what a platform sends first on a deploy.
    code, err = _signal_import_mid_transaction(runtime, tmp_path, signal.SIGTERM, _env(runtime, LOCALE_DEFAULT="pt-BR"))
    assert code == 143
    assert err.strip().splitlines() == [
        "backoffice-bot: interrompido por SIGTERM; o que não tinha terminado foi desfeito."]
    assert _count(runtime) == 0


def test_sigterm_is_reported_in_english_for_an_english_house(runtime, tmp_path):
    code, err = _signal_import_mid_transaction(runtime, tmp_path, signal.SIGTERM, _env(runtime, LOCALE_DEFAULT="en"))
    assert code == 143
    assert err.strip().splitlines() == [
        "backoffice-bot: stopped by SIGTERM; what had not finished was rolled back."]
    assert _count(runtime) == 0
