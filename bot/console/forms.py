"""Modals as terminal prompts: one question per input block, choices numbered.

What was typed is kept: after an error only the wrong fields are asked again, and Enter keeps
the earlier answer. Ctrl-C (or ``:cancel``) gives the form up, not the console.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TextIO

from bot import i18n
from bot.render import render_text
from models.core.dates import parse_day


def _ask(prompt: str, stdin: TextIO, out: TextIO) -> str | None:
    out.write(prompt)
    out.flush()
    line = stdin.readline()
    if line == "":
        return None
    return line.rstrip("\n")


def parse_date(text: str, locale: str) -> dt.date | None:
    """ISO (``2026-12-25``) in every language; ``25/12/2026`` too for a Portuguese reader."""
    if "/" in text and locale != "pt-BR":
        return None  # an English reader may mean 12/25: ask for ISO instead of guessing
    return parse_day(text)


def date_form(locale: str) -> str:
    return render_text("dd/mm/yyyy", locale) if locale == "pt-BR" else "YYYY-MM-DD"


def shown(kind: str | None, value: Any, el: dict, locale: str) -> str:
    """An answer as the reader would type it (for "Enter keeps ...")."""
    if value in (None, "", []):
        return ""
    options = {o["value"]: o["text"]["text"] for o in el.get("options", [])}
    if kind == "datepicker":
        day = dt.date.fromisoformat(str(value))
        return i18n.format_date(day, locale, "short") if locale == "pt-BR" else day.isoformat()
    if kind == "checkboxes":
        return ", ".join(options.get(v, v) for v in value)
    if kind in ("static_select", "radio_buttons"):
        return options.get(value, str(value))
    return str(value)


def label_of(view: dict, block_id: str) -> str:
    for block in view.get("blocks", []):
        if block.get("block_id") == block_id:
            return (block.get("label") or {}).get("text", block_id)
    return ""


def _initial(el: dict) -> Any:
    if el.get("initial_date"):
        return el["initial_date"]
    if el.get("initial_option"):
        return el["initial_option"]["value"]
    if el.get("initial_options"):
        return [o["value"] for o in el["initial_options"]]
    if el.get("initial_value"):
        return el["initial_value"]
    return None


def ask_view(view: dict, stdin: TextIO, out: TextIO, locale: str, previous: dict[str, Any] | None = None,
             only: set[str] | None = None) -> dict[str, Any] | None:
    """Ask for the inputs of ``view`` (those in ``only``, if given); ``{block_id: value}`` like
    Slack's state, or None if cancelled."""
    try:
        return _ask_all(view, stdin, out, locale, dict(previous or {}), only)
    except KeyboardInterrupt:
        out.write("\n")
        return None


def _ask_all(view: dict, stdin: TextIO, out: TextIO, locale: str, values: dict[str, Any],
             only: set[str] | None) -> dict[str, Any] | None:
    title = (view.get("title") or {}).get("text", "")
    out.write(f"\n== {title} ==  " + render_text("(empty line skips an optional field; :cancel or Ctrl-C to stop)",
                                                   locale) + "\n")
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            if block.get("type") == "section" and block.get("text") and only is None:
                out.write(block["text"].get("text", "") + "\n")
            continue
        block_id = block["block_id"]
        if only is not None and block_id not in only:
            continue
        el = block.get("element", {})
        if block_id not in values:
            initial = _initial(el)
            if initial is not None:
                values[block_id] = initial
        answer = _field(block, el, values.get(block_id), stdin, out, locale)
        if answer is None:
            return None
        values[block_id] = answer[0]
    return values


def _field(block: dict, el: dict, current: Any, stdin: TextIO, out: TextIO, locale: str) -> Any:
    """One input: ``(value,)``, or None when the person gives the form up."""
    label = (block.get("label") or {}).get("text", block["block_id"])
    kind = el.get("type")
    optional = block.get("optional", False)
    options = el.get("options", [])
    keep = shown(kind, current, el, locale)
    while True:
        if options:
            for n, opt in enumerate(options, 1):
                out.write(f"  [{n}] {opt['text']['text']}\n")
        hint = ""
        if kind == "checkboxes":
            hint = " " + render_text("(numbers separated by commas, or empty)", locale)
        elif kind == "datepicker":
            hint = f" ({date_form(locale)})"
        if keep:
            hint += " " + render_text("[Enter keeps: {value}]", locale, value=keep)
        answer = _ask(f"{label}{hint}: ", stdin, out)
        if answer is None or answer.strip() == ":cancel":
            return None
        answer = answer.strip()
        if not answer:
            if keep:
                return (current,)
            if optional or kind == "checkboxes":
                return ([] if kind == "checkboxes" else None,)
            out.write("  " + render_text("This field is required.", locale) + "\n")
            continue
        if kind in ("static_select", "radio_buttons"):
            if answer.isdigit() and 1 <= int(answer) <= len(options):
                return (options[int(answer) - 1]["value"],)
            out.write("  " + render_text("Type a number from 1 to {last}.", locale, last=len(options)) + "\n")
            continue
        if kind == "checkboxes":
            picked = [p.strip() for p in answer.split(",")]
            if all(p.isdigit() and 1 <= int(p) <= len(options) for p in picked):
                return ([options[int(p) - 1]["value"] for p in picked],)
            out.write("  " + render_text("Type numbers from 1 to {last}, separated by commas.", locale,
                                         last=len(options)) + "\n")
            continue
        if kind == "datepicker":
            day = parse_date(answer, locale)
            if day is not None:
                return (day.isoformat(),)
            out.write("  " + render_text("“{value}” is not a date: type it as {form}.", locale, value=answer,
                                         form=date_form(locale)) + "\n")
            continue
        return (answer,)
