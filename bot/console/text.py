"""Block Kit as readable terminal text: headers, sections, fields, buttons as numbered choices."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass


@dataclass
class Choice:
    """A button offered as a numbered choice."""

    label: str
    action_id: str
    value: str


def _mrkdwn(text: str) -> str:
    text = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r"\2 (\1)", text)
    text = re.sub(r"<@([UW][A-Z0-9]+)>", r"@\1", text)
    text = re.sub(r"<#([C][A-Z0-9]+)\|?([^>]*)>", lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = re.sub(r"(?<!\w)\*([^*\n]+)\*(?!\w)", r"\1", text)
    text = re.sub(r"(?<!\w)_([^_\n]+)_(?!\w)", r"\1", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return text


def _text(obj: dict | None) -> str:
    if not obj:
        return ""
    return _mrkdwn(obj.get("text", "")) if obj.get("type") == "mrkdwn" else obj.get("text", "")


def render_message(msg: dict, choices: list[Choice], width: int = 100) -> str:
    """The message as text; its buttons are appended to ``choices`` and shown as ``[n] label``."""
    blocks = msg.get("blocks")
    if not blocks:
        return _mrkdwn(msg.get("text", ""))
    out: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            title = _text(block.get("text"))
            out += [title, "=" * min(width, len(title))]
        elif kind == "section":
            if block.get("text"):
                out.append(_text(block["text"]))
            if block.get("fields"):
                cells = [_text(f).replace("\n", " ") for f in block["fields"]]
                for i in range(0, len(cells), 2):
                    pair = cells[i:i + 2]
                    out.append("  " + pair[0].ljust(45) + ("  " + pair[1] if len(pair) > 1 else ""))
            acc = block.get("accessory")
            if acc and acc.get("type") == "button":
                choices.append(Choice(_text(acc["text"]), acc["action_id"], acc.get("value", "")))
                out.append(f"  [{len(choices)}] {_text(acc['text'])}")
        elif kind == "context":
            out.append("  " + "  ".join(_text(e) for e in block.get("elements", []) if e.get("type") != "image"))
        elif kind == "divider":
            out.append("-" * 40)
        elif kind == "actions":
            labels = []
            for el in block.get("elements", []):
                if el.get("type") == "button":
                    choices.append(Choice(_text(el["text"]), el["action_id"], el.get("value", "")))
                    labels.append(f"[{len(choices)}] {_text(el['text'])}")
            if labels:
                out.append("  " + "   ".join(labels))
        elif kind == "image":
            out.append(f"[image: {block.get('alt_text', '')}]")
    lines = []
    for line in "\n".join(out).splitlines():
        lines.extend(textwrap.wrap(line, width, replace_whitespace=False, drop_whitespace=False) or [""])
    return "\n".join(lines)
