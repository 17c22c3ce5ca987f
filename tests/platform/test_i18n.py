"""Both languages are complete: every message has Portuguese, with the same placeholders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bot import i18n
from bot.i18n_tools import extracted, missing, placeholders


def test_every_message_in_code_and_templates_has_a_portuguese_translation():
    gaps = missing("pt-BR")
    assert not gaps, "untranslated (run python -m bot.i18n_tools):\n" + "\n".join(sorted(gaps))


def test_translations_keep_the_placeholders_of_the_english_text():
    catalog = i18n.translations("pt-BR")
    wrong = []
    for msgid in extracted():
        translated = catalog.gettext(msgid)
        if placeholders(translated) != placeholders(msgid):
            wrong.append(f"{msgid!r} -> {translated!r}")
    assert not wrong, "\n".join(wrong)


def test_money_dates_and_numbers_follow_the_readers_language():
    assert i18n.format_money(Decimal("1234.56"), "BRL", "pt-BR") == "R$ 1.234,56"
    assert i18n.format_money(Decimal("1234.56"), "BRL", "en") == "R$1,234.56"
    assert i18n.format_date(dt.date(2026, 11, 25), "pt-BR", "short") == "25/11/2026"
    assert i18n.format_date(dt.date(2026, 11, 25), "en", "short") == "11/25/26"
    when = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
    assert i18n.format_datetime(when, "pt-BR", "America/Sao_Paulo") == "25/11/2026 09:00"
    assert i18n.format_number(Decimal("1234567.891"), "pt-BR", 2) == "1.234.567,89"


def test_slack_locales_map_to_the_supported_languages():
    assert i18n.normalize_locale("pt-BR") == "pt-BR"
    assert i18n.normalize_locale("pt_PT") == "pt-BR"
    assert i18n.normalize_locale("en-US") == "en"
    assert i18n.normalize_locale("ja-JP", default="en") == "en"
    assert i18n.normalize_locale(None) == "pt-BR"
