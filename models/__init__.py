"""Domain models and rules. No Slack here: the same rules serve Slack, the console and the CLI."""

from __future__ import annotations

import importlib
import pkgutil


def load_all() -> None:
    """Import every model module so that ``Base.metadata`` knows every table (Alembic, tests)."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
