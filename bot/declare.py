"""Declarations written beside the code they run: decorators that only mark a function.

A desk's handler modules say what each function answers to::

    @subcommand("stock", "low", usage=N_("/stock low"), help=N_("Products at or below ..."))
    def low(req: Request) -> Reply: ...

    @button("stock_watch")
    def watch(req: Request) -> Reply: ...

Nothing is registered at import time: the desk's ``register(registry)`` declares its slash
command and calls :meth:`bot.registry.Registry.scan` on its modules, which reads these marks
(module by module, function by function in file order, a function's decorators top-down).
So a module can be imported, tested or reused without touching any registry, and reading
``handlers/<desk>/`` shows everything the desk answers to.

Usage and help texts are English message ids (``N_``), translated when shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from models.core.people import Role

F = TypeVar("F", bound=Callable[..., Any])

_MARKS = "__backoffice_declarations__"


@dataclass(frozen=True)
class Subcommand:
    """``/<command> <name> ...``."""

    command: str
    name: str
    usage: str
    help: str
    role: Role | None = None
    aliases: tuple[str, ...] = ()
    hidden: bool = False


@dataclass(frozen=True)
class FreeText:
    """``/<command> <anything that is not a subcommand>`` (e.g. ``/stock parafuso``)."""

    command: str
    usage: str
    help: str
    role: Role | None = None


@dataclass(frozen=True)
class NoArgs:
    """The bare ``/<command>`` (e.g. ``/leave`` opens the form)."""

    command: str
    usage: str
    help: str
    role: Role | None = None
    hidden: bool = False


@dataclass(frozen=True)
class Button:
    """A button or menu: ``action_id`` exact, or the part before ``:``/``#`` of a listed one."""

    action_id: str
    role: Role | None = None


@dataclass(frozen=True)
class Form:
    """A modal's submission, by its ``callback_id``."""

    callback_id: str


@dataclass(frozen=True)
class Shortcut:
    """A global or message shortcut (it goes into the manifest)."""

    callback_id: str
    name: str
    description: str
    kind: str = "message"


@dataclass(frozen=True)
class Event:
    """A Slack event (``reaction_added``, ``app_home_opened``...) and the scopes it needs."""

    event_type: str
    scopes: tuple[str, ...] = ()
    bot_event: str | None = None


@dataclass(frozen=True)
class Intent:
    """Free text in a mention or a DM: ``match(text)`` scores it 0..1, the best score answers."""

    match: Callable[[str], float]


@dataclass(frozen=True)
class Importer:
    """``backoffice-bot import <name> FILE``: ``fn(ctx, table) -> ImportSummary``."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Job:
    """A periodic job: ``fn(runtime, now) -> str | None``, safe to run twice for the same moment.

    ``once_per_period``: the clock claims each period (``every_minutes``) so that one clock runs
    it; ``False`` for a job whose own claims already make each piece of work happen once (the
    digests claim each reader's day): it runs at every tick and reports only when it did something.
    """

    name: str
    every_minutes: int = 1
    help: str = ""
    once_per_period: bool = True


@dataclass(frozen=True)
class DigestSection:
    """A desk's part of the digest: ``fn(session, scope) -> {person_id: data}`` (see the registry)."""

    template: str
    order: int = 50
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class HomeSection:
    """A desk's part of the App Home: ``fn(request) -> data | None``."""

    template: str
    order: int = 50


@dataclass(frozen=True)
class Series:
    """A daily count for the digest chart: ``fn(session, first_day, last_day) -> {date: int}``."""

    label: str


@dataclass(frozen=True)
class OutboxKind:
    """Deliver outbox rows of a desk's own ``kind``: ``fn(runtime, client, row, content) -> {channel, ts}``."""

    kind: str
    files: Callable[[dict, str], list[dict]] | None = None  # the files such a row carries (the console saves them)


@dataclass(frozen=True)
class Route:
    """``GET <prefix>...`` over plain HTTP: ``fn(runtime, environ) -> HttpReply`` (a calendar feed)."""

    prefix: str


Declaration = (Subcommand | FreeText | NoArgs | Button | Form | Shortcut | Event | Intent | Importer | Job
               | DigestSection | HomeSection | Series | OutboxKind | Route)


def _mark(declaration: Declaration) -> Callable[[F], F]:
    def deco(fn: F) -> F:
        marks: list[Declaration] = list(getattr(fn, _MARKS, ()))
        marks.insert(0, declaration)  # decorators apply bottom-up: keep them in reading order
        setattr(fn, _MARKS, marks)
        return fn

    return deco


def declarations(fn: object) -> list[Declaration]:
    """What ``fn`` was marked with, top decorator first (empty for an unmarked object)."""
    return list(getattr(fn, _MARKS, ()))


def subcommand(command: str, name: str, *, usage: str, help: str, role: Role | None = None,
               aliases: tuple[str, ...] = (), hidden: bool = False) -> Callable[[F], F]:
    """``@subcommand("stock", "low", usage=N_("/stock low"), help=N_("..."), aliases=("baixo",))``."""
    return _mark(Subcommand(command, name, usage, help, role, aliases, hidden))


def free_text(command: str, *, usage: str, help: str, role: Role | None = None) -> Callable[[F], F]:
    """What ``/<command> <anything else>`` does."""
    return _mark(FreeText(command, usage, help, role))


def no_args(command: str, *, usage: str, help: str, role: Role | None = None,
            hidden: bool = False) -> Callable[[F], F]:
    """What the bare ``/<command>`` does; ``hidden`` keeps it out of the help listing."""
    return _mark(NoArgs(command, usage, help, role, hidden))


def button(action_id: str, *, role: Role | None = None) -> Callable[[F], F]:
    return _mark(Button(action_id, role))


def form(callback_id: str) -> Callable[[F], F]:
    return _mark(Form(callback_id))


def shortcut(callback_id: str, *, name: str, description: str, kind: str = "message") -> Callable[[F], F]:
    return _mark(Shortcut(callback_id, name, description, kind))


def event(event_type: str, *, scopes: tuple[str, ...] = (), bot_event: str | None = None) -> Callable[[F], F]:
    return _mark(Event(event_type, scopes, bot_event))


def intent(match: Callable[[str], float]) -> Callable[[F], F]:
    """``@intent(about_stock)`` on the function that answers such text."""
    return _mark(Intent(match))


def importer(name: str, *, required: Sequence[str], optional: Sequence[str] = (), help: str = "") -> Callable[[F], F]:
    return _mark(Importer(name, tuple(required), tuple(optional), help))


def job(name: str, *, every_minutes: int = 1, help: str = "", once_per_period: bool = True) -> Callable[[F], F]:
    return _mark(Job(name, every_minutes, help, once_per_period))


def digest_section(*, template: str, order: int = 50, roles: tuple[str, ...] = ()) -> Callable[[F], F]:
    return _mark(DigestSection(template, order, roles))


def home_section(*, template: str, order: int = 50) -> Callable[[F], F]:
    return _mark(HomeSection(template, order))


def series(label: str) -> Callable[[F], F]:
    """A chart series; ``label`` is an English message id (``N_``)."""
    return _mark(Series(label))


def outbox_kind(kind: str, *, files: Callable[[dict, str], list[dict]] | None = None) -> Callable[[F], F]:
    return _mark(OutboxKind(kind, files))


def route(prefix: str) -> Callable[[F], F]:
    return _mark(Route(prefix))
