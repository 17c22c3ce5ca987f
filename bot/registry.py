"""One registry of every command, subcommand, button, form, shortcut, event and intent.

Each desk marks its handlers where they are written (:mod:`bot.declare`) and its
``register(registry)`` declares the desk's slash command and calls :meth:`Registry.scan` on
its modules; the composition root, :mod:`bot.compose`, builds the registry from every desk. The
Slack app, the console, the help replies and the manifest are all built from it, so a new
subcommand shows up everywhere at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from bot import declare
from bot.commands import Command, Handler
from bot.render import render_text
from models.core.people import Role

Route = Callable[..., Any]  # (runtime, WSGI environ) -> bot.replies.HttpReply


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


@dataclass(frozen=True)
class JobSummary:
    """What one pass of a job did, sayable in any language: the log and ``job_runs`` keep the
    English (``str``), ``backoffice-bot job <name>`` prints it in the operator's language.

    ``message`` is an English message id (``N_``) or a plural pair (``NP_``, with ``count``);
    ``lines`` are more such summaries, one per thing done (a reminder sent...).
    """

    message: str | tuple[str, str]
    params: dict[str, Any] = field(default_factory=dict)
    lines: tuple[JobSummary, ...] = ()

    def text(self, locale: str = "en") -> str:
        head = render_text(self.message, locale, plain=True, **self.params)
        return "\n".join([head, *(f"  {line.text(locale)}" for line in self.lines)])

    def __str__(self) -> str:
        return self.text("en")


@dataclass
class Job:
    """A periodic job (leave reminders, trade cut-off, SLA checks...), run by the scheduler or the CLI.

    ``run(runtime, now)`` does one pass and returns a :class:`JobSummary` of what it did (or
    ``None``: nothing to report).
    ``once_per_period``: see :class:`bot.declare.Job`.
    """

    name: str
    run: Callable[..., Any]
    every_minutes: int = 1
    help: str = ""
    once_per_period: bool = True


@dataclass
class DigestScope:
    """Who gets a digest now, for a section provider to fill in one batch (no query per manager).

    ``managers`` has one row per recipient: person_id, name, slack_user_id, team, roles (a list),
    country, subdivision, timezone, locale, day (the recipient's local date). ``days_off`` are
    the company's days off, for a section that looks ahead to the next business day.
    """

    managers: Any  # pandas.DataFrame
    now: Any  # aware UTC datetime
    days_off: frozenset[dt.date] = frozenset()


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
        self.privacy_parts: list[Any] = []  # models.core.privacy.PrivacyPart, one per desk with personal data
        self.routes: dict[str, Route] = {}
        self.outbox_files: dict[str, Callable[[dict, str], list[dict]]] = {}
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

    def importer(self, name: str, *, required: Sequence[str], optional: Sequence[str] = (),
                 help: str = "") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
            self.importers[name] = Importer(name, list(required), list(optional), fn, help)
            return fn

        return deco

    def job(self, name: str, *, every_minutes: int = 1, help: str = "",
            once_per_period: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
            if name in self.jobs:
                raise ValueError(f"job {name} declared twice")
            self.jobs[name] = Job(name, fn, every_minutes, help, once_per_period)
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

    def outbox_kind(self, kind: str, *, files: Callable[[dict, str], list[dict]] | None = None,
                    ) -> Callable[[Callable[..., dict]], Callable[..., dict]]:
        """Deliver outbox rows of a desk-specific ``kind`` (e.g. creating an incident channel).

        ``fn(runtime, client, row, content) -> {"channel": ..., "ts": ...}`` runs in the sender,
        after commit, with Slack errors retried like any other notification. ``files(data,
        locale)`` gives the files such a row carries (``{"filename", "base64", "title"}``), for
        a transport without Slack's upload (the console saves them).
        """

        def deco(fn: Callable[..., dict]) -> Callable[..., dict]:
            self.outbox_kinds[kind] = fn
            if files is not None:
                self.outbox_files[kind] = files
            return fn

        return deco

    def scan(self, desk: str, *modules: ModuleType) -> None:
        """Register what the functions of ``modules`` are marked with (:mod:`bot.declare`).

        ``desk`` names the desk's intents and sections. Functions are read in file order and a
        function's marks top-down, so help lists subcommands in the order they are written.
        A function imported from elsewhere is left to the module that defines it.
        """
        for module in modules:
            for fn in list(vars(module).values()):
                if callable(fn) and getattr(fn, "__module__", None) == module.__name__:
                    for mark in declare.declarations(fn):
                        self._declare(desk, mark, fn)

    def _declare(self, desk: str, mark: declare.Declaration, fn: Callable[..., Any]) -> None:
        match mark:
            case declare.Subcommand():
                self._command(mark.command).sub(mark.name, usage=mark.usage, help=mark.help, role=mark.role,
                                                aliases=mark.aliases, hidden=mark.hidden)(fn)
            case declare.FreeText():
                self._command(mark.command).free_text(usage=mark.usage, help=mark.help, role=mark.role)(fn)
            case declare.NoArgs():
                self._command(mark.command).no_args(usage=mark.usage, help=mark.help, role=mark.role,
                                                    hidden=mark.hidden)(fn)
            case declare.Button():
                self.action(mark.action_id, role=mark.role)(fn)
            case declare.Form():
                self.view(mark.callback_id)(fn)
            case declare.Shortcut():
                self.shortcut(mark.callback_id, name=mark.name, description=mark.description, kind=mark.kind)(fn)
            case declare.Event():
                self.event(mark.event_type, scopes=mark.scopes, bot_event=mark.bot_event)(fn)
            case declare.Intent():
                self.intent(desk, mark.match)(fn)
            case declare.Importer():
                self.importer(mark.name, required=mark.required, optional=mark.optional, help=mark.help)(fn)
            case declare.Job():
                self.job(mark.name, every_minutes=mark.every_minutes, help=mark.help,
                         once_per_period=mark.once_per_period)(fn)
            case declare.DigestSection():
                self.digest_section(desk, template=mark.template, order=mark.order, roles=mark.roles)(fn)
            case declare.HomeSection():
                self.home_section(desk, template=mark.template, order=mark.order)(fn)
            case declare.Series():
                self.series(mark.label)(fn)
            case declare.OutboxKind():
                self.outbox_kind(mark.kind, files=mark.files)(fn)
            case declare.Route():
                self.route(mark.prefix)(fn)

    def _command(self, name: str) -> Command:
        found = self.commands.get(name)
        if found is None:
            raise ValueError(f"/{name} is not declared: call registry.command({name!r}, ...) before scanning")
        return found

    def privacy(self, part: Any) -> None:
        """Declare a desk's share of the data-subject rights (a :class:`models.core.privacy.PrivacyPart`)."""
        if any(p.desk == part.desk for p in self.privacy_parts):
            raise ValueError(f"privacy part of {part.desk} declared twice")
        self.privacy_parts.append(part)

    def route(self, prefix: str) -> Callable[[Route], Route]:
        """Serve ``GET <prefix>...`` over HTTP: ``fn(runtime, environ) -> HttpReply`` (e.g. a calendar feed)."""

        def deco(fn: Route) -> Route:
            if prefix in self.routes:
                raise ValueError(f"route {prefix} declared twice")
            self.routes[prefix] = fn
            return fn

        return deco

    def find_route(self, path: str) -> Route | None:
        return next((fn for prefix, fn in self.routes.items() if path.startswith(prefix)), None)

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
