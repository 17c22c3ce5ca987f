"""What people type, made safe to store and show: no NUL, no invisible direction overrides."""

from __future__ import annotations

import re

# NUL and the other C0 controls but tab and newlines (PostgreSQL refuses NUL; none is meant),
# and the bidirectional controls (U+202E turns "gpj.exe" into "exe.jpg" on screen).
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """``text`` without the characters a person never means to send."""
    return _UNWANTED.sub("", text)
