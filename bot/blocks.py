"""Block Kit builders, exposed to the Jinja templates as globals.

They build structure only; every word a user reads comes from the templates (and gettext).
Slack's limits are applied here (text lengths, button values) so a long product name or an
unusual note can never make Slack refuse a message.
"""

from __future__ import annotations

import json
from typing import Any

MAX_SECTION = 3000
MAX_HEADER = 150
MAX_BUTTON = 75
MAX_FIELD = 2000
MAX_BLOCKS = 50


def _cut(text: Any, limit: int) -> str:
    text = "" if text is None else str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: Any) -> str:
    """Escape user-provided text for mrkdwn (``&``, ``<``, ``>``), so it cannot ping or link."""
    return str("" if text is None else text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quote(text: Any) -> str:
    """People's free text as a mrkdwn block quote, every line of it: whatever it holds (``*Approved*``
    on a line of its own) reads as their words, never as one of the bot's lines."""
    lines = escape(text).strip("\n").splitlines() or [""]
    return "\n".join("> " + line for line in lines)


def inline(text: Any) -> str:
    """People's free text inside one of the bot's sentences: escaped, on one line."""
    return " ".join(escape(text).split())


def mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": _cut(text, MAX_SECTION)}


def plain(text: str, limit: int = MAX_HEADER) -> dict:
    return {"type": "plain_text", "text": _cut(text, limit), "emoji": True}


def header(text: str) -> dict:
    return {"type": "header", "text": plain(text)}


def section(text: str, accessory: dict | None = None, block_id: str | None = None) -> dict:
    block: dict[str, Any] = {"type": "section", "text": mrkdwn(text)}
    if accessory:
        block["accessory"] = accessory
    if block_id:
        block["block_id"] = block_id
    return block


def sections(lines: list[str], limit: int = MAX_SECTION) -> list[dict]:
    """Lines packed into as few sections as fit, none over Slack's 3,000 characters (a line is never split)."""
    out: list[dict] = []
    chunk: list[str] = []
    size = 0
    for line in lines:
        line = _cut(line, limit)
        if chunk and size + 1 + len(line) > limit:
            out.append(section("\n".join(chunk)))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + (1 if size else 0)
    if chunk:
        out.append(section("\n".join(chunk)))
    return out


def fields(*texts: str) -> dict:
    """A section of up to ten short fields, shown two by two."""
    return {"type": "section", "fields": [{"type": "mrkdwn", "text": _cut(t, MAX_FIELD)} for t in texts[:10] if t]}


def context(*texts: str) -> dict:
    return {"type": "context", "elements": [mrkdwn(t) for t in texts[:10] if t]}


def divider() -> dict:
    return {"type": "divider"}


def image(url: str, alt: str) -> dict:
    return {"type": "image", "image_url": url, "alt_text": _cut(alt, 2000)}


def button(text: str, action_id: str, value: Any = "", style: str | None = None, confirm: dict | None = None) -> dict:
    btn: dict[str, Any] = {
        "type": "button",
        "text": plain(text, MAX_BUTTON),
        "action_id": action_id,
        "value": _cut(value, 2000),
    }
    if style in ("primary", "danger"):
        btn["style"] = style
    if confirm:
        btn["confirm"] = confirm
    return btn


def confirm_dialog(title: str, text: str, yes: str, no: str) -> dict:
    return {"title": plain(title, 100), "text": plain(text, 300), "confirm": plain(yes, 30), "deny": plain(no, 30)}


def actions(*elements: dict, block_id: str | None = None) -> dict:
    block: dict[str, Any] = {"type": "actions", "elements": [e for e in elements if e][:25]}
    if block_id:
        block["block_id"] = block_id
    return block


def option(text: str, value: str) -> dict:
    return {"text": plain(text, 75), "value": value}


def input_block(block_id: str, label: str, element: dict, optional: bool = False, hint: str | None = None) -> dict:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def text_input(action_id: str = "value", multiline: bool = False, initial: str | None = None,
               placeholder: str | None = None, max_length: int = 3000) -> dict:
    el: dict[str, Any] = {"type": "plain_text_input", "action_id": action_id, "multiline": multiline,
                          "max_length": max_length}
    if initial:
        el["initial_value"] = _cut(initial, max_length)
    if placeholder:
        el["placeholder"] = plain(placeholder, 150)
    return el


def date_picker(action_id: str = "value", initial: str | None = None) -> dict:
    el: dict[str, Any] = {"type": "datepicker", "action_id": action_id}
    if initial:
        el["initial_date"] = initial
    return el


def static_select(options: list[dict], action_id: str = "value", initial: str | None = None) -> dict:
    el: dict[str, Any] = {"type": "static_select", "action_id": action_id, "options": options[:100]}
    if initial:
        chosen = [o for o in options if o["value"] == initial]
        if chosen:
            el["initial_option"] = chosen[0]
    return el


def checkboxes(options: list[dict], action_id: str = "value") -> dict:
    return {"type": "checkboxes", "action_id": action_id, "options": options[:10]}


def users_select(action_id: str = "value", initial: str | None = None) -> dict:
    el: dict[str, Any] = {"type": "users_select", "action_id": action_id}
    if initial:
        el["initial_user"] = initial
    return el


def message(text: str, blocks: list[dict] | None = None, **extra: Any) -> str:
    """The JSON of a message: ``text`` is the notification and screen-reader fallback."""
    out: dict[str, Any] = {"text": _cut(text, 3000)}
    if blocks:
        out["blocks"] = [b for b in blocks if b][:MAX_BLOCKS]
    out.update(extra)
    return json.dumps(out, ensure_ascii=False)


def modal(callback_id: str, title: str, blocks: list[dict], submit: str | None = None, close: str | None = None,
          private_metadata: str = "") -> str:
    """The JSON of a modal view."""
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, 24),
        "blocks": [b for b in blocks if b][:100],
        "private_metadata": _cut(private_metadata, 3000),
    }
    if submit:
        view["submit"] = plain(submit, 24)
    if close:
        view["close"] = plain(close, 24)
    return json.dumps(view, ensure_ascii=False)


def home(blocks: list[dict]) -> str:
    """The JSON of an App Home view."""
    return json.dumps({"type": "home", "blocks": [b for b in blocks if b][:100]}, ensure_ascii=False)


BUILDERS = {
    name: globals()[name]
    for name in (
        "header section sections fields context divider image button confirm_dialog actions option input_block "
        "text_input date_picker static_select checkboxes users_select message modal home"
    ).split()
}
