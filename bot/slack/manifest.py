"""The Slack app manifest, built from the registry: commands, scopes, events, interactivity, App Home.

What people read in Slack (command descriptions and usage hints in the autocomplete, the
shortcut, the app's description) is written in the house's language (``LOCALE_DEFAULT``):
a manifest is one per workspace, not per reader.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import gettext
from bot.registry import Registry
from models.core.errors import N_

DESCRIPTION = N_("Stock, leave, trades, incidents and a daily digest, from Slack.")


def usage_hint(cmd: Any, locale: str = "en") -> str:
    """``help | balance | list | cancel <number> | ...``: every entry's usage, from the registry."""
    parts = ["help"]
    for entry in cmd.entries():
        usage = gettext(locale, entry.usage).removeprefix(cmd.slash).strip()
        if usage and usage not in parts:
            parts.append(usage)
    return " | ".join(parts)[:1000]


def build_manifest(registry: Registry, *, url: str | None = None, socket: bool = False,
                   locale: str = "en") -> dict[str, Any]:
    """A manifest for an HTTP app at ``url`` (``/slack/events``) or a Socket Mode app, in ``locale``."""
    endpoint = (url.rstrip("/") + "/slack/events") if url else None
    commands = []
    for cmd in registry.commands.values():
        entry: dict[str, Any] = {
            "command": cmd.slash,
            "description": gettext(locale, cmd.summary)[:100],
            "usage_hint": usage_hint(cmd, locale),
            "should_escape": False,
        }
        if endpoint:
            entry["url"] = endpoint
        commands.append(entry)
    shortcuts = [
        {"name": gettext(locale, s.name)[:24], "type": s.kind, "callback_id": s.callback_id,
         "description": gettext(locale, s.description)[:150]}
        for s in registry.shortcuts.values()
    ]
    interactivity: dict[str, Any] = {"is_enabled": True}
    events: dict[str, Any] = {"bot_events": sorted(registry.bot_events)}
    if endpoint:
        interactivity["request_url"] = endpoint
        events["request_url"] = endpoint
    features: dict[str, Any] = {
        "app_home": {"home_tab_enabled": True, "messages_tab_enabled": True,
                     "messages_tab_read_only_enabled": False},
        "bot_user": {"display_name": "backoffice", "always_online": True},
        "slash_commands": commands,
    }
    if shortcuts:
        features["shortcuts"] = shortcuts
    return {
        "display_information": {
            "name": "backoffice-bot",
            "description": gettext(locale, DESCRIPTION),
            "background_color": "#1d3557",
        },
        "features": features,
        "oauth_config": {"scopes": {"bot": sorted(registry.scopes)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": bool(socket),
            "token_rotation_enabled": False,
        },
    }
