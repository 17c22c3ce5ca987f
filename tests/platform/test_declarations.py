"""Declarations beside the code: every marked handler is registered, in the order it is written."""

from __future__ import annotations

import importlib
import pkgutil
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import handlers
from bot import declare
from bot.compose import build_registry
from bot.registry import Registry


def registered(registry: Registry) -> set[Callable[..., Any]]:
    """Every function the registry would call."""
    found: set[Callable[..., Any]] = set()
    for cmd in registry.commands.values():
        found.update(e.handler for e in [cmd.empty, cmd.default, *cmd.subcommands.values()] if e is not None)
    found.update(a.handler for a in registry.actions.values())
    found.update(registry.views.values())
    found.update(s.handler for s in registry.shortcuts.values())
    found.update(h for hs in registry.events.values() for h in hs)
    found.update(i.handler for i in registry.intents)
    found.update(i.run for i in registry.importers.values())
    found.update(j.run for j in registry.jobs.values())
    found.update(s.build for s in [*registry.digest_sections, *registry.home_sections, *registry.digest_series])
    found.update(registry.outbox_kinds.values())
    found.update(registry.routes.values())
    return found


def marked_functions() -> Iterator[tuple[str, Callable[..., Any]]]:
    for info in pkgutil.walk_packages(handlers.__path__, "handlers."):
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if callable(fn) and getattr(fn, "__module__", None) == module.__name__ and declare.declarations(fn):
                yield f"{module.__name__}.{name}", fn


def test_every_marked_handler_of_every_desk_is_registered() -> None:
    registry = build_registry()
    wired = registered(registry)
    marked = dict(marked_functions())
    assert len(marked) > 60  # the desks' handlers, not an empty walk
    assert sorted(name for name, fn in marked.items() if fn not in wired) == []


def _desk_module() -> types.ModuleType:
    module = types.ModuleType("standin_desk")

    @declare.no_args("standin", usage="/standin", help="bare")
    @declare.subcommand("standin", "first", usage="/standin first", help="one")
    def first(req: Any) -> None: ...

    @declare.subcommand("standin", "second", usage="/standin second", help="two", aliases=("segundo",))
    @declare.button("standin_go")
    def second(req: Any) -> None: ...

    @declare.intent(lambda text: 0.5 if "standin" in text else 0.0)
    def answer(req: Any) -> None: ...

    for fn in (first, second, answer):
        fn.__module__ = module.__name__
        setattr(module, fn.__name__, fn)
    return module


def test_scan_registers_in_the_order_written_and_names_the_desk() -> None:
    registry = Registry()
    registry.command("standin", summary="a stand-in desk")
    module = _desk_module()
    registry.scan("standin-desk", module)
    cmd = registry.commands["standin"]
    assert [e.usage for e in cmd.entries()] == ["/standin", "/standin first", "/standin second"]
    assert cmd.resolve("segundo x")[0] is cmd.subcommands["second"]
    assert registry.find_action("standin_go:42") is not None
    assert [i.desk for i in registry.intents] == ["standin-desk"]
    assert registry.best_intent("standin please") is registry.intents[0]


def test_scan_refuses_a_subcommand_of_an_undeclared_command_and_a_second_declaration() -> None:
    module = _desk_module()
    with pytest.raises(ValueError, match="/standin is not declared"):
        Registry().scan("standin", module)
    registry = Registry()
    registry.command("standin", summary="a stand-in desk")
    registry.scan("standin", module)
    with pytest.raises(ValueError, match="declared twice"):
        registry.scan("standin", module)


def test_a_marked_function_is_still_a_plain_function() -> None:
    module = _desk_module()
    assert module.first(None) is None
    assert [type(d).__name__ for d in declare.declarations(module.first)] == ["NoArgs", "Subcommand"]
    assert declare.declarations(len) == []
