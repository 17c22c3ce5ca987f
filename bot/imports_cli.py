"""``backoffice-bot import <kind> FILE``: read, validate, import in one transaction, report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.importing import read_table
from bot.render import render_text
from bot.runtime import Runtime
from models.core.errors import NP_, DomainError
from models.core.imports import ImportRefused, ImportSummary

MAX_SHOWN = 50
# The desks' own figures of an import (``ImportSummary.extra``), as a reader says them.
FIGURES = {
    "products created": NP_("{count} product created", "{count} products created"),
    "warehouses created": NP_("{count} warehouse created", "{count} warehouses created"),
    "low-stock alerts": NP_("{count} low-stock alert", "{count} low-stock alerts"),
    "back-in-stock messages": NP_("{count} back-in-stock message", "{count} back-in-stock messages"),
    "matched": NP_("{count} trade matched", "{count} trades matched"),
    "breaks": NP_("{count} break", "{count} breaks"),
    "missing": NP_("{count} trade without a confirmation", "{count} trades without a confirmation"),
    "alleged": NP_("{count} confirmation without a trade", "{count} confirmations without a trade"),
    "disputed": NP_("{count} disputed trade", "{count} disputed trades"),
}


def run_import(runtime: Runtime, kind: str, path: Path, *, actor_id: int | None = None,
               out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Import ``path`` as ``kind``; print a summary or the row-numbered reasons. Exit code 0/1/2."""
    locale = runtime.settings.locale_default
    importer = runtime.registry.importers.get(kind)
    if importer is None:
        kinds = ", ".join(sorted(runtime.registry.importers))
        print(render_text("Unknown import “{kind}”. Choose one of: {kinds}.", locale, kind=kind, kinds=kinds), file=err)
        return 2
    try:
        table = read_table(path, importer.required, importer.optional)
        with runtime.unit_of_work(actor=actor_id, source="cli", request_key=None) as ctx:
            summary: ImportSummary = importer.run(ctx, table)
    except ImportRefused as refused:
        print(render_text(refused.message, locale, **refused.params), file=err)
        for e in refused.errors[:MAX_SHOWN]:
            where = render_text("row {row}", locale, row=e.row) if e.row else render_text("file", locale)
            col = f" [{e.column}]" if e.column else ""
            print(f"  {where}{col}: {render_text(e.message, locale, **e.params)}", file=err)
        if len(refused.errors) > MAX_SHOWN:
            print(render_text("  ... and {n} more.", locale, n=len(refused.errors) - MAX_SHOWN), file=err)
        return 1
    except DomainError as exc:
        print(render_text(exc.message, locale, **exc.params), file=err)
        return 1
    counts = [render_text(message, locale, count=n) for message, n in (
        (NP_("{count} created", "{count} created"), summary.created),
        (NP_("{count} updated", "{count} updated"), summary.updated),
        (NP_("{count} unchanged", "{count} unchanged"), summary.unchanged))]
    print(render_text("Imported {file}: {counts}.", locale, file=path.name, counts=", ".join(counts)), file=out)
    for key, value in summary.extra.items():
        label = FIGURES.get(key)
        print("  " + (render_text(label, locale, count=value) if label else f"{key}: {value}"), file=out)
    _flush_outbox(runtime, out)
    return 0


def _flush_outbox(runtime: Runtime, out: TextIO) -> None:
    """Send what the import queued when Slack is configured; otherwise the web or clock process will."""
    if runtime.settings.slack_bot_token is None:
        return
    runtime.sender.wait_idle(timeout=60)
