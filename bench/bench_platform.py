"""Platform benchmark: importing people in bulk, and the memory of an idle web worker.

    python -m bench.bench_platform [--quick] [--scale 10]

* ``import people``: N people (managers, roles, time zones, languages) into an empty database,
  vs ``pandas.read_csv`` + a bulk insert (COPY) of the same rows into a bare table; and the SQL
  statements it sends at N and at N/10 (the same: no query per person).
* ``idle web worker``: the resident memory of ``backoffice-bot serve`` (the Procfile's ``web``)
  once it answers ``/healthz``, against a bare process that has loaded Bolt, slack_sdk,
  SQLAlchemy and waitress (goal: under 150 MB).

On SQLite (a temporary file) and on PostgreSQL (``BENCH_DATABASE_URL``, as bench_stock).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.bench_stock import fresh_database, on_each_database
from bench.common import Row, print_table

DESK = "platform"
COUNTRIES = [("BR", "SP", "America/Sao_Paulo"), ("BR", "RJ", "America/Sao_Paulo"), ("BR", "AM", "America/Manaus"),
             ("PT", "", "Europe/Lisbon"), ("US", "NY", "America/New_York")]
ROLES = ["employee", "employee;sales", "employee;backoffice", "employee;manager", "employee;oncall"]


def write_people(path: Path, n: int) -> None:
    """A people.csv of ``n``: one manager per 10 people, managers under one of 100 directors."""
    lines = ["slack_user_id,email,name,manager_email,team,country,subdivision,timezone,locale,roles"]
    for i in range(n):
        country, state, zone = COUNTRIES[i % len(COUNTRIES)]
        if i < 100:
            boss = ""
        elif i % 10 == 0:
            boss = f"p{i % 100:06d}@empresa.com.br"
        else:
            boss = f"p{i - i % 10:06d}@empresa.com.br"
        roles = "employee;manager" if i % 10 == 0 else ROLES[i % len(ROLES)]
        lines.append(f"U{i:09d},p{i:06d}@empresa.com.br,Pessoa {i:06d},{boss},Time {i % 50},{country},{state},"
                     f"{zone},{'pt-BR' if country == 'BR' else 'en'},{roles}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _import_people(url: str, path: Path) -> tuple[float, int, object]:
    """Seconds, SQL statements sent, and the summary of importing ``path`` through the registered importer."""
    from sqlalchemy import event

    from bench.bench_stock import make_runtime
    from bot.importing import read_table

    runtime = make_runtime(url, "http://127.0.0.1:9/api/")
    runtime.settings.slack_bot_token = None
    importer = runtime.registry.importers["people"]
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(runtime.db.engine, "before_cursor_execute", count)
    start = time.perf_counter()
    table = read_table(path, importer.required, importer.optional)
    with runtime.unit_of_work(source="bench") as ctx:
        summary = importer.run(ctx, table)
    seconds = time.perf_counter() - start
    event.remove(runtime.db.engine, "before_cursor_execute", count)
    runtime.db.dispose()
    return seconds, statements, summary


def _floor(url: str, path: Path) -> float:
    import pandas as pd
    from sqlalchemy import text

    from bot.db import Database
    from models.core.bulk import insert_frame

    db = Database(url)
    with db.session() as s:
        s.execute(text("CREATE TABLE bench_people (slack_user_id VARCHAR(32), email VARCHAR(254), name VARCHAR(200), "
                       "manager_email VARCHAR(254), team VARCHAR(100), country VARCHAR(2), subdivision VARCHAR(10), "
                       "timezone VARCHAR(64), locale VARCHAR(10), roles VARCHAR(200))"))
        s.commit()
        start = time.perf_counter()
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        insert_frame(s, "bench_people", frame)
        s.commit()
        seconds = time.perf_counter() - start
        s.execute(text("DROP TABLE bench_people"))
        s.commit()
    db.dispose()
    return seconds


def bench_people(kind: str, quick: bool, tmp: Path, scale: int) -> list[Row]:
    n = 2_000 if quick else 10_000 * scale
    path, small = tmp / f"people-{kind}.csv", tmp / f"people-small-{kind}.csv"
    write_people(path, n)
    write_people(small, n // 10)
    url = fresh_database(kind, tmp)
    ours, statements, summary = _import_people(url, path)
    assert getattr(summary, "created", 0) == n, summary
    _, statements_small, _ = _import_people(fresh_database(kind, tmp), small)
    baseline = _floor(url, path)
    label = f"{kind}, {n // 1000}k people"
    return [
        Row(DESK, f"import people ({label})", ours, "s", baseline, "read_csv + bulk insert", "", None),
        # Audit records go in batches of 5,000: the only statements that grow with the file.
        Row(DESK, f"  SQL statements of the import ({label})", statements, "queries", statements_small,
            f"{n // 10:,} people", "no query per person", statements <= statements_small + n // 5_000 + 2),
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _idle_rss_mb(argv: list[str], env: dict[str, str], port: int | None) -> float:
    """Resident memory of a process started with ``argv``, once it answers (or has loaded), in MB."""
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if port is None:
                if proc.poll() is not None:
                    raise RuntimeError("the baseline process exited")
                time.sleep(3)  # it imports, then sleeps
                break
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.3)
        time.sleep(2)  # idle: whatever start-up does in the background is done
        with open(f"/proc/{proc.pid}/status") as f:
            return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmRSS:"))
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def bench_web_memory(tmp: Path) -> list[Row]:
    """The web worker's idle memory (SQLite file, fake tokens) beside a bare Bolt process's."""
    url = fresh_database("sqlite", tmp)  # a migrated file
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": "bench",
           "PORT": str(port), "LOG_FORMAT": "text"}
    ours = _idle_rss_mb([sys.executable, "-m", "bot.cli", "serve"], env, port)
    bare = _idle_rss_mb([sys.executable, "-c", "import slack_bolt, slack_sdk, sqlalchemy, waitress, time; "
                         "time.sleep(60)"], env, None)
    return [Row(DESK, "idle web worker memory (backoffice-bot serve)", ours, "MB", bare,
                "bare Bolt + SQLAlchemy + waitress process", "< 150 MB", ours < 150)]


def run(quick: bool, scale: int = 1) -> list[Row]:
    """The people import on both databases, then the idle web worker's memory."""
    rows = on_each_database("bench-platform-", lambda kind, tmp: bench_people(kind, quick, tmp, scale))
    with tempfile.TemporaryDirectory(prefix="bench-platform-") as tmp:
        rows.extend(bench_web_memory(Path(tmp)))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2k people")
    parser.add_argument("--scale", type=int, default=1, help="10k people times this (10: 100k)")
    args = parser.parse_args(argv)
    print_table(run(args.quick, args.scale))
    return 0


if __name__ == "__main__":
    sys.exit(main())
