"""One way to read a typed day: ISO, day first as in Brazil, words where a command reads them."""

from __future__ import annotations

import datetime as dt

from models.core.dates import parse_day

TODAY = dt.date(2026, 11, 25)


def test_iso_and_day_first_dates() -> None:
    assert parse_day("2026-12-24") == dt.date(2026, 12, 24)
    assert parse_day(" 24/12/2026 ") == dt.date(2026, 12, 24)
    assert parse_day("24/12/26") == dt.date(2026, 12, 24)
    assert parse_day("31/02/2026") is None
    assert parse_day("parafuso") is None


def test_a_day_without_a_year_looks_ahead_or_back() -> None:
    assert parse_day("24/12", TODAY) == dt.date(2026, 12, 24)
    assert parse_day("10/01", TODAY) == dt.date(2027, 1, 10)
    assert parse_day("10/01", TODAY, past=True) == dt.date(2026, 1, 10)
    assert parse_day("24/12", TODAY, past=True) == dt.date(2025, 12, 24)
    assert parse_day("24/12") is None  # no today to anchor it


def test_words_only_where_asked() -> None:
    assert parse_day("amanhã", TODAY, words=True) == dt.date(2026, 11, 26)
    assert parse_day("HOJE", TODAY, words=True) == TODAY
    assert parse_day("yesterday", TODAY, words=True) == dt.date(2026, 11, 24)
    assert parse_day("amanhã", TODAY) is None
