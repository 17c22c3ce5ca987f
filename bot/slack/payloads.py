"""Reading and writing Slack payload details: request keys, view state, modal metadata, messages."""

from __future__ import annotations

from typing import Any

from bot.render import render_text
from models.core.errors import DomainError


def request_key(body: dict) -> str | None:
    """What makes a Slack request unique: the event id, or the trigger id of a user's gesture."""
    if body.get("event_id"):
        return "event:" + str(body["event_id"])
    trigger = body.get("trigger_id")
    if trigger:
        action_ts = ""
        if body.get("actions"):
            action_ts = ":" + str(body["actions"][0].get("action_ts", ""))
        return f"{body.get('type') or 'command'}:{trigger}{action_ts}"
    return None


def message_args(msg: dict) -> dict:
    out = {"text": msg.get("text", "")}
    if msg.get("blocks"):
        out["blocks"] = msg["blocks"]
    return out


def error_text(err: DomainError, locale: str) -> str:
    return render_text(err.message, locale, **err.params)


def field_block(field: str | None, blocks: list[dict]) -> str:
    inputs: list[str] = [b["block_id"] for b in blocks if b.get("type") == "input" and b.get("block_id")]
    if field and field in inputs:
        return field
    return inputs[0] if inputs else (field or "general")


def view_values(view: dict) -> dict[str, Any]:
    """A view's state as ``{block_id: value}``: text, a selected option's value, a date, a list, a user."""
    out: dict[str, Any] = {}
    for block_id, actions in ((view.get("state") or {}).get("values") or {}).items():
        for _action_id, el in actions.items():
            kind = el.get("type")
            if kind in ("plain_text_input", "email_text_input", "url_text_input", "number_input"):
                out[block_id] = el.get("value")
            elif kind in ("static_select", "external_select", "radio_buttons"):
                out[block_id] = (el.get("selected_option") or {}).get("value")
            elif kind == "checkboxes":
                out[block_id] = [o.get("value") for o in el.get("selected_options") or []]
            elif kind == "datepicker":
                out[block_id] = el.get("selected_date")
            elif kind == "users_select":
                out[block_id] = el.get("selected_user")
            elif kind == "conversations_select" or kind == "channels_select":
                out[block_id] = el.get("selected_conversation") or el.get("selected_channel")
            else:
                out[block_id] = el.get("value")
    return out
