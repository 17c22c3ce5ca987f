"""Fixtures: a migrated database per test (SQLite, or PostgreSQL with TEST_DATABASE_URL), the Slack
stand-in, a controllable clock, and the real bot served over HTTP."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.clock import FrozenClock
from bot.compose import build_runtime
from bot.db import Database
from bot.runtime import Runtime
from bot.settings import Settings
from tests.harness import BOT_TOKEN, SIGNING_SECRET, BotServer
from tests.slack_standin import SlackStandIn

PG_URL = os.environ.get("TEST_DATABASE_URL")
DATA = Path(__file__).resolve().parent.parent / "bot" / "demo_data"
# Wednesday 25 November 2026, 09:00 in São Paulo.
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def _pg_url() -> str:
    url = PG_URL or ""
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


@pytest.fixture(scope="session")
def migrated_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database migrated once per session with Alembic (what `db upgrade` does)."""
    if PG_URL:
        url = _pg_url()
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        Database(url).upgrade()
        return url
    path = tmp_path_factory.mktemp("template") / "template.db"
    url = f"sqlite:///{path}"
    db = Database(url)
    db.upgrade()
    db.dispose()  # the last connection to close folds the WAL into the file we copy
    return url


@pytest.fixture
def database_url(migrated_url: str, tmp_path: Path) -> str:
    """A clean, migrated database for this test."""
    if PG_URL:
        engine = create_engine(migrated_url)
        with engine.begin() as conn:
            tables = [r[0] for r in conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
            if tables:
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        engine.dispose()
        return migrated_url
    src = Path(migrated_url.removeprefix("sqlite:///"))
    dst = tmp_path / "bot.db"
    shutil.copyfile(src, dst)
    return f"sqlite:///{dst}"


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    server = SlackStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def settings(database_url: str, standin: SlackStandIn) -> Settings:
    return Settings(
        _env_file=None,
        database_url=database_url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=standin.api_url,
        locale_default="pt-BR",
        tz_default="America/Sao_Paulo",
        stock_channel="C0STOCK01",
        trades_channel="C0TRADES1",
        incidents_channel="C0INCIDNT",
        oncall_channel="C0ONCALL1",
    )


@pytest.fixture
def runtime(settings: Settings, clock: FrozenClock) -> Iterator[Runtime]:
    rt = build_runtime(settings, clock=clock)
    yield rt
    rt.sender.wait_idle(timeout=30)
    rt.db.dispose()


@pytest.fixture
def bot(runtime: Runtime, standin: SlackStandIn) -> Iterator[BotServer]:
    server = BotServer(runtime, standin)
    yield server
    server.stop()


@pytest.fixture
def people(runtime: Runtime) -> Runtime:
    """The 24 people of the sample file, imported (Eduarda Silva, U070000023, is the admin)."""
    from bot.importing import read_table

    importer = runtime.registry.importers["people"]
    table = read_table(DATA / "people.csv", importer.required, importer.optional)
    with runtime.unit_of_work(source="test") as ctx:
        importer.run(ctx, table)
    return runtime


def pg_only() -> pytest.MarkDecorator:
    """Concurrency tests need PostgreSQL's row locks; on SQLite every writer already queues."""
    return pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL: set TEST_DATABASE_URL (.ci/run does)")
