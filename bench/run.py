"""Run every desk's benchmark and print one table: each figure beside its same-run baseline.

    python -m bench.run [--quick | --scale 10] [--only stock,trades] [--out docs/benchmarks.md]

Each ``bench/bench_<desk>.py`` exposes ``run(quick: bool) -> list[bench.common.Row]``; one that
also takes ``scale`` runs its data sets that many times larger with ``--scale``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import inspect
import pkgutil
import sys
import time
from pathlib import Path

from bench.common import Row, machine, print_table


def discover() -> list[str]:
    here = Path(__file__).resolve().parent
    return sorted(m.name.removeprefix("bench_") for m in pkgutil.iter_modules([str(here)])
                  if m.name.startswith("bench_"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small data sets, for a smoke run")
    parser.add_argument("--scale", type=int, default=1, help="data sets this many times the full sizes (10: the 10x company)")
    parser.add_argument("--only", help="comma-separated desks")
    parser.add_argument("--out", help="also write the table, with the machine, to this Markdown file")
    args = parser.parse_args(argv)
    desks = discover()
    if args.only:
        wanted = set(args.only.split(","))
        desks = [d for d in desks if d in wanted]
    rows: list[Row] = []
    for desk in desks:
        module = importlib.import_module(f"bench.bench_{desk}")
        start = time.perf_counter()
        print(f"== {desk} ...", file=sys.stderr, flush=True)
        scaled = args.scale != 1 and "scale" in inspect.signature(module.run).parameters
        rows.extend(module.run(args.quick, scale=args.scale) if scaled else module.run(args.quick))
        print(f"== {desk} done in {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    table = print_table(rows)
    failed = [r for r in rows if r.met is False]
    if args.out:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        Path(args.out).write_text(
            f"# Benchmarks\n\nMeasured {stamp} on {machine()}{' (quick)' if args.quick else ''} with "
            f"`python -m bench.run{' --quick' if args.quick else ''}{f' --scale {args.scale}' if args.scale != 1 else ''}`.\n\n{table}\n", encoding="utf-8")
    print(f"\n{len(rows) - len(failed)} of {len(rows)} figures within their goals.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
