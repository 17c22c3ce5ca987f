"""``backoffice-bot import <kind> FILE``: read, validate, import in one transaction, report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.importing import read_table
from bot.render import render_plural, render_text
from bot.runtime import Runtime
from models.core.audit import record
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

MAX_ECHOED = 160  # characters of a cell quoted back in a reason (a 20 MB cell must not flood the terminal)


def run_import(runtime: Runtime, kind: str, path: Path, *, actor_id: int | None = None,
               out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Import ``path`` as ``kind``; print a summary or the row-numbered reasons. Exit code 0/1/2."""
    locale = runtime.settings.locale_default

    def cli_text(message: str | tuple[str, str], **params: object) -> str:
        """Plain text for the terminal (no mrkdwn escapes), long values cut."""
        return render_text(message, locale, plain=True, **{k: _cut(v) for k, v in params.items()})

    importer = runtime.registry.importers.get(kind)
    if importer is None:
        kinds = ", ".join(sorted(runtime.registry.importers))
        print(cli_text("Unknown import “{kind}”. Choose one of: {kinds}.", kind=kind, kinds=kinds), file=err)
        return 2
    try:
        table = read_table(path, importer.required, importer.optional)
        with runtime.unit_of_work(actor=actor_id, source="cli", request_key=None) as ctx:
            summary: ImportSummary = importer.run(ctx, table)
            # The import's own record (the metrics read rows and refusals from these); a file
            # that changes nothing leaves nothing, not even this.
            if summary.created or summary.updated:
                record(ctx, f"import.{kind}", ("import", path.name), after={
                    "rows": summary.created + summary.updated, "created": summary.created,
                    "updated": summary.updated})
    except ImportRefused as refused:
        _refused(runtime, kind, path, actor_id, len(refused.errors))
        print(cli_text(refused.message, **refused.params), file=err)
        for e in refused.errors[:MAX_SHOWN]:
            where = cli_text("row {row}", row=e.row) if e.row else cli_text("file")
            col = f" [{_cut(e.column)}]" if e.column else ""
            print(f"  {where}{col}: {cli_text(e.message, **e.params)}", file=err)
        if len(refused.errors) > MAX_SHOWN:
            print(cli_text("  ... and {n} more.", n=len(refused.errors) - MAX_SHOWN), file=err)
        return 1
    except DomainError as exc:
        _refused(runtime, kind, path, actor_id, 1)
        print(cli_text(exc.message, **exc.params), file=err)
        return 1
    counts = [cli_text(message, count=n) for message, n in (
        (NP_("{count} created", "{count} created"), summary.created),
        (NP_("{count} updated", "{count} updated"), summary.updated),
        (NP_("{count} unchanged", "{count} unchanged"), summary.unchanged))]
    print(cli_text("Imported {file}: {counts}.", file=path.name, counts=", ".join(counts)), file=out)
    for key, value in summary.extra.items():
        label = FIGURES.get(key)
        print("  " + (cli_text(label, count=value) if label else f"{key}: {value}"), file=out)
    _flush_outbox(runtime, out)
    return 0


def _refused(runtime: Runtime, kind: str, path: Path, actor_id: int | None, reasons: int) -> None:
    """Remember a refused file (nothing else changed): admins and the metrics see refusals."""
    with runtime.unit_of_work(actor=actor_id, source="cli") as ctx:
        record(ctx, f"import.{kind}.refused", ("import", path.name), after={"reasons": reasons})


def _cut(value: object) -> object:
    if isinstance(value, str):
        value = " ".join(value.split())  # one line per reason, whatever the cell held
        return value if len(value) <= MAX_ECHOED else value[: MAX_ECHOED - 1] + "…"
    return value


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
