"""The console's channel directory: the channels the desks post to, plus any ``#name`` typed.

Ids are made up (``C0CON0001``...) and live as long as the console; nothing reaches Slack.
"""

from __future__ import annotations

import itertools
import re

from bot.settings import Settings

HERE = "C0CONSOLE"  # the channel the console user types in
NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,79}$")  # Slack's rule for channel names


class ConsoleChannels:
    """Every channel the console has heard of, by name and by id."""

    def __init__(self, settings: Settings) -> None:
        self._ids: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self._seq = itertools.count(1)
        self._add("console", HERE)
        for value in (settings.stock_channel, settings.trades_channel, settings.incidents_channel,
                      settings.oncall_channel):
            if value.startswith("#"):
                self.find(value)

    def _add(self, name: str, channel_id: str) -> str:
        self._ids[name] = channel_id
        self._names[channel_id] = name
        return channel_id

    def find(self, name: str) -> str | None:
        """The channel called ``name``; a new one the first time a valid name is typed."""
        wanted = name.strip().lstrip("#").lower()
        if wanted in self._ids:
            return self._ids[wanted]
        if not NAME.match(wanted):
            return None
        return self._add(wanted, f"C0CON{next(self._seq):04d}")

    def name_of(self, channel_id: str) -> str | None:
        return self._names.get(channel_id)

    def names(self) -> list[str]:
        return sorted(self._ids)
