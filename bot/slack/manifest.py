"""The Slack app manifest, built from the registry: commands, scopes, events, interactivity, App Home."""

from __future__ import annotations

from typing import Any

from bot.registry import Registry


def usage_hint(cmd: Any) -> str:
    """``help | balance | list | cancel <number> | ...``: every entry's usage, from the registry."""
    parts = ["help"]
    for entry in cmd.entries():
        usage = entry.usage.removeprefix(cmd.slash).strip()
        if usage and usage not in parts:
            parts.append(usage)
    return " | ".join(parts)[:1000]


def build_manifest(registry: Registry, *, url: str | None = None, socket: bool = False) -> dict[str, Any]:
    """A manifest for an HTTP app at ``url`` (``/slack/events``) or a Socket Mode app."""
    endpoint = (url.rstrip("/") + "/slack/events") if url else None
    commands = []
    for cmd in registry.commands.values():
        entry: dict[str, Any] = {
            "command": cmd.slash,
            "description": cmd.summary[:100],
            "usage_hint": usage_hint(cmd),
            "should_escape": False,
        }
        if endpoint:
            entry["url"] = endpoint
        commands.append(entry)
    shortcuts = [
        {"name": s.name[:24], "type": s.kind, "callback_id": s.callback_id, "description": s.description[:150]}
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
            "description": "Stock, leave, trades, incidents and a daily digest, from Slack.",
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
