"""/incident: report, follow and close incidents; their cards, channels, SLAs and digest parts."""

from __future__ import annotations

from bot.registry import Registry
from models.incidents.privacy import PART as INCIDENTS_PRIVACY


def register(registry: Registry) -> None:
    from handlers.incidents.commands import register_commands
    from handlers.incidents.forms import register_forms
    from handlers.incidents.sections import register_hooks
    from handlers.incidents.intents import answer, sounds_broken
    from handlers.incidents.slack_ops import register_slack_ops

    registry.privacy(INCIDENTS_PRIVACY)
    register_commands(registry)
    register_forms(registry)
    register_slack_ops(registry)
    register_hooks(registry)
    registry.intent("incidents", sounds_broken)(answer)
