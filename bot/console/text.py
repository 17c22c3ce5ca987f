"""Block Kit as readable terminal text: headers, sections, fields, buttons as numbered choices.

Slack's markup is shown the way Slack shows it: ``<@U123>`` as the person's name, ``<#C123>`` as
``#channel``, links as ``label (url)``, ``:mag:`` as 🔍.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import emoji


@dataclass
class Choice:
    """A button (or a menu option) offered as a numbered choice, with the message it came from."""

    label: str
    action_id: str
    value: str
    channel: str | None = None
    message_ts: str | None = None


@dataclass
class Names:
    """How ids read: ``person(U123) -> "Ana Silva"``, ``channel(C123) -> "vendas"`` (None: unknown)."""

    person: Callable[[str], str | None] = lambda _uid: None
    channel: Callable[[str], str | None] = lambda _cid: None


PERSON = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]*))?>")
LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]+))?>")
SPECIAL = re.compile(r"<!(channel|here|everyone)(?:\|[^>]*)?>")
SLACK_NAMES = re.compile(r":large_(\w+?)_circle:")
DATE = re.compile(r"<!date\^[^|>]*\|([^>]*)>")


def mrkdwn(text: str, names: Names) -> str:
    """Slack's mrkdwn as plain terminal text."""
    text = LINK.sub(lambda m: _link(m.group(1), m.group(2)), text)
    text = PERSON.sub(lambda m: "@" + (names.person(m.group(1)) or m.group(2) or m.group(1)), text)
    text = CHANNEL.sub(lambda m: "#" + (m.group(2) or names.channel(m.group(1)) or m.group(1)), text)
    text = SPECIAL.sub(lambda m: "@" + m.group(1), text)
    text = DATE.sub(lambda m: m.group(1), text)
    text = re.sub(r"(?<!\w)\*([^*\n]+)\*(?!\w)", r"\1", text)
    text = re.sub(r"(?<!\w)_([^_\n]+)_(?!\w)", r"\1", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return emojize(text)


def emojize(text: str) -> str:
    """``:mag:`` -> 🔍; Slack's own names (``:large_green_circle:``) first mapped to the emoji package's."""
    return emoji.emojize(SLACK_NAMES.sub(r":\1_circle:", text), language="alias")


def _link(url: str, label: str | None) -> str:
    if url.startswith("mailto:"):
        return label or url.removeprefix("mailto:")
    return f"{label} ({url})" if label and label != url else url


def _text(obj: dict | None, names: Names) -> str:
    if not obj:
        return ""
    text = obj.get("text", "")
    if obj.get("type") == "mrkdwn":
        return mrkdwn(text, names)
    return emojize(text) if obj.get("emoji", True) else text


def _offer(el: dict, choices: list[Choice], names: Names, origin: tuple[str | None, str | None]) -> list[str]:
    """Numbered labels for a button, or for each option of a menu."""
    channel, ts = origin
    if el.get("type") == "button":
        label = _text(el.get("text"), names)
        choices.append(Choice(label, el["action_id"], el.get("value", ""), channel, ts))
        return [f"[{len(choices)}] {label}"]
    if el.get("type") in ("static_select", "overflow", "radio_buttons"):
        labels = []
        for opt in el.get("options", []):
            label = _text(opt.get("text"), names)
            choices.append(Choice(label, el["action_id"], opt.get("value", ""), channel, ts))
            labels.append(f"[{len(choices)}] {label}")
        return labels
    return []


def render_message(msg: dict, choices: list[Choice], names: Names | None = None, width: int = 100,
                   origin: tuple[str | None, str | None] = (None, None)) -> str:
    """The message as text; its buttons are appended to ``choices`` and shown as ``[n] label``,
    ``n`` counting on from the choices already offered (earlier buttons stay usable)."""
    names = names or Names()
    blocks = msg.get("blocks")
    if not blocks:
        return mrkdwn(msg.get("text", ""), names)
    out: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            title = _text(block.get("text"), names)
            out += [title, "=" * min(width, len(title))]
        elif kind == "section":
            if block.get("text"):
                out.append(_text(block["text"], names))
            if block.get("fields"):
                cells = [_text(f, names).replace("\n", " ") for f in block["fields"]]
                for i in range(0, len(cells), 2):
                    pair = cells[i:i + 2]
                    out.append("  " + pair[0].ljust(45) + ("  " + pair[1] if len(pair) > 1 else ""))
            if block.get("accessory"):
                labels = _offer(block["accessory"], choices, names, origin)
                if labels:
                    out.append("  " + "   ".join(labels))
        elif kind == "context":
            out.append("  " + "  ".join(_text(e, names) for e in block.get("elements", []) if e.get("type") != "image"))
        elif kind == "divider":
            out.append("-" * 40)
        elif kind == "actions":
            labels = [label for el in block.get("elements", []) for label in _offer(el, choices, names, origin)]
            if labels:
                out.append("  " + "   ".join(labels))
        elif kind == "image":
            out.append(f"[{emojize(block.get('alt_text', ''))}]")
    lines = []
    for line in "\n".join(out).splitlines():
        indent = line[:len(line) - len(line.lstrip())]  # a wrapped line keeps its paragraph's indent
        lines.extend(textwrap.wrap(line, width, subsequent_indent=indent, replace_whitespace=False,
                                   break_long_words=False, break_on_hyphens=False) or [""])
    return "\n".join(lines)
