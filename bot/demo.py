"""The demo data set: the sample files of a Brazilian distributor, then a first week's story.

The files (``bot/demo_data/*.csv``) are imported as an admin would; the story
(``bot/demo_data/story.txt``) is then typed through the console by the company's people:
some switch to English, leave is requested, approved and taken, incidents are reported and
acknowledged. So ``/leave who``, the digest and the Home tab have something to show on the
first run, whatever the day: dates in the story are relative to today.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from sqlalchemy import func, select

from bot.console.session import Console
from bot.importing import read_table
from bot.imports_cli import summary_line
from bot.render import error_text, render_text
from bot.runtime import Runtime
from models.core.errors import N_
from models.core.imports import ImportRefused
from models.core.people import Person, find_person

DEMO_DIR = Path(__file__).resolve().parent / "demo_data"
ORDER = ("people", "stock", "trades", "confirmations")
STORY = DEMO_DIR / "story.txt"
ADMIN = "eduarda.silva@empresa.com.br"
# Who the demo's trade files are imported by (four eyes: she may not confirm them; the others may).
DEMO_IMPORTER = "gabriela.santos@empresa.com.br"
RELATIVE_DAY = re.compile(r"\{d([+-]\d+)\}")


class DemoRefused(Exception):
    """The demo cannot be loaded here; ``message``/``params`` say why (nothing was changed)."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


def demo_loaded(runtime: Runtime) -> bool:
    with runtime.db.session(readonly=True) as s:
        return (s.scalar(select(func.count()).select_from(Person)) or 0) > 0


def load_demo(runtime: Runtime) -> str:
    """Import every demo file an installed desk reads, in dependency order, then play the story."""
    locale = runtime.settings.locale_default
    if demo_loaded(runtime):
        raise DemoRefused(N_("This database already has people, so the demo was not loaded (it would mix with real "
                             "data). Point DATABASE_URL at a new database, or run `backoffice-bot console` to use "
                             "this one."))
    lines = []
    for kind in ORDER:
        importer = runtime.registry.importers.get(kind)
        path = DEMO_DIR / f"{kind}.csv"
        if importer is None or not path.exists():
            continue
        try:
            table = read_table(path, importer.required, importer.optional)
            with runtime.unit_of_work(source="demo") as ctx:
                if kind in ("trades", "confirmations"):
                    ctx.actor = find_person(ctx.session, runtime.settings.import_operator or DEMO_IMPORTER)
                summary = importer.run(ctx, table)
        except ImportRefused as refused:
            raise DemoRefused(N_("The demo file {file} was refused: {reason}"), file=path.name,
                              reason=error_text(refused, locale)) from None
        lines.append(render_text("Demo {line}", locale, line=summary_line(path.name, summary, locale)))
    if STORY.exists():
        steps = play_story(runtime, STORY.read_text(encoding="utf-8"))
        lines.append(render_text("Demo story: {steps} lines typed by the company's people.", locale, steps=steps))
    return "\n".join(lines)


def play_story(runtime: Runtime, script: str, today: dt.date | None = None) -> int:
    """Type ``script`` in a console (its output discarded); ``{d+N}`` is today plus N days, ISO."""
    today = today or runtime.clock.now().date()
    text = RELATIVE_DAY.sub(lambda m: (today + dt.timedelta(days=int(m.group(1)))).isoformat(), script)
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    Console(runtime, who=ADMIN, out=io.StringIO(), transport=False).run(io.StringIO("\n".join(lines) + "\n"))
    return sum(1 for line in lines if line.strip())
