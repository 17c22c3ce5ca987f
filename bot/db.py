"""Engine factory and sessions: SQLite by default, PostgreSQL (psycopg 3) in production."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine tuned for the bot.

    SQLite: WAL (readers do not block the writer), foreign keys on, a busy timeout, and
    ``BEGIN IMMEDIATE`` so that a transaction that reads then writes takes the write lock up
    front instead of failing with "database is locked" half-way. PostgreSQL: psycopg 3 with
    ``pool_pre_ping`` so a restarted server does not fail the next request.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout=30000")
            _use_wal(cur)
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            readonly = conn.get_execution_options().get("readonly", False)
            conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=30, pool_timeout=60)


def _use_wal(cur: sqlite3.Cursor) -> None:
    """Put the file in WAL mode (it stays so). Switching needs the file to itself and fails at once,
    without waiting, while another process writes: that connection then works in the file's current
    mode, and a later one switches."""
    if cur.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return
    try:
        cur.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError:
        pass


class Database:
    """The engine and its session factories; one per process."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readonly = sessionmaker(self.engine.execution_options(readonly=True), expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self, *, readonly: bool = False) -> Session:
        """A new session; the caller commits or rolls back (see :class:`bot.runtime.Runtime`)."""
        return (self._readonly if readonly else self._sessions)()

    def upgrade(self) -> None:
        """Bring the schema up to date with Alembic (all heads: each desk has its own branch)."""
        command.upgrade(alembic_config(self.url), "heads")
        with self.engine.connect():
            pass  # a connection of ours puts a new SQLite file in WAL mode (Alembic's own does not)

    def is_current(self) -> bool:
        """True if every Alembic head is applied."""
        script = ScriptDirectory.from_config(alembic_config(self.url))
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return False
            current = set(MigrationContext.configure(conn).get_current_heads())
        return current == set(script.get_heads())

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(url: str) -> Config:
    """An Alembic Config pointing at the packaged migrations and ``url``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    return cfg
