"""What other people and channels would receive, printed in the console; files saved to disk.

The console's outbox deliverer: each notification is shown under who gets it (``DM → Ana``,
``#estoque``), its buttons numbered like any other message's, and the files it carries (reports,
the digest chart) saved in the session's temporary folder with their path printed.
"""

from __future__ import annotations

import base64
import itertools
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot import i18n
from bot.console.text import Choice, Names, render_message
from bot.outbox import Sent
from bot.render import render_text
from models.core.outbox import OutboxKind, OutboxMessage

if TYPE_CHECKING:
    from bot.runtime import Runtime

_ts = itertools.count(1)


def next_ts() -> str:
    """A message timestamp, unique in the console (Slack's ``ts`` stand-in)."""
    return f"{next(_ts)}.000100"


class Files:
    """The session's folder for files people would get in Slack (made on first use, never the cwd)."""

    def __init__(self) -> None:
        self._dir: Path | None = None

    def save(self, filename: str, content: bytes) -> Path:
        if self._dir is None:
            self._dir = Path(tempfile.mkdtemp(prefix="backoffice-bot-"))
        path = self._dir / Path(filename).name
        n = 1
        while path.exists():
            n += 1
            path = self._dir / f"{Path(filename).stem}-{n}{Path(filename).suffix}"
        path.write_bytes(content)
        return path


def file_bytes(spec: dict) -> bytes:
    if "base64" in spec:
        return base64.b64decode(spec["base64"])
    return str(spec.get("text", "")).encode("utf-8")


class Inbox:
    """Collects delivered notifications until the console prints them."""

    def __init__(self, runtime: Runtime, names: Names, choices: list[Choice], files: Files,
                 locale: Callable[[], str]) -> None:
        self.runtime = runtime
        self.names = names
        self.choices = choices
        self.files = files
        self.locale = locale  # the console user's language, for the console's own words
        self._lines: list[str] = []
        self._lock = threading.Lock()

    def where(self, row: OutboxMessage) -> str:
        """Who receives ``row``: a channel by name, or a person's DM."""
        target = row.updates or row
        if target.channel:
            channel = target.channel
            name = channel if channel.startswith("#") else "#" + (self.names.channel(channel) or channel)
        elif target.person is not None:
            name = render_text("DM → {name}", self.locale(), name=target.person.name)
        else:
            name = render_text("a message", self.locale())
        if row.updates is not None:
            name += " " + render_text("(updated)", self.locale())
        return name

    def deliver(self, row: OutboxMessage, content: dict) -> Sent:
        """The outbox sender's deliver function: show, save files, answer like Slack would."""
        ts = next_ts()
        with self._lock:  # buttons are numbered in the order messages are shown
            text = render_message(content, self.choices, self.names, origin=(row.channel or "D-console", ts))
            saved = [self.files.save(f["filename"], file_bytes(f)) for f in self._files_of(row)]
            lines = text.splitlines() + [render_text("File saved: {path}", self.locale(), path=str(p)) for p in saved]
            self._lines.append(f"  ┌─ {self.where(row)}\n" + "\n".join("  │ " + line for line in lines))
        return Sent(row.channel or "D-console", ts)

    def _files_of(self, row: OutboxMessage) -> list[dict]:
        if row.kind == OutboxKind.file.value:
            return list(row.data.get("files") or [])
        files_fn = self.runtime.registry.outbox_files.get(row.kind)
        if files_fn is None:
            return []
        person = row.person
        locale = i18n.normalize_locale(person.locale if person else None, self.runtime.settings.locale_default)
        return list(files_fn(row.data, locale))

    def take(self) -> str:
        with self._lock:
            text = "\n".join(self._lines)
            self._lines.clear()
        return text
