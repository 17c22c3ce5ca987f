"""Where message templates and Portuguese catalogues live.

The runtime's own messages (errors, help, apology) are in ``bot/templates/platform`` and
``bot/locale``. Each desk keeps its own beside its handlers: ``handlers/<desk>/templates/*.j2``
(named ``<desk>/<name>`` when rendered) and ``handlers/<desk>/locale/<ll_CC>/LC_MESSAGES/*.po``.
They are found by that convention, from the folder of the ``handlers`` package, without
importing any desk's code: rendering works the same in the web process, the console and a
one-off CLI command.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

BOT_DIR = Path(__file__).resolve().parent


@functools.cache
def desk_folders() -> dict[str, Path]:
    """``{desk: folder}`` for every ``handlers/<desk>/`` package (admin included)."""
    spec = importlib.util.find_spec("handlers")
    if spec is None or not spec.submodule_search_locations:
        return {}
    root = Path(next(iter(spec.submodule_search_locations)))
    return {p.name: p for p in sorted(root.iterdir()) if (p / "__init__.py").is_file()}


def template_folders() -> dict[str, Path]:
    """``{prefix: folder}``: ``platform`` (the runtime's) and each desk's ``templates``."""
    found = {"platform": BOT_DIR / "templates" / "platform"}
    for desk, folder in desk_folders().items():
        if (folder / "templates").is_dir():
            found[desk] = folder / "templates"
    return found


def catalogue_files(locale: str) -> list[Path]:
    """Every ``.po`` file of ``locale`` (``pt_BR``): the runtime's, then each desk's."""
    roots = [BOT_DIR / "locale", *(f / "locale" for f in desk_folders().values())]
    files: list[Path] = []
    for root in roots:
        folder = root / locale / "LC_MESSAGES"
        if folder.is_dir():
            files.extend(sorted(folder.glob("*.po")))
    return files
