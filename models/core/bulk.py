"""Bulk reads and writes of whole tables for imports: COPY on PostgreSQL, executemany on SQLite.

An import of a million rows must not go through the ORM one object at a time; these helpers
move DataFrames in and out of the current transaction (``ctx.session``), so an import is still
all or nothing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np
import pandas as pd
from sqlalchemy import Row, text
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    import psycopg

IN_CHUNK = 900  # below SQLite's bound-parameter limit (999 in older builds), far below PostgreSQL's

T = TypeVar("T")


def in_chunks(values: Sequence[T], size: int = IN_CHUNK) -> list[Sequence[T]]:
    """``values`` in slices small enough for one ``IN (...)`` each (none for no values)."""
    return [values[start:start + size] for start in range(0, len(values), size)]


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def read_frame(session: Session, sql: str, columns: list[str], *, keys: list | None = None,
               key_column: str = "") -> pd.DataFrame:
    """Rows of ``sql`` as a DataFrame; with ``keys``, only rows whose ``key_column`` is one of them.

    Few keys: ``IN`` lists in chunks; many: the whole table (one scan beats thousands of lookups).
    """
    conn = session.connection()
    rows: list[Row[Any]] = []
    if keys is not None and len(keys) <= 20 * IN_CHUNK:
        for chunk in in_chunks(keys):
            names = [f"k{i}" for i in range(len(chunk))]
            where = f" WHERE {key_column} IN (" + ", ".join(":" + n for n in names) + ")"
            rows.extend(conn.execute(text(sql + where), dict(zip(names, chunk))).all())
    else:
        rows.extend(conn.execute(text(sql)).all())
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def _plain(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value  # numpy scalars -> Python


def _plain_rows(frame: pd.DataFrame) -> list[tuple]:
    """Rows as tuples of plain Python values (what sqlite3 binds), column by column for speed."""
    columns = []
    for name in frame.columns:
        series = frame[name]
        if series.dtype.kind in "iub" or not series.isna().any():
            values = series.tolist()
            columns.append(values if series.dtype.kind != "O" or not values or isinstance(values[0], str)
                           else [_plain(v) for v in values])
        else:
            columns.append([_plain(v) for v in series.tolist()])
    return list(zip(*columns))


def insert_frame(session: Session, table: str, frame: pd.DataFrame) -> None:
    """Insert every row of ``frame`` (columns named as the table's) into ``table``."""
    if frame.empty:
        return
    cols = ", ".join(frame.columns)
    if is_postgres(session):
        buf = io.StringIO()
        frame.to_csv(buf, header=False, index=False)
        # Only psycopg 3 is used on PostgreSQL; SQLAlchemy types the driver's connection generically.
        raw = cast("psycopg.Connection[Any]", session.connection().connection.dbapi_connection)
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buf.getvalue())
        return
    marks = ", ".join("?" for _ in frame.columns)
    session.connection().exec_driver_sql(f"INSERT INTO {table} ({cols}) VALUES ({marks})", _plain_rows(frame))


def update_frame(session: Session, table: str, frame: pd.DataFrame, keys: list[str]) -> None:
    """Update rows of ``table`` matched on ``keys`` with the other columns of ``frame``."""
    if frame.empty:
        return
    values = [c for c in frame.columns if c not in keys]
    if is_postgres(session):
        conn = session.connection()
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS _upd_{table}")
        conn.exec_driver_sql(f"CREATE TEMP TABLE _upd_{table} ON COMMIT DROP AS "
                             f"SELECT {', '.join(frame.columns)} FROM {table} WITH NO DATA")
        insert_frame(session, f"_upd_{table}", frame)
        sets = ", ".join(f"{c} = u.{c}" for c in values)
        match = " AND ".join(f"t.{k} = u.{k}" for k in keys)
        conn.exec_driver_sql(f"UPDATE {table} AS t SET {sets} FROM _upd_{table} AS u WHERE {match}")
        return
    sets = ", ".join(f"{c} = ?" for c in values)
    match = " AND ".join(f"{k} = ?" for k in keys)
    session.connection().exec_driver_sql(f"UPDATE {table} SET {sets} WHERE {match}",
                                         _plain_rows(frame.loc[:, values + keys]))


def timestamps(series: pd.Series, session: Session) -> pd.Series:
    """Aware UTC timestamps as the database stores them (text on SQLite, as SQLAlchemy writes them)."""
    fmt = "%Y-%m-%d %H:%M:%S.%f+00:00" if is_postgres(session) else "%Y-%m-%d %H:%M:%S.%f"
    codes, uniques = pd.factorize(series)  # a snapshot has few distinct times: format each once
    text = np.empty(len(uniques), dtype=object)
    text[:] = [pd.Timestamp(v).tz_convert("UTC").strftime(fmt) for v in uniques]
    return pd.Series(text[codes], index=series.index, dtype=object)
