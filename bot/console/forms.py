"""Modals as terminal prompts: one question per input block, choices numbered."""

from __future__ import annotations

import datetime as dt
from typing import Any, TextIO

from bot.render import render_text


def _ask(prompt: str, stdin: TextIO, out: TextIO) -> str | None:
    out.write(prompt)
    out.flush()
    line = stdin.readline()
    if line == "":
        return None
    return line.rstrip("\n")


def ask_view(view: dict, stdin: TextIO, out: TextIO, locale: str) -> dict[str, Any] | None:
    """Ask for every input of ``view``; ``{block_id: value}`` like Slack's state, or None if cancelled."""
    title = (view.get("title") or {}).get("text", "")
    out.write(f"\n== {title} ==  " + render_text("(empty line skips an optional field; :cancel to stop)", locale) + "\n")
    values: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            if block.get("type") == "section" and block.get("text"):
                out.write(block["text"].get("text", "") + "\n")
            continue
        label = (block.get("label") or {}).get("text", block["block_id"])
        el = block.get("element", {})
        kind = el.get("type")
        optional = block.get("optional", False)
        while True:
            if kind in ("static_select", "radio_buttons"):
                options = el.get("options", [])
                for n, opt in enumerate(options, 1):
                    out.write(f"  [{n}] {opt['text']['text']}\n")
                answer = _ask(f"{label}: ", stdin, out)
            elif kind == "checkboxes":
                options = el.get("options", [])
                for n, opt in enumerate(options, 1):
                    out.write(f"  [{n}] {opt['text']['text']}\n")
                answer = _ask(f"{label} (1,2... or empty): ", stdin, out)
            elif kind == "datepicker":
                answer = _ask(f"{label} (YYYY-MM-DD): ", stdin, out)
            else:
                answer = _ask(f"{label}: ", stdin, out)
            if answer is None or answer.strip() == ":cancel":
                return None
            answer = answer.strip()
            if not answer:
                if kind == "datepicker" and el.get("initial_date"):
                    values[block["block_id"]] = el["initial_date"]
                    break
                if kind in ("static_select",) and el.get("initial_option"):
                    values[block["block_id"]] = el["initial_option"]["value"]
                    break
                if optional or kind == "checkboxes":
                    values[block["block_id"]] = [] if kind == "checkboxes" else None
                    break
                out.write("  " + render_text("This field is required.", locale) + "\n")
                continue
            if kind in ("static_select", "radio_buttons"):
                options = el.get("options", [])
                if answer.isdigit() and 1 <= int(answer) <= len(options):
                    values[block["block_id"]] = options[int(answer) - 1]["value"]
                    break
                out.write(f"  1..{len(options)}\n")
                continue
            if kind == "checkboxes":
                options = el.get("options", [])
                picked = [p.strip() for p in answer.split(",")]
                if all(p.isdigit() and 1 <= int(p) <= len(options) for p in picked):
                    values[block["block_id"]] = [options[int(p) - 1]["value"] for p in picked]
                    break
                out.write(f"  1..{len(options)}\n")
                continue
            if kind == "datepicker":
                try:
                    values[block["block_id"]] = dt.date.fromisoformat(answer).isoformat()
                    break
                except ValueError:
                    out.write("  YYYY-MM-DD\n")
                    continue
            values[block["block_id"]] = answer
            break
    return values
