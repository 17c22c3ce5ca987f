"""Stock desk benchmark: search, `/stock` round trips and snapshot imports, each against a baseline.

    python -m bench.bench_stock [--quick]

On SQLite (a temporary file) and on PostgreSQL (``BENCH_DATABASE_URL``, default the
``test_stock`` database, whose schema is dropped and recreated):

* ``/stock <sku>`` and ``/stock <words>`` through the real HTTP app vs a bare Bolt app that
  only acks (goal: median <= 1.3x, p99 < 100 ms);
* search alone over the catalogue (goal: median < 10 ms), and how often it finds the right
  product for a misspelt, accent-less query compared with SQL ``LIKE``;
* importing a snapshot of 1M rows vs ``pandas.read_csv`` + a bulk insert (COPY) of the same
  rows (goal: <= 2x), the same file again (nothing changed: <= 1.5x), and the peak memory of each.

``--scale 10``: 1M products for search and round trips, 1M SKUs x 3 warehouses for the import.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from wsgiref.simple_server import make_server

from bench.common import Row, median, p99, peak_memory_mb, print_table, reset_peak_memory, timings

DESK = "stock"
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test_stock"
WAREHOUSES = ("SP-CD01", "RJ-CD02", "MG-CD03")
KINDS = [
    ("Cadeira ergonômica", ["azul", "preta", "cinza", "vermelha", "verde", "branca", "com apoio", "tela mesh"]),
    ("Mesa de escritório", ["120 cm", "140 cm", "160 cm", "em L", "regulável", "com gaveteiro"]),
    ("Parafuso sextavado", ["M6 x 30", "M8 x 40", "M8 x 60", "M10 x 50", "M12 x 60", "inox M8"]),
    ("Porca sextavada", ["M6", "M8", "M10", "M12", "inox M8", "autotravante M8"]),
    ("Arruela lisa", ["M6", "M8", "M10", "M12", "pressão M8"]),
    ("Toner", ["preto", "ciano", "magenta", "amarelo", "alto rendimento"]),
    ("Monitor", ["24 pol Full HD", "27 pol 4K", "32 pol curvo", "portátil 15 pol"]),
    ("Notebook", ["14 pol i5", "15 pol i7", "13 pol ultrafino", "gamer 16 pol"]),
    ("Cabo HDMI", ["1,5 m", "3 m", "5 m", "10 m", "fibra 20 m"]),
    ("Luva nitrílica", ["P", "M", "G", "GG", "azul M"]),
    ("Fita adesiva", ["transparente 45 mm", "crepe 48 mm", "dupla face 19 mm", "isolante 19 mm"]),
    ("Papel A4", ["75g resma", "90g resma", "reciclado resma", "caixa 10 resmas"]),
    ("Office chair", ["mesh black", "leather brown", "ergonomic grey"]),
    ("Desk lamp", ["LED white", "LED black", "clamp"]),
    ("Grampeador", ["de mesa", "alicate", "elétrico"]),
    ("Caneta esferográfica", ["azul", "preta", "vermelha", "caixa 50"]),
]
BRANDS = ["Tramontina", "Vonder", "Gerdau", "Ciser", "Belzer", "Samsung", "Lenovo", "Dell", "HP", "Brother",
          "Tilibra", "Faber", "Pilot", "Bic", "Stanley", "Makita", "Bosch", "Philips", "Multilaser", "Positivo",
          "Chamex", "Report", "Adelbras", "Scotch", "Cavenaghi", "Flexform", "Plaxmetal", "Marelli", "Frisokar",
          "Giroflex"]


# -- data -------------------------------------------------------------------------------------------

def product_names(n: int, seed: int = 7) -> list[str]:
    """``n`` distinct, realistic product names (kind, variant, brand, series)."""
    rnd = random.Random(seed)
    combos = [(k, v, b) for k, vs in KINDS for v in vs for b in BRANDS]
    rnd.shuffle(combos)
    names, series = [], 0
    while len(names) < n:
        for kind, variant, brand in combos:
            names.append(f"{kind} {variant} {brand} S{100 + series}")
            if len(names) == n:
                break
        series += 1
    return names


def write_snapshot(path: Path, n_products: int) -> int:
    """A stock.csv with every product in three warehouses; returns the number of rows."""
    import numpy as np
    import pandas as pd

    names = product_names(n_products)
    rnd = np.random.default_rng(11)
    rows = n_products * len(WAREHOUSES)
    sku = np.repeat([f"SKU-{i:07d}" for i in range(n_products)], len(WAREHOUSES))
    on_hand = rnd.integers(0, 2000, rows)
    incoming = np.where(rnd.random(rows) < 0.3, rnd.integers(1, 500, rows), 0)
    eta = np.where(incoming > 0, "2026-12-15", "")
    frame = pd.DataFrame({
        "snapshot_at": "2026-11-23T08:00:00-03:00", "sku": sku,
        "barcode": np.repeat([f"789{i:010d}" for i in range(n_products)], len(WAREHOUSES)),
        "product_name": np.repeat(names, len(WAREHOUSES)), "warehouse": np.tile(WAREHOUSES, n_products),
        "uom": "UN", "on_hand_qty": on_hand, "reserved_qty": (on_hand * rnd.random(rows) * 0.5).astype(int),
        "incoming_qty": incoming, "incoming_eta": eta,
        "reorder_level": np.repeat(rnd.integers(0, 300, n_products), len(WAREHOUSES)),
        "reorder_qty": 100, "unit_price": np.repeat(np.round(rnd.random(n_products) * 2000, 2), len(WAREHOUSES)),
        "currency": "BRL",
    })
    frame.to_csv(path, index=False)
    return rows


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def misspelt_queries(names: list[str], k: int, seed: int = 3) -> list[tuple[str, str]]:
    """(query, what a right answer contains): accents dropped, one typo, the series left out."""
    rnd = random.Random(seed)
    out = []
    for name in rnd.sample(names, k):
        words = fold(name).split()[:-1]  # without the series: "any of this kind" is right
        target = " ".join(words)
        i = max(range(len(words)), key=lambda j: len(words[j]))
        w = words[i]
        if len(w) > 3:
            p = rnd.randrange(1, len(w) - 1)
            words[i] = w[:p] + w[p + 1] + w[p] + w[p + 2:]  # two letters swapped
        out.append((" ".join(words), target))
    return out


# -- set-up -----------------------------------------------------------------------------------------

def fresh_database(kind: str, tmp: Path) -> str:
    from sqlalchemy import create_engine, text

    from bot.db import Database

    if kind == "sqlite":
        path = tmp / f"bench-{time.monotonic_ns()}.db"
        url = f"sqlite:///{path}"
    else:
        url = os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT)
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    db = Database(url)
    db.upgrade()
    db.dispose()
    return url


def make_runtime(url: str, api_url: str):
    from bot.compose import build_runtime
    from bot.settings import Settings
    from tests.harness import BOT_TOKEN, SIGNING_SECRET

    settings = Settings(_env_file=None, database_url=url, slack_bot_token=BOT_TOKEN,
                        slack_signing_secret=SIGNING_SECRET, slack_api_url=api_url, stock_channel="C0STOCK01")
    return build_runtime(settings)


IMPORTED = 300_000  # products that go through the importer; past that (a file over its limits), seeded


def grow_catalogue(runtime, names: list[str], start: int) -> None:  # type: ignore[no-untyped-def]
    """Products ``start``.. of ``names`` (as ``write_snapshot`` names them), straight into the tables, in
    every warehouse, then the catalogue bumped: the search sees a million products, the importer need not."""
    import datetime as dt

    import numpy as np
    import pandas as pd
    from sqlalchemy import func, select

    from models.core.bulk import insert_frame, timestamps
    from models.stock.tables import Product, Warehouse, bump_catalogue

    now = dt.datetime(2026, 11, 23, 11, 0, tzinfo=dt.UTC)
    with runtime.db.session() as s:
        stored = timestamps(pd.Series([now]), s).iloc[0]  # as the database keeps it (text on SQLite)
        first_id = (s.scalar(select(func.max(Product.id))) or 0) + 1
        warehouses = list(s.scalars(select(Warehouse.id)))
        ids = np.arange(first_id, first_id + len(names) - start)
        products = pd.DataFrame({
            "id": ids, "sku": [f"SKU-{i:07d}" for i in range(start, len(names))],
            "barcode": [f"789{i:010d}" for i in range(start, len(names))], "name": names[start:], "unit": "UN",
            "currency": "BRL", "reorder_level": 50, "reorder_qty": 100, "is_low": False, "low_crossings": 0,
            "created_at": stored, "updated_at": stored})
        insert_frame(s, "stock_products", products)
        levels = pd.DataFrame({"product_id": np.repeat(ids, len(warehouses)),
                               "warehouse_id": np.tile(warehouses, len(ids)), "on_hand": 100, "reserved": 10,
                               "incoming": 0, "updated_at": stored})
        insert_frame(s, "stock_levels", levels)
        bump_catalogue(s, now)
        s.commit()


def import_file(runtime, path: Path):
    from bot.importing import read_table

    importer = runtime.registry.importers["stock"]
    table = read_table(path, importer.required, importer.optional)
    with runtime.unit_of_work(source="bench") as ctx:
        return importer.run(ctx, table)


class BareBolt:
    """The baseline: a Bolt app with signature checks that only acks ``/stock``, on the same kind of server."""

    def __init__(self, standin) -> None:
        from slack_bolt import App
        from slack_bolt.adapter.wsgi import SlackRequestHandler
        from slack_sdk import WebClient

        from tests.harness import BOT_TOKEN, SIGNING_SECRET, _QuietHandler, _ThreadingWSGIServer

        app = App(client=WebClient(token=BOT_TOKEN, base_url=standin.api_url), signing_secret=SIGNING_SECRET)
        app.command("/stock")(lambda ack: ack(text="ok"))
        handler = SlackRequestHandler(app, path="/slack/events")
        self.standin = standin
        self.server = make_server("127.0.0.1", 0, handler, server_class=_ThreadingWSGIServer,
                                  handler_class=_QuietHandler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _bare_client(bare: BareBolt):
    from tests.harness import BotServer

    client = BotServer.__new__(BotServer)  # only its request helpers, pointed at the bare app
    client.standin = bare.standin
    client.server = bare.server
    return client


# -- measures ---------------------------------------------------------------------------------------

def index_rows(session, label: str) -> list[Row]:  # type: ignore[no-untyped-def]
    """Building the search index again, aside (as after an import): its time and the memory it holds."""
    import tracemalloc

    from models.stock.search import _load
    from models.stock.tables import catalogue_stamp

    start = time.perf_counter()
    _load(session, catalogue_stamp(session))
    took = time.perf_counter() - start
    tracemalloc.start()
    index = _load(session, catalogue_stamp(session))
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del index
    return [Row(DESK, f"search index build ({label})", took, "s", goal="aside: answers go on meanwhile"),
            Row(DESK, f"search index memory held, peak while building ({label})", held / 2**20, "MB",
                peak / 2**20, "peak while building")]


def bench_database(kind: str, quick: bool, tmp: Path, scale: int = 1) -> list[Row]:
    from sqlalchemy import select, text

    from models.core.people import Person, Role
    from models.stock.search import catalogue_index
    from tests.harness import BotServer
    from tests.slack_standin import SlackStandIn

    rows: list[Row] = []
    n_products = 5_000 if quick else 100_000 * scale
    n_calls = 50 if quick else 400
    url = fresh_database(kind, tmp)
    standin = SlackStandIn().start()
    runtime = make_runtime(url, standin.api_url)
    snapshot = tmp / f"snapshot-{kind}.csv"
    write_snapshot(snapshot, min(n_products, IMPORTED))
    start = time.perf_counter()
    import_file(runtime, snapshot)
    if n_products > IMPORTED:
        grow_catalogue(runtime, product_names(n_products), IMPORTED)
    print(f"  {kind}: {n_products:,} products x 3 in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    with runtime.unit_of_work(source="bench") as ctx:
        ctx.session.add(Person(slack_user_id="U0BENCH01", name="Bench Seller", email="bench@example.com",
                               created_at=ctx.now, locale="pt-BR"))
        ctx.session.flush()
        seller = ctx.session.scalar(select(Person).where(Person.slack_user_id == "U0BENCH01"))
        seller.set_roles({Role.sales.value})
    names = product_names(n_products)
    label = f"{kind}, {n_products / 1e6:.2g}M products" if n_products >= 1e6 else f"{kind}, {n_products // 1000}k products"
    with runtime.db.session(readonly=True) as s:
        rows.extend(index_rows(s, label))

    # Search alone, and its hits against LIKE.
    queries = misspelt_queries(names, 50 if quick else 200)
    with runtime.db.session() as s:
        start = time.perf_counter()
        index = catalogue_index(s)
        print(f"  {kind}: index built in {time.perf_counter() - start:.2f} s", file=sys.stderr)
        cycle = iter([q for q, _ in queries] * 50)
        search_ms = timings(lambda: index.search(next(cycle)), len(queries))
        by_id = dict(s.execute(text("SELECT id, name FROM stock_products")).all())
        ours = sum(1 for q, target in queries
                   if (hits := index.search(q).hits) and fold(by_id[hits[0][0]]).startswith(target))
        like_hits, like_ms = 0, []
        for q, target in queries:
            t0 = time.perf_counter()
            found = s.execute(text("SELECT name FROM stock_products WHERE lower(name) LIKE :q LIMIT 8"),
                              {"q": f"%{q}%"}).scalars().all()
            like_ms.append((time.perf_counter() - t0) * 1000)
            like_hits += bool(found) and fold(found[0]).startswith(target)
    rows.append(Row(DESK, f"search median ({label})", median(search_ms), "ms", median(like_ms), "SQL LIKE",
                    "< 10 ms", median(search_ms) < 10))
    rows.append(Row(DESK, f"search p99 ({label})", p99(search_ms), "ms", p99(like_ms), "SQL LIKE", "", None))
    rows.append(Row(DESK, f"right product first, misspelt queries ({label})", 100 * ours / len(queries), "%",
                    100 * like_hits / len(queries), "SQL LIKE", "better than LIKE", ours > like_hits))

    # Round trips through HTTP: the real app vs a bare Bolt app.
    bot = BotServer(runtime, standin)
    bare = _bare_client(BareBolt(standin))
    sku_cycle = iter([f"SKU-{i:07d}" for i in random.Random(5).sample(range(n_products), 50)] * 1000)
    word_cycle = iter([q for q, _ in queries] * 1000)
    for name, arg in (("/stock <sku>", lambda: next(sku_cycle)), ("/stock <words>", lambda: next(word_cycle))):
        ours_ms = timings(lambda arg=arg: _ok(bot.command("/stock", arg(), user="U0BENCH01")), n_calls, warmup=5)
        base_ms = timings(lambda arg=arg: _ok(bare.command("/stock", arg(), user="U0BENCH01")), n_calls, warmup=5)
        ratio = median(ours_ms) / median(base_ms)
        rows.append(Row(DESK, f"{name} round trip median ({label})", median(ours_ms), "ms", median(base_ms),
                        "bare Bolt ack", "<= 1.3x", ratio <= 1.3))
        rows.append(Row(DESK, f"{name} round trip p99 ({label})", p99(ours_ms), "ms", p99(base_ms), "bare Bolt ack",
                        "< 100 ms", p99(ours_ms) < 100))
    bot.stop()
    bare.server.shutdown()
    runtime.sender.wait_idle(timeout=30)
    runtime.db.dispose()
    standin.stop()
    rows.extend(bench_import(kind, quick, tmp, scale))
    return rows


def _ok(resp):
    if resp.status != 200:
        raise RuntimeError(f"HTTP {resp.status}: {resp.body[:200]}")
    return resp


def bench_import(kind: str, quick: bool, tmp: Path, scale: int = 1) -> list[Row]:
    """Our import of N rows (into an empty catalogue, then again unchanged) vs read_csv + bulk insert."""
    import pandas as pd
    from sqlalchemy import text

    from bot.db import Database
    from models.core.bulk import insert_frame

    n_products = 10_000 if quick else 333_334 * scale
    path = tmp / f"import-{kind}.csv"
    n_rows = write_snapshot(path, n_products)
    url = fresh_database(kind, tmp)
    runtime = make_runtime(url, "http://127.0.0.1:9/api/")
    runtime.settings.slack_bot_token = None  # nothing to deliver here
    # Memory as the rise over what the process held before (libraries, the earlier data sets).
    since = reset_peak_memory()
    start = time.perf_counter()
    summary = import_file(runtime, path)
    ours = time.perf_counter() - start
    ours_peak = peak_memory_mb(since)
    assert summary.created == n_rows, summary
    since = reset_peak_memory()
    start = time.perf_counter()
    again_summary = import_file(runtime, path)
    again = time.perf_counter() - start
    again_peak = peak_memory_mb(since)
    assert again_summary.unchanged == n_rows, again_summary
    runtime.db.dispose()

    db = Database(url)
    with db.session() as s:
        s.execute(text("CREATE TABLE bench_raw (snapshot_at VARCHAR(40), sku VARCHAR(64), barcode VARCHAR(32), "
                       "product_name VARCHAR(200), warehouse VARCHAR(32), uom VARCHAR(16), on_hand_qty INTEGER, "
                       "reserved_qty INTEGER, incoming_qty INTEGER, incoming_eta VARCHAR(10), reorder_level INTEGER, "
                       "reorder_qty INTEGER, unit_price NUMERIC(20, 6), currency VARCHAR(3))"))
        s.commit()
        since = reset_peak_memory()
        start = time.perf_counter()
        frame = pd.read_csv(path, dtype={"incoming_eta": "string"}, keep_default_na=False)
        insert_frame(s, "bench_raw", frame)
        s.commit()
        baseline = time.perf_counter() - start
        baseline_peak = peak_memory_mb(since)
        del frame
        s.execute(text("DROP TABLE bench_raw"))
        s.commit()
    db.dispose()
    label = f"{kind}, {n_rows / 1e6:.2g}M rows"
    rows = [
        Row(DESK, f"import stock ({label})", ours, "s", baseline, "read_csv + bulk insert", "<= 2x",
            ours <= 2 * baseline),
        Row(DESK, f"re-import, all unchanged ({label})", again, "s", baseline, "read_csv + bulk insert", "<= 1.5x",
            again <= 1.5 * baseline),
    ]
    if since is not None:
        rows += [
            Row(DESK, f"  memory the import took at its peak ({label})", ours_peak, "MB", baseline_peak,
                "read_csv + bulk insert", "", None),
            Row(DESK, f"  memory the re-import took at its peak ({label})", again_peak, "MB", baseline_peak,
                "read_csv + bulk insert", "", None),
        ]
    return rows


def run(quick: bool, scale: int = 1) -> list[Row]:
    """Every stock figure, on SQLite and PostgreSQL (skipped with a note if PostgreSQL is unreachable)."""
    return on_each_database("bench-stock-", lambda kind, tmp: bench_database(kind, quick, tmp, scale))


def run_imports(quick: bool, scale: int = 1) -> list[Row]:
    """Only the import figures, on both databases (a full-size import run without the round trips)."""
    return on_each_database("bench-stock-", lambda kind, tmp: bench_import(kind, quick, tmp, scale))


def on_each_database(prefix: str, bench: Callable[[str, Path], list[Row]]) -> list[Row]:
    """``bench(kind, tmp)`` on SQLite, then on PostgreSQL unless it is unreachable (said on stderr),
    in one temporary directory, with the bot's warnings silenced."""
    import logging

    logging.disable(logging.WARNING)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        for kind in ("sqlite", "postgresql"):
            if kind == "postgresql" and not _pg_reachable():
                print("  postgresql: unreachable, skipped (set BENCH_DATABASE_URL)", file=sys.stderr)
                continue
            rows.extend(bench(kind, Path(tmp)))
    return rows


def _pg_reachable() -> bool:
    from sqlalchemy import create_engine, text

    url = os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT)
    try:
        engine = create_engine("postgresql+psycopg://" + url.split("://", 1)[1], connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="5k products, 30k import rows: under a minute")
    parser.add_argument("--scale", type=int, default=1, help="data sets this many times the full sizes")
    parser.add_argument("--import-only", action="store_true", help="only the snapshot imports")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    print_table(run_imports(args.quick, args.scale) if args.import_only else run(args.quick, args.scale))
    print(f"\n({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
