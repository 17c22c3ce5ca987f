"""Languages: gettext catalogs (en and pt-BR), and Babel formatting of dates, numbers and money.

Catalogs are the ``.po`` files of the runtime and of each desk (see :mod:`bot.assets`);
they are compiled in memory when first needed, so the tree holds no generated ``.mo`` files.
Message ids are the English text, so English needs no catalog.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import zoneinfo
from decimal import Decimal

from babel import Locale, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from bot import assets

SUPPORTED = ("en", "pt-BR")


def normalize_locale(value: str | None, default: str = "pt-BR") -> str:
    """Map a Slack or user locale (``pt-BR``, ``pt_PT``, ``en-US``...) to a supported one."""
    if not value:
        return default
    low = value.replace("_", "-").lower()
    if low.startswith("pt"):
        return "pt-BR"
    if low.startswith("en"):
        return "en"
    return default


@functools.cache
def babel_locale(locale: str) -> Locale:
    return Locale.parse(locale.replace("-", "_"))


@functools.cache
def translations(locale: str) -> NullTranslations:
    """The merged catalog of every desk for ``locale`` (identity for English)."""
    merged: Translations | None = None
    for po in assets.catalogue_files(locale.replace("-", "_")):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale.replace("-", "_"), domain=po.stem)
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        buf.seek(0)
        part = Translations(fp=buf, domain="messages")
        if merged is None:
            merged = part
        else:
            merged.merge(part)
    return merged or NullTranslations()


def gettext(locale: str, message: str) -> str:
    return translations(locale).gettext(message)


def ngettext(locale: str, singular: str, plural: str, n: int) -> str:
    return translations(locale).ngettext(singular, plural, n)


def _plain(text: str) -> str:
    # Babel uses no-break spaces ("R$\xa01.234,56"); plain spaces read and search better in Slack.
    return text.replace("\xa0", " ").replace("\u202f", " ")


def format_money(amount: Decimal | float | int | str | None, currency: str = "BRL", locale: str = "pt-BR") -> str:
    """``R$ 1.234,56`` in pt-BR, ``R$1,234.56`` in English."""
    if amount is None or amount == "":
        return "—"
    return _plain(numbers.format_currency(Decimal(str(amount)), currency, locale=babel_locale(locale)))


def format_number(value: Decimal | float | int | str | None, locale: str = "pt-BR", digits: int | None = None) -> str:
    """A number with the locale's separators; ``digits`` fixes the decimals."""
    if value is None or value == "":
        return "—"
    value = Decimal(str(value))
    if digits is not None:
        fmt = "#,##0" + ("." + "0" * digits if digits else "")
        return _plain(numbers.format_decimal(value, format=fmt, locale=babel_locale(locale)))
    return _plain(numbers.format_decimal(value, locale=babel_locale(locale)))


def format_percent(value: Decimal | float, locale: str = "pt-BR") -> str:
    return _plain(numbers.format_percent(Decimal(str(value)), format="#,##0.00%", locale=babel_locale(locale)))


def format_date(value: dt.date | None, locale: str = "pt-BR", fmt: str = "medium") -> str:
    """``25/11/2026`` style (short), ``25 de nov. de 2026`` (medium), or a weekday form (``full``)."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = value.date()
    return _plain(dates.format_date(value, format=fmt, locale=babel_locale(locale)))


def safe_zone(tz: str | None, default: str = "America/Sao_Paulo") -> str:
    """``tz`` if it names a time zone, else ``default``: a bad stored value must not break a reply."""
    if tz:
        try:
            zoneinfo.ZoneInfo(tz)
            return tz
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return default


def to_zone(value: dt.datetime, tz: str | None) -> dt.datetime:
    zone = zoneinfo.ZoneInfo(tz or "UTC")
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(zone)


def format_datetime(value: dt.datetime | None, locale: str = "pt-BR", tz: str | None = None, fmt: str = "short") -> str:
    """A UTC time shown in the reader's zone and language."""
    if value is None:
        return "—"
    local = to_zone(value, tz)
    return _plain(dates.format_datetime(local, format=fmt, locale=babel_locale(locale)))


def format_time(value: dt.datetime | dt.time | None, locale: str = "pt-BR", tz: str | None = None) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = to_zone(value, tz).time()
    return _plain(dates.format_time(value, format="short", locale=babel_locale(locale)))


def format_delta(seconds: float | None, locale: str = "pt-BR") -> str:
    """A duration in words, ``2 hours`` / ``2 horas``."""
    if seconds is None:
        return "—"
    return _plain(dates.format_timedelta(dt.timedelta(seconds=seconds), threshold=1.5, locale=babel_locale(locale)))
