"""Days as people type them, one meaning everywhere (forms, ``/leave who``, ``/trade report``, the console).

``2026-12-24`` (ISO), ``24/12/2026`` or ``24/12/26`` (day first, as in Brazil), ``24/12`` (the
next 24 December, or the last one for a look back), and, where a command reads words,
``hoje``/``today``, ``amanhã``/``tomorrow``, ``ontem``/``yesterday``.
"""

from __future__ import annotations

import datetime as dt
import re

from models.core.text import fold

DAY_WORDS = {"today": 0, "hoje": 0, "tomorrow": 1, "amanha": 1, "yesterday": -1, "ontem": -1}  # folded
_DAY_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?")


def parse_day(text: str, today: dt.date | None = None, *, words: bool = False, past: bool = False) -> dt.date | None:
    """The day ``text`` names, or None if it names none.

    ``today`` anchors the words (with ``words``) and a day without a year: the next such day,
    or with ``past`` the latest one up to today. Without ``today`` both are refused.
    """
    text = text.strip()
    if words and today is not None and fold(text) in DAY_WORDS:
        return today + dt.timedelta(days=DAY_WORDS[fold(text)])
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    m = _DAY_FIRST.fullmatch(text)
    if not m:
        return None
    day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
    try:
        if year:
            return dt.date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        if today is None:
            return None
        found = dt.date(today.year, month, day)
        if past:
            return found if found <= today else dt.date(today.year - 1, month, day)
        return found if found >= today else dt.date(today.year + 1, month, day)
    except ValueError:  # 31/02, or 29/02 in a year without it
        return None
