"""The web worker starts small: the libraries only imports, digests and spreadsheets need
(pandas, pyarrow, scipy, openpyxl: about 100 MB together) load when those run, not at start-up.
The idle memory itself is a figure in ``bench/bench_platform.py``."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "pyarrow", "scipy", "openpyxl")

START_WEB = """
import sys
from bot.compose import build_registry
from bot.server import serve
from bot.slack.web import WebApp
build_registry()
print(",".join(m for m in {heavy!r} if m in sys.modules))
"""


def test_what_the_web_worker_loads_at_start_up_leaves_the_heavy_libraries_out():
    # A fresh interpreter: the test run itself has long imported everything.
    done = subprocess.run([sys.executable, "-c", START_WEB.format(heavy=HEAVY)], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "", f"loaded at start-up: {done.stdout.strip()}"
