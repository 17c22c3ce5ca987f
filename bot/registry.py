"""One registry of every command, subcommand, button, form, shortcut, event and intent.

Each desk declares its entries once (``handlers/<desk>/``, in ``register(registry)``); the
composition root, :mod:`bot.compose`, builds the registry from every desk. The
Slack app, the console, the help replies and the manifest are all built from it, so a new
subcommand shows up everywhere at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from models.core.errors import N_, ValidationError
from models.core.people import Role

if TYPE_CHECKING:
    from bot.request import Request

Handler = Callable[["Request"], Any]


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

    def no_args(self, *, usage: str, help: str, role: Role | None = None) -> Callable[[Handler], Handler]:
        """Declare what the bare command does (e.g. ``/leave`` opens the form)."""

        def deco(fn: Handler) -> Handler:
            self.empty = Subcommand("", usage, help, fn, role)
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


@dataclass
class Action:
    """A button or menu: ``action_id`` (exact, or a regex prefix like ``leave_``)."""

    action_id: str
    handler: Handler
    role: Role | None = None


@dataclass
class Intent:
    """A way to understand free text in a mention or a DM.

    ``match(text)`` returns a score in 0..1 (0: not mine). The highest score answers.
    """

    desk: str
    match: Callable[[str], float]
    handler: Handler


@dataclass
class Importer:
    """``backoffice-bot import <name> FILE``: the columns it needs and the domain function that imports."""

    name: str
    required: list[str]
    optional: list[str]
    run: Callable[..., Any]
    help: str = ""


@dataclass
class Job:
    """A periodic job (leave reminders, trade cut-off, SLA checks...), run by the scheduler or the CLI.

    ``run(runtime, now)`` does one pass and returns a short text of what it did.
    """

    name: str
    run: Callable[..., Any]
    every_minutes: int = 1
    help: str = ""


@dataclass
class DigestScope:
    """Who gets a digest now, for a section provider to fill in one batch (no query per manager).

    ``managers`` has one row per recipient: person_id, name, slack_user_id, team, roles (a list),
    country, subdivision, timezone, locale, day (the recipient's local date).
    """

    managers: Any  # pandas.DataFrame
    now: Any  # aware UTC datetime


@dataclass
class DigestSection:
    """A desk's part of the manager digest.

    ``build(session, scope)`` returns ``{person_id: data}`` for the managers it has something
    for (a missing or empty entry: nothing to say). ``template`` names a Jinja file holding a
    macro ``section(blocks, data)`` that appends Block Kit blocks. ``roles`` limits it to
    managers with one of these roles (empty: every manager).
    """

    desk: str
    build: Callable[..., dict[int, dict]]
    template: str
    order: int = 50
    roles: tuple[str, ...] = ()


@dataclass
class HomeSection:
    """A desk's part of the App Home: ``build(request)`` returns data (or None to hide), and
    ``template`` holds a macro ``section(blocks, data)``."""

    desk: str
    build: Callable[..., dict | None]
    template: str
    order: int = 50


@dataclass
class DigestSeries:
    """A daily count for the digest chart: ``build(session, first_day, last_day) -> {date: int}``."""

    label: str
    build: Callable[..., dict]


@dataclass
class Shortcut:
    callback_id: str
    name: str
    description: str
    handler: Handler
    kind: str = "message"


class Registry:
    """Everything the bot answers to."""

    def __init__(self) -> None:
        self.commands: dict[str, Command] = {}
        self.actions: dict[str, Action] = {}
        self.views: dict[str, Handler] = {}
        self.view_closed: dict[str, Handler] = {}
        self.shortcuts: dict[str, Shortcut] = {}
        self.events: dict[str, list[Handler]] = {}
        self.intents: list[Intent] = []
        self.importers: dict[str, Importer] = {}
        self.jobs: dict[str, Job] = {}
        self.digest_sections: list[DigestSection] = []
        self.home_sections: list[HomeSection] = []
        self.digest_series: list[DigestSeries] = []
        self.outbox_kinds: dict[str, Callable[..., dict]] = {}
        # *:history: the outbox looks for a message it may have posted before posting it again.
        self.scopes: set[str] = {"commands", "chat:write", "users:read", "users:read.email", "im:write",
                                 "app_mentions:read", "im:history", "channels:history", "groups:history"}
        self.bot_events: set[str] = {"app_mention", "message.im"}

    def command(self, name: str, *, summary: str, usage_hint: str = "help") -> Command:
        """Declare a slash command (``name`` without the slash)."""
        name = name.lstrip("/")
        if name in self.commands:
            raise ValueError(f"/{name} declared twice")
        cmd = Command(name, summary, usage_hint)
        self.commands[name] = cmd
        return cmd

    def action(self, action_id: str, *, role: Role | None = None) -> Callable[[Handler], Handler]:
        def deco(fn: Handler) -> Handler:
            if action_id in self.actions:
                raise ValueError(f"action {action_id} declared twice")
            self.actions[action_id] = Action(action_id, fn, role)
            return fn

        return deco

    def view(self, callback_id: str) -> Callable[[Handler], Handler]:
        def deco(fn: Handler) -> Handler:
            if callback_id in self.views:
                raise ValueError(f"view {callback_id} declared twice")
            self.views[callback_id] = fn
            return fn

        return deco

    def shortcut(self, callback_id: str, *, name: str, description: str, kind: str = "message") -> Callable[[Handler], Handler]:
        def deco(fn: Handler) -> Handler:
            self.shortcuts[callback_id] = Shortcut(callback_id, name, description, fn, kind)
            return fn

        return deco

    def event(self, event_type: str, *, scopes: tuple[str, ...] = (), bot_event: str | None = None) -> Callable[[Handler], Handler]:
        """Handle a Slack event (``reaction_added``, ``app_home_opened``...)."""

        def deco(fn: Handler) -> Handler:
            self.events.setdefault(event_type, []).append(fn)
            self.scopes.update(scopes)
            self.bot_events.add(bot_event or event_type)
            return fn

        return deco

    def intent(self, desk: str, match: Callable[[str], float]) -> Callable[[Handler], Handler]:
        def deco(fn: Handler) -> Handler:
            self.intents.append(Intent(desk, match, fn))
            return fn

        return deco

    def importer(self, name: str, *, required: list[str], optional: list[str] = (),  # type: ignore[assignment]
                 help: str = "") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
            self.importers[name] = Importer(name, list(required), list(optional), fn, help)
            return fn

        return deco

    def job(self, name: str, *, every_minutes: int = 1, help: str = "") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
            if name in self.jobs:
                raise ValueError(f"job {name} declared twice")
            self.jobs[name] = Job(name, fn, every_minutes, help)
            return fn

        return deco

    def digest_section(self, desk: str, *, template: str, order: int = 50,
                       roles: tuple[str, ...] = ()) -> Callable[[Callable[..., dict]], Callable[..., dict]]:
        def deco(fn: Callable[..., dict]) -> Callable[..., dict]:
            self.digest_sections.append(DigestSection(desk, fn, template, order, roles))
            self.digest_sections.sort(key=lambda d: d.order)
            return fn

        return deco

    def home_section(self, desk: str, *, template: str, order: int = 50) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
            self.home_sections.append(HomeSection(desk, fn, template, order))
            self.home_sections.sort(key=lambda h: h.order)
            return fn

        return deco

    def series(self, label: str) -> Callable[[Callable[..., dict]], Callable[..., dict]]:
        def deco(fn: Callable[..., dict]) -> Callable[..., dict]:
            self.digest_series.append(DigestSeries(label, fn))
            return fn

        return deco

    def outbox_kind(self, kind: str) -> Callable[[Callable[..., dict]], Callable[..., dict]]:
        """Deliver outbox rows of a desk-specific ``kind`` (e.g. creating an incident channel).

        ``fn(runtime, client, row, content) -> {"channel": ..., "ts": ...}`` runs in the sender,
        after commit, with Slack errors retried like any other notification.
        """

        def deco(fn: Callable[..., dict]) -> Callable[..., dict]:
            self.outbox_kinds[kind] = fn
            return fn

        return deco

    def need_scopes(self, *scopes: str) -> None:
        """Declare bot scopes that a desk's Web API calls need (they go into the manifest)."""
        self.scopes.update(scopes)

    def find_action(self, action_id: str) -> Action | None:
        found = self.actions.get(action_id)
        if found:
            return found
        # Buttons in lists carry a suffix (``stock_open:PRD-1``) so Slack sees unique ids.
        base = re.split(r"[:#]", action_id, maxsplit=1)[0]
        return self.actions.get(base)

    def best_intent(self, text: str) -> Intent | None:
        scored = [(i.match(text), n, i) for n, i in enumerate(self.intents)]
        scored = [s for s in scored if s[0] > 0]
        if not scored:
            return None
        return max(scored, key=lambda s: (s[0], -s[1]))[2]


def unknown_subcommand(cmd: Command, word: str) -> ValidationError:
    """The error for ``/<cmd> <word>`` when no such subcommand exists."""
    return ValidationError(
        N_("I don't know “{word}” for {command}. Try `{command} help` to see what it can do."),
        word=word,
        command=cmd.slash,
    )
