"""Transport-free dispatch: from a command line, a button, a form or free text to a handler.

The Slack adapter and the console both call these, so a command behaves the same in both.
"""

from __future__ import annotations

import re
from typing import Any

from bot.commands import Command, unknown_subcommand
from bot.registry import Registry
from bot.replies import Reply
from bot.request import Request
from models.core.errors import N_, NotFound
from models.core.text import clean_text, fold

HELP_WORDS = {"help", "ajuda", "?", "-h", "--help"}


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    return value


def clean(req: Request) -> Request:
    """What a person typed or picked, safe to store and show: every handler sees it through here.

    NUL (PostgreSQL refuses it), other control characters and the bidirectional overrides
    (U+202E shows text reversed) are dropped; a title of only U+202E is then simply empty.
    """
    req.text = _cleaned(req.text)
    req.value = _cleaned(req.value)
    req.private_metadata = _cleaned(req.private_metadata)
    req.values = {k: _cleaned(v) for k, v in req.values.items()}
    return req


def command_help(registry: Registry, cmd: Command, req: Request) -> Reply:
    """``/<cmd> help``: each subcommand with its usage, marking those the asker may not use."""
    if cmd.name == "backoffice":
        return overview(registry, req)
    entries = [
        {
            "usage": req.t(e.usage),
            "help": req.t(e.help),
            "allowed": e.role is None or req.actor.is_admin or req.actor.has_role(e.role),
            "role": e.role.value if e.role else None,
        }
        for e in cmd.entries()
    ]
    return Reply("platform/help_command", {"command": cmd.slash, "summary": req.t(cmd.summary), "entries": entries})


def overview(registry: Registry, req: Request) -> Reply:
    """``/backoffice help``: every command, one line each."""
    commands = [{"command": c.slash, "summary": req.t(c.summary)} for c in registry.commands.values()]
    return Reply("platform/help_overview", {"commands": commands, "name": req.actor.name})


def dispatch_command(registry: Registry, name: str, req: Request) -> Any:
    """Run ``/<name> <req.text>``; ``help`` works for every command."""
    clean(req)
    cmd = registry.commands.get(name.lstrip("/"))
    if cmd is None:
        raise NotFound(N_("There is no command {command}. Try `/backoffice help`."), command="/" + name.lstrip("/"))
    first = req.text.strip().split(" ", 1)[0].lower()
    if first in HELP_WORDS:
        return command_help(registry, cmd, req)
    entry, rest = cmd.resolve(req.text)
    if entry is None:
        raise unknown_subcommand(cmd, rest)
    if entry.role is not None:
        req.actor.require(entry.role)
    req.text = rest
    return entry.handler(req)


def dispatch_action(registry: Registry, req: Request) -> Any:
    clean(req)
    action = registry.find_action(req.action_id or "")
    if action is None:
        raise NotFound(N_("This button is no longer in use. Run the command again for a fresh one."))
    if action.role is not None:
        req.actor.require(action.role)
    return action.handler(req)


def dispatch_view(registry: Registry, callback_id: str, req: Request) -> Any:
    clean(req)
    handler = registry.views.get(callback_id)
    if handler is None:
        raise NotFound(N_("This form is no longer in use. Open it again with its command."))
    return handler(req)


def dispatch_shortcut(registry: Registry, callback_id: str, req: Request) -> Any:
    """A message shortcut: the message's text is someone's text too (it prefills a form)."""
    clean(req)
    entry = registry.shortcuts.get(callback_id)
    if entry is None:
        raise NotFound(N_("This shortcut is no longer in use."))
    return entry.handler(req)


# The bot's own mention: as Slack sends it, or typed as its name (the console, a DM).
MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>|^\s*@backoffice(?:-bot)?\b", re.IGNORECASE)
# Small talk: a message made only of these words gets a greeting, not "I did not understand".
SMALL_TALK = frozenset("""
    oi ola opa eai e ai hey hi hello hallo yo bom boa dia tarde noite good morning afternoon evening
    tudo bem beleza obrigado obrigada valeu thanks thank you tks vlw ok okay blz
""".split())


def small_talk(text: str) -> bool:
    words = re.sub(r"[^\w]+", " ", fold(text)).split()
    return bool(words) and all(w in SMALL_TALK for w in words)


def dispatch_text(registry: Registry, req: Request) -> Any:
    """Free text from a mention or a DM: a command by name, else the best intent, else a pointer to help."""
    text = MENTION.sub(" ", clean(req).text, count=1).strip()
    first, _, rest = text.partition(" ")
    name = first.lstrip("/").lower()
    if name in registry.commands:
        req.text = rest.strip()
        return dispatch_command(registry, name, req)
    if name in HELP_WORDS:
        return overview(registry, req)
    if not text or small_talk(text):
        return Reply("platform/greeting", {"name": req.actor.name})
    req.text = text
    intent = registry.best_intent(text)
    if intent is None:
        return Reply("platform/not_understood", {"text": text})
    return intent.handler(req)
