"""What people type: made safe to store and show (no NUL, no invisible direction overrides), and
folded for matching (one accent and case fold for every desk: "Ação" and "acao" are one word)."""

from __future__ import annotations

import re
import unicodedata

# NUL and the other C0 controls but tab and newlines (PostgreSQL refuses NUL; none is meant),
# and the bidirectional controls (U+202E turns "gpj.exe" into "exe.jpg" on screen).
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """``text`` without the characters a person never means to send."""
    return _UNWANTED.sub("", text)


# A message's permalink as Slack makes it (chat.getPermalink) or the shortcut builds it by hand.
_PERMALINK = re.compile(r"https://(?:[a-z0-9][a-z0-9-]*\.)?(?:enterprise\.)?slack\.com/archives/[CDG][A-Z0-9]{2,}"
                        r"/p\d{1,20}(?:\?thread_ts=\d+\.\d+(?:&cid=[CDG][A-Z0-9]{2,})?)?")


def slack_permalink(value: object) -> str | None:
    """``value`` if it is a Slack message permalink, else None: a link from a form's metadata is
    input like any other, and one that is not Slack's could carry ``|text>`` or ``<!channel>``."""
    return value if isinstance(value, str) and _PERMALINK.fullmatch(value) else None


_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """``text`` in lower case without accents: ``"Cadeira Ergonômica"`` -> ``"cadeira ergonomica"``."""
    # Decompose, then drop what is not ASCII: the accents go, the letters stay (ç -> c, ã -> a).
    return unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode("ascii")


def fold_words(text: str) -> str:
    """:func:`fold`, with every run of anything but letters and digits made one space (ends trimmed)."""
    return _NON_WORD.sub(" ", fold(text)).strip()
