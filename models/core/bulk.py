"""Bulk reads and writes of whole tables for imports: COPY on PostgreSQL, executemany on SQLite.

An import of a million rows must not go through the ORM one object at a time; these helpers
move DataFrames in and out of the current transaction (``ctx.session``), so an import is still
all or nothing. Values cross as plain text/ints: rows are read with ``COPY ... TO STDOUT`` or
the raw sqlite3 cursor, written with ``COPY ... FROM STDIN`` (CSV made by pyarrow, in C) or
``executemany``.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlalchemy import text
from sqlalchemy.orm import Session

from models.core.chunks import IN_CHUNK, in_chunks

if TYPE_CHECKING:
    import sqlite3

    import psycopg

def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def plain_frame(columns: dict[str, np.ndarray | pd.Series]) -> pd.DataFrame:
    """A DataFrame whose text columns stay numpy object arrays.

    pandas 3 copies every text array given to a DataFrame into arrow strings, which are slow
    at lookups and are copied back to objects for sqlite3 or comparisons: about a second per
    million rows for nothing.
    """
    data = {}
    for name, values in columns.items():
        array = values.to_numpy() if isinstance(values, pd.Series) and values.dtype.kind != "O" else np.asarray(values)
        data[name] = pd.Series(array, dtype=array.dtype, copy=False)
    return pd.DataFrame(data)


def _pg(session: Session) -> psycopg.Connection[Any]:
    """The psycopg 3 connection under the session's transaction (SQLAlchemy types it generically)."""
    return cast("psycopg.Connection[Any]", session.connection().connection.dbapi_connection)


def _sqlite(session: Session) -> sqlite3.Connection:
    """The sqlite3 connection under the session's transaction."""
    return cast("sqlite3.Connection", session.connection().connection.dbapi_connection)


def _copy_out(session: Session, sql: str, columns: list[str]) -> pd.DataFrame:
    """PostgreSQL: ``COPY (sql) TO STDOUT`` parsed by pyarrow; NULL stays None, ``""`` stays text."""
    buf = io.BytesIO()
    with _pg(session).cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
        for block in copy:
            buf.write(block)
    if not buf.tell():
        return plain_frame({c: np.empty(0, dtype=object) for c in columns})
    buf.seek(0)
    # Every column as text: the callers give each its type (pyarrow would guess per file).
    table = pa_csv.read_csv(buf, read_options=pa_csv.ReadOptions(column_names=columns),
                            convert_options=pa_csv.ConvertOptions(
                                column_types={c: pa.string() for c in columns},
                                strings_can_be_null=True, quoted_strings_can_be_null=False))
    return plain_frame({c: table.column(c).to_numpy(zero_copy_only=False) for c in columns})


