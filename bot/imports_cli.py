"""``backoffice-bot import <kind> FILE``: read, validate, import in one transaction, report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.importing import read_table
from bot.render import error_text, render_plural, render_text
from bot.runtime import Runtime
from models.core.errors import DomainError
from models.core.imports import ImportRefused, ImportSummary

MAX_SHOWN = 50


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
        print(error_text(refused, locale), file=err)
        for e in refused.errors[:MAX_SHOWN]:
            where = render_text("row {row}", locale, row=e.row) if e.row else render_text("file", locale)
            col = f" [{e.column}]" if e.column else ""
            text = (render_plural(e.message, e.plural, int(e.params["count"]), locale, **e.params) if e.plural
                    else render_text(e.message, locale, **e.params))
            print(f"  {where}{col}: {text}", file=err)
        if len(refused.errors) > MAX_SHOWN:
            print(render_text("  ... and {n} more.", locale, n=len(refused.errors) - MAX_SHOWN), file=err)
        return 1
    except DomainError as exc:
        print(error_text(exc, locale), file=err)
        return 1
    print(summary_line(path.name, summary, locale), file=out)
    for key, value in summary.extra.items():
        print(f"  {key}: {value}", file=out)
    _flush_outbox(runtime, out)
    return 0


def summary_line(name: str, summary: ImportSummary, locale: str) -> str:
    """``Imported people.csv: 24 created, 0 updated, 0 unchanged.`` with each count's plural form."""
    return render_text("Imported {file}: {created}, {updated}, {unchanged}.", locale, file=name,
                       created=render_plural("{count} created", "{count} created", summary.created, locale),
                       updated=render_plural("{count} updated", "{count} updated", summary.updated, locale),
                       unchanged=render_plural("{count} unchanged", "{count} unchanged", summary.unchanged, locale))


def _flush_outbox(runtime: Runtime, out: TextIO) -> None:
    """Send what the import queued when Slack is configured; otherwise the web or clock process will."""
    if runtime.settings.slack_bot_token is None:
        return
    runtime.sender.wait_idle(timeout=60)
