"""The channel directory over Slack's Web API (``conversations.list``, paged)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slack_sdk import WebClient

PAGES = 10  # 10,000 public channels: beyond that a person should pick the channel so Slack links it


class SlackChannels:
    """Looks channels up in the workspace; names are cached for the life of the process."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._names: dict[str, str] = {}

    def find(self, name: str) -> str | None:
        wanted = name.lstrip("#").lower()
        cursor = None
        for _page in range(PAGES):
            resp = self.client.conversations_list(types="public_channel", exclude_archived=True, limit=1000,
                                                  cursor=cursor)
            for ch in resp.get("channels") or []:
                self._names[ch["id"]] = ch.get("name", "")
                if ch.get("name") == wanted:
                    return str(ch["id"])
            cursor = (resp.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        return None

    def name_of(self, channel_id: str) -> str | None:
        return self._names.get(channel_id)
