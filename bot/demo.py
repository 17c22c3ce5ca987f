"""The demo data set: the sample files of a Brazilian distributor, shipped inside the package."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.importing import read_table
from bot.runtime import Runtime
from models.core.people import Person, find_person

DEMO_DIR = Path(__file__).resolve().parent / "demo_data"
ORDER = ("people", "stock", "trades", "confirmations")
# Who the demo's trade files are imported by (four eyes: she may not confirm them; the others may).
DEMO_IMPORTER = "gabriela.santos@empresa.com.br"


def demo_loaded(runtime: Runtime) -> bool:
    with runtime.db.session(readonly=True) as s:
        return (s.scalar(select(func.count()).select_from(Person)) or 0) > 0


def load_demo(runtime: Runtime) -> str:
    """Import every demo file that an installed desk knows how to read, in dependency order."""
    lines = []
    for kind in ORDER:
        importer = runtime.registry.importers.get(kind)
        path = DEMO_DIR / f"{kind}.csv"
        if importer is None or not path.exists():
            continue
        table = read_table(path, importer.required, importer.optional)
        with runtime.unit_of_work(source="demo") as ctx:
            if kind in ("trades", "confirmations"):
                ctx.actor = find_person(ctx.session, runtime.settings.import_operator or DEMO_IMPORTER)
            summary = importer.run(ctx, table)
        lines.append(f"demo {kind}: {summary.created} created, {summary.updated} updated, {summary.unchanged} unchanged")
    return "\n".join(lines)
