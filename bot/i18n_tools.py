"""Catalog upkeep: which messages in the code and templates have no pt-BR translation yet.

``python -m bot.i18n_tools`` prints ``.po`` stubs for the missing ones, grouped by desk, so
a developer pastes them into ``handlers/<desk>/locale/pt_BR/LC_MESSAGES/<desk>.po`` (the runtime's
own: ``bot/locale/pt_BR/LC_MESSAGES/platform.po``) and translates.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

from babel.messages.extract import extract_from_dir

from bot.i18n import translations

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "NP_": (1, 2), "gettext": None, "ngettext": (1, 2), "render_text": None, "t": None,
            "cli_text": None, "render_plural": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def extracted() -> dict[str, set[str]]:
    """Every message id used in the code and templates -> the files that use it."""
    found: dict[str, set[str]] = defaultdict(set)
    for folder in ("bot", "handlers", "models"):
        for filename, _lineno, message, _comments, _ctx in extract_from_dir(
            ROOT / folder,
            method_map=[("**.j2", "jinja2"), ("**.py", "python")],
            options_map={"**.j2": {"extensions": "jinja2.ext.do,jinja2.ext.loopcontrols",
                                   "trim_blocks": "true", "lstrip_blocks": "true"}},
            keywords=KEYWORDS,
        ):
            msgid = message[0] if isinstance(message, tuple) else message  # plurals: keyed by the singular
            if msgid:
                found[msgid].add(f"{folder}/{filename}")
    return found


def desk_of(path: str) -> str:
    """The catalogue a message belongs in: its desk's, or the runtime's ``platform``."""
    m = re.match(r"(?:handlers|models)/(\w+)/", path)
    name = m.group(1) if m else "platform"
    return name if name not in ("admin", "core") else "platform"


def missing(locale: str = "pt-BR") -> dict[str, set[str]]:
    catalog = translations(locale)
    out: dict[str, set[str]] = {}
    for msgid, files in extracted().items():
        if getattr(catalog, "_catalog", {}).get(msgid) in (None, ""):
            plural_key = (msgid, 0)
            if getattr(catalog, "_catalog", {}).get(plural_key) not in (None, ""):
                continue
            out[msgid] = files
    return out


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def main() -> int:
    gaps = missing()
    by_desk: dict[str, list[str]] = defaultdict(list)
    for msgid, files in gaps.items():
        by_desk[desk_of(sorted(files)[0])].append(msgid)
    for desk, ids in sorted(by_desk.items()):
        print(f"# ---- {desk}.po ({len(ids)} missing)")
        for msgid in sorted(ids):
            escaped = msgid.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            print(f'msgid "{escaped}"\nmsgstr ""\n')
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main())
