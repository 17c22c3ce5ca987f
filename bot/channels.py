"""The channel directory: a runtime port that turns a channel's name into its id and back.

Desks ask it when a person types ``#name`` that Slack did not link (``/digest subscribe #vendas``).
Slack's implementation (:mod:`bot.slack.channels`) lists the workspace's public channels; the
console has its own (:mod:`bot.console.channels`), so nothing there reaches slack.com.
"""

from __future__ import annotations

from typing import Protocol


class ChannelDirectory(Protocol):
    """Channel names and ids, the way the transport knows them."""

    def find(self, name: str) -> str | None:
        """The id of the public channel called ``name`` (without ``#``), or None."""

    def name_of(self, channel_id: str) -> str | None:
        """The name of ``channel_id`` (without ``#``), or None when unknown."""
