"""Slash commands and their subcommands, as declared by the desks and resolved from typed text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from models.core.errors import N_, ValidationError
from models.core.people import Role

# A desk's function for a request (``Request -> Reply | OpenModal | ...``). Typed loosely on
# purpose: a Request holds the runtime, which holds the registry of these, so naming the type
# here would make an import circle; the handlers themselves are typed where they are written.
Handler = Callable[..., Any]


@dataclass
class Subcommand:
    """``/<command> <name> ...``: usage and help are English message ids, translated when shown."""

    name: str
    usage: str
    help: str
    handler: Handler
    role: Role | None = None
    aliases: tuple[str, ...] = ()
    hidden: bool = False


@dataclass
class Command:
    """A slash command and its subcommands. ``default`` handles ``/<command> <free text>``."""

    name: str
    summary: str
    usage_hint: str
    subcommands: dict[str, Subcommand] = field(default_factory=dict)
    default: Subcommand | None = None
    empty: Subcommand | None = None

    @property
    def slash(self) -> str:
        return "/" + self.name

    def sub(self, name: str, *, usage: str, help: str, role: Role | None = None,
            aliases: tuple[str, ...] = (), hidden: bool = False) -> Callable[[Handler], Handler]:
        """Declare a subcommand: ``@stock.sub("low", usage=N_("/stock low"), help=N_("..."))``."""

        def deco(fn: Handler) -> Handler:
            entry = Subcommand(name, usage, help, fn, role, aliases, hidden)
            for key in (name, *aliases):
                if key in self.subcommands:
                    raise ValueError(f"/{self.name} {key} declared twice")
                self.subcommands[key] = entry
            return fn

        return deco

    def free_text(self, *, usage: str, help: str, role: Role | None = None) -> Callable[[Handler], Handler]:
        """Declare what ``/<command> <anything else>`` does (e.g. ``/stock parafuso``)."""

        def deco(fn: Handler) -> Handler:
            self.default = Subcommand("", usage, help, fn, role)
            return fn

        return deco

    def no_args(self, *, usage: str, help: str, role: Role | None = None,
                hidden: bool = False) -> Callable[[Handler], Handler]:
        """Declare what the bare command does (e.g. ``/leave`` opens the form)."""

        def deco(fn: Handler) -> Handler:
            self.empty = Subcommand("", usage, help, fn, role, hidden=hidden)
            return fn

        return deco

    def entries(self) -> list[Subcommand]:
        """Every documented entry, once, in declaration order."""
        seen: list[Subcommand] = []
        for entry in [self.empty, *self.subcommands.values(), self.default]:
            if entry is not None and not entry.hidden and entry not in seen:
                seen.append(entry)
        return seen

    def resolve(self, text: str) -> tuple[Subcommand | None, str]:
        """The entry that handles ``text`` and the rest of the text, or (None, word) if unknown."""
        text = text.strip()
        if not text:
            return self.empty or self.default, ""
        first, _, rest = text.partition(" ")
        entry = self.subcommands.get(first.lower())
        if entry is not None:
            return entry, rest.strip()
        if self.default is not None:
            return self.default, text
        return None, first


def unknown_subcommand(cmd: Command, word: str) -> ValidationError:
    """The error for ``/<cmd> <word>`` when no such subcommand exists."""
    return ValidationError(
        N_("I don't know “{word}” for {command}. Try `{command} help` to see what it can do."),
        word=word,
        command=cmd.slash,
    )
