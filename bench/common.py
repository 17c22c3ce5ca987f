"""Shared benchmark helpers: timing, percentiles, and one table of figures beside their baselines."""

from __future__ import annotations

import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Row:
    """One figure, its baseline measured in the same run, and the goal it is held to."""

    desk: str
    name: str
    figure: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    goal: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.figure / self.baseline


def timings(fn: Callable[[], object], n: int, warmup: int = 3) -> list[float]:
    """``n`` wall-clock timings of ``fn`` in milliseconds, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def median(values: list[float]) -> float:
    return statistics.median(values)


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


def machine() -> str:
    import os

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def print_table(rows: list[Row]) -> str:
    """A Markdown table of the rows (printed and returned)."""
    lines = [
        "| desk | measure | figure | baseline | ratio | goal | met |",
        "|---|---|---:|---:|---:|---|:---:|",
    ]
    for r in rows:
        base = f"{r.baseline:.2f} {r.unit} ({r.baseline_name})" if r.baseline is not None else "—"
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "—"
        met = {True: "yes", False: "**no**", None: "—"}[r.met]
        lines.append(f"| {r.desk} | {r.name} | {r.figure:.2f} {r.unit} | {base} | {ratio} | {r.goal} | {met} |")
    text = "\n".join(lines)
    print(text)
    return text


def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def reset_peak_memory() -> float | None:
    """Start measuring peak memory afresh (Linux: VmHWM); the resident MB now, or None where it cannot."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return None
    return _status_mb("VmRSS")


def peak_memory_mb(since: float | None) -> float:
    """How far resident memory rose above ``since`` (from :func:`reset_peak_memory`), in MB."""
    peak = _status_mb("VmHWM")
    return 0.0 if peak is None or since is None else peak - since