def read_frame(session: Session, sql: str, columns: list[str], *, keys: list | None = None,
               key_column: str = "", ints: tuple[str, ...] = (), flags: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows of ``sql`` as a DataFrame; with ``keys``, only rows whose ``key_column`` is one of them.

    Few keys: ``IN`` lists in chunks; many: the whole table (one scan beats thousands of lookups;
    the caller drops the rows it did not ask for). Columns are plain objects (text on
    PostgreSQL's COPY, what the driver returns otherwise) except ``ints`` (int64) and ``flags`` (bool).
    """
    if keys is not None and len(keys) <= 20 * IN_CHUNK:
        parts: list[pd.DataFrame] = []
        for chunk in in_chunks(keys):
            names = [f"k{i}" for i in range(len(chunk))]
            where = f" WHERE {key_column} IN (" + ", ".join(":" + n for n in names) + ")"
            parts.append(_read(session, sql + where, dict(zip(names, chunk, strict=True)), columns))
        frame = pd.concat(parts, ignore_index=True) if parts else _read(session, sql + " WHERE 1 = 0", {}, columns)
    else:
        frame = _read(session, sql, {}, columns)
    for column in ints:
        frame[column] = frame[column].astype("int64")
    for column in flags:
        frame[column] = frame[column].isin([True, 1, "t", "true", "1"]).astype(bool)
    return frame


def _read(session: Session, sql: str, params: dict[str, object], columns: list[str]) -> pd.DataFrame:
    if is_postgres(session) and not params:
        return _copy_out(session, sql, columns)  # whole tables: COPY is ~2x a fetch, and text
    if is_postgres(session):
        rows = [tuple(r) for r in session.connection().execute(text(sql), params)]  # numpy reads tuples in C
    else:
        cur = _sqlite(session).cursor()  # the bare sqlite3 cursor: no per-row Row objects
        try:
            rows = cur.execute(sql, params).fetchall()
        finally:
            cur.close()
    if not rows:
        return plain_frame({c: np.empty(0, dtype=object) for c in columns})
    grid = np.array(rows, dtype=object)  # one C pass; columns are then views, not per-value copies
    return plain_frame({name: grid[:, i] for i, name in enumerate(columns)})


def _plain(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value  # numpy scalars -> Python


def _plain_rows(frame: pd.DataFrame) -> list[tuple]:
    """Rows as tuples of plain Python values (what sqlite3 binds), column by column for speed."""
    columns = []
    for name in frame.columns:
        series = frame[name]
        if series.dtype.kind in "iub":
            columns.append(series.tolist())
            continue
        values = series.to_numpy(dtype=object, na_value=None)  # NaN / NA -> None, in C
        if len(values) and not isinstance(values[0], str | None):
            values = np.asarray([_plain(v) for v in values], dtype=object)  # numpy scalars, Decimals...
        columns.append(values.tolist())
    return list(zip(*columns, strict=True))


def _copy_in(session: Session, table: str, frame: pd.DataFrame) -> None:
    """PostgreSQL: ``COPY table FROM STDIN`` with CSV written by pyarrow (None -> NULL, "" -> "")."""
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    buf = io.BytesIO()
    pa_csv.write_csv(arrow, buf, pa_csv.WriteOptions(include_header=False))
    with _pg(session).cursor() as cur, cur.copy(
            f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN WITH (FORMAT csv)") as copy:
        copy.write(buf.getbuffer())


def insert_frame(session: Session, table: str, frame: pd.DataFrame) -> None:
    """Insert every row of ``frame`` (columns named as the table's) into ``table``."""
    if frame.empty:
        return
    if is_postgres(session):
        _copy_in(session, table, frame)
        return
    cols = ", ".join(frame.columns)
    marks = ", ".join("?" for _ in frame.columns)
    session.connection().exec_driver_sql(f"INSERT INTO {table} ({cols}) VALUES ({marks})", _plain_rows(frame))


def upsert_frame(session: Session, table: str, frame: pd.DataFrame, keys: list[str],
                 known_new: np.ndarray | None = None) -> None:
    """Insert the rows of ``frame``, or update the row with the same ``keys`` where a value differs.

    One ``INSERT ... ON CONFLICT (keys) DO UPDATE ... WHERE (stored) IS DISTINCT FROM (new)``:
    on PostgreSQL from a TEMP staging table filled by COPY, on SQLite by executemany. A row
    whose values are all the same is left alone (no new row version, no trigger). Rows the
    caller knows are new (``known_new``) cannot conflict: PostgreSQL copies them straight in.
    """
    if frame.empty:
        return
    if is_postgres(session) and known_new is not None and known_new.any():
        insert_frame(session, table, frame.loc[known_new])
        frame = frame.loc[~known_new]
        if frame.empty:
            return
    values = [c for c in frame.columns if c not in keys]
    cols = ", ".join(frame.columns)
    sets = ", ".join(f"{c} = excluded.{c}" for c in values)
    stored = ", ".join(f"t.{c}" for c in values)
    new = ", ".join(f"excluded.{c}" for c in values)
    # SQLite spells it IS NOT (IS DISTINCT FROM only since 3.39); a row value needs two members.
    distinct = "IS DISTINCT FROM" if is_postgres(session) else "IS NOT"
    differs = (f"({stored}) {distinct} ({new})" if len(values) > 1
               else f"t.{values[0]} {distinct} excluded.{values[0]}")
    conflict = f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets} WHERE {differs}"
    if is_postgres(session):
        staging = f"_stage_{table}"
        conn = session.connection()
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {staging}")
        conn.exec_driver_sql(f"CREATE TEMP TABLE {staging} ON COMMIT DROP AS SELECT {cols} FROM {table} WITH NO DATA")
        _copy_in(session, staging, frame)
        conn.exec_driver_sql(f"INSERT INTO {table} AS t ({cols}) SELECT {cols} FROM {staging} {conflict}")
        conn.exec_driver_sql(f"DROP TABLE {staging}")
        return
    marks = ", ".join("?" for _ in frame.columns)
    session.connection().exec_driver_sql(f"INSERT INTO {table} AS t ({cols}) VALUES ({marks}) {conflict}",
                                         _plain_rows(frame))


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
        conn.exec_driver_sql(f"DROP TABLE _upd_{table}")
        return
    sets = ", ".join(f"{c} = ?" for c in values)
    match = " AND ".join(f"{k} = ?" for k in keys)
    session.connection().exec_driver_sql(f"UPDATE {table} SET {sets} WHERE {match}",
                                         _plain_rows(frame.loc[:, values + keys]))


def next_ids(session: Session, table: str, count: int, *, serialised: bool = False) -> np.ndarray:
    """``count`` fresh primary keys for ``table``, so new rows need no read-back of their ids.

    PostgreSQL draws them from the column's sequence: one ``nextval`` each (~4 µs apiece), or,
    when the caller holds the lock under which every row of ``table`` is created
    (``serialised``), one jump of the sequence for the whole block. SQLite continues after the
    largest id (its writers are serialised, ``BEGIN IMMEDIATE``).
    """
    if count == 0:
        return np.empty(0, dtype=np.int64)
    conn = session.connection()
    if is_postgres(session):
        seq = f"pg_get_serial_sequence('{table}', 'id')"
        if serialised:
            last = int(conn.execute(text(f"SELECT setval({seq}, nextval({seq}) + :n - 1)"), {"n": count}).scalar_one())
            return np.arange(last - count + 1, last + 1, dtype=np.int64)
        ids = conn.execute(text(f"SELECT nextval({seq}) FROM generate_series(1, :n)"), {"n": count}).scalars().all()
        return np.asarray(ids, dtype=np.int64)
    top = conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()
    return np.arange(int(top) + 1, int(top) + 1 + count, dtype=np.int64)


def timestamps(series: pd.Series, session: Session) -> pd.Series:
    """Aware UTC timestamps as the database stores them (text on SQLite, as SQLAlchemy writes them)."""
    fmt = "%Y-%m-%d %H:%M:%S.%f+00:00" if is_postgres(session) else "%Y-%m-%d %H:%M:%S.%f"
    codes, uniques = pd.factorize(series)  # a snapshot has few distinct times: format each once
    text = np.empty(len(uniques), dtype=object)
    text[:] = [pd.Timestamp(v).tz_convert("UTC").strftime(fmt) for v in uniques]
    return pd.Series(text[codes], index=series.index, dtype=object)
