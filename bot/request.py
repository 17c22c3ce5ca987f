"""The request a handler receives, the same from Slack and from the console."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bot import i18n
from bot.metadata import parse_metadata
from bot.render import render_text
from bot.runtime import Runtime
from bot.settings import Settings
from models.core.context import Ctx
from models.core.people import Person


@dataclass
class Request:
    """Who asks, in which language and zone, with which text, values or button value.

    ``ctx`` is the open unit of work: handlers pass it to the domain, which commits with the
    request (or not at all).
    """

    runtime: Runtime
    ctx: Ctx
    text: str = ""
    source: str = "slack"
    channel_id: str | None = None
    thread_ts: str | None = None
    message_ts: str | None = None
    value: str | None = None
    action_id: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    private_metadata: str = ""
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def actor(self) -> Person:
        return self.ctx.person

    @property
    def locale(self) -> str:
        return i18n.normalize_locale(self.actor.locale, self.runtime.settings.locale_default)

    @property
    def tz(self) -> str:
        return i18n.safe_zone(self.actor.timezone, self.runtime.settings.tz_default)

    @property
    def today(self) -> dt.date:
        """The asker's local date (what "late", "today" and "tomorrow" mean to them)."""
        return i18n.to_zone(self.ctx.now, self.tz).date()

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    @property
    def metadata(self) -> dict[str, Any]:
        """The submitted modal's ``private_metadata`` (see :mod:`bot.metadata`); empty if none."""
        return parse_metadata(self.private_metadata)

    @property
    def args(self) -> list[str]:
        return self.text.split()

    def t(self, message: str, **params: Any) -> str:
        """``message`` translated for the asker, with ``{name}`` placeholders filled."""
        return render_text(message, self.locale, **params)
