"""Domain models and rules. No Slack here: the same rules serve Slack, the console and the CLI.

``models.core`` is what every desk shares; ``models.<desk>`` is one desk's tables and rules.
"""

from __future__ import annotations

import importlib
import pkgutil


def load_all() -> None:
    """Import every model module so that ``Base.metadata`` knows every table (Alembic, tests)."""
    for info in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
        importlib.import_module(info.name)
