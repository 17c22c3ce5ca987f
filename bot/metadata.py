"""A modal's ``private_metadata``: what a form carries from where it was opened to its submission.

One JSON object (``{"request": 12, "channel": "C123", "message_ts": "..."}``). The desks write it
with :func:`metadata` in their templates' data and read it with ``req.metadata``; the Slack
adapter adds the channel and message a modal was opened from.
"""

from __future__ import annotations

import json
import re
from typing import Any

_CHANNEL = re.compile(r"[CDGUW][A-Z0-9]{2,}")  # a DM may be addressed by user id
_TS = re.compile(r"\d{1,12}\.\d{1,9}")


def parse_metadata(text: str | None) -> dict[str, Any]:
    """The metadata as a dict; text that is not a JSON object comes back as ``{"value": ...}``.

    It is set by the bot but comes back with the submission, so it is input like any other: the
    channel and message ts the adapter answers into are kept only if they look like Slack's.
    """
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        value = {"value": text}
    meta = value if isinstance(value, dict) else {"value": value}
    for key, shape in (("channel", _CHANNEL), ("message_ts", _TS)):
        if key in meta and not (isinstance(meta[key], str) and shape.fullmatch(meta[key])):
            del meta[key]
    return meta


def metadata(**fields: Any) -> str:
    """``private_metadata`` holding ``fields`` (JSON-able values), for a modal to carry."""
    return json.dumps(fields)


def with_metadata(existing: str, channel: str | None, message_ts: str | None = None) -> str:
    """``existing`` plus where the modal was opened from, unless the desk already said."""
    meta = parse_metadata(existing)
    if channel:
        meta.setdefault("channel", channel)
    if message_ts:
        meta.setdefault("message_ts", message_ts)
    return json.dumps(meta)
