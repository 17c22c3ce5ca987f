"""Where and how a person lives: country and state (for holidays), language and time zone.

One set of checks for every way these values arrive (a people file, ``/backoffice me``), so
nothing stored can crash a reply later. Each check returns the value as stored, or raises a
:class:`ValidationError` that says what would be right.
"""

from __future__ import annotations

import zoneinfo

from babel import Locale, UnknownLocaleError

from models.core.calendar import known_places
from models.core.errors import N_, ValidationError

LANGUAGES = {"pt": "pt-BR", "en": "en"}  # what the bot speaks, by Babel language code


def check_country(value: str) -> str:
    code = value.strip().upper()
    if code not in known_places():
        raise ValidationError(N_("“{value}” is not a country with a holiday calendar (use a two-letter code like BR)."),
                              field="country", value=value)
    return code


def check_subdivision(country: str, value: str) -> str:
    """``value`` as a subdivision (state) of ``country``, e.g. ``SP`` of ``BR``."""
    code = value.strip().upper()
    known = known_places().get(country.upper(), [])
    if code not in known:
        shown = ", ".join(known[:30]) + (" ..." if len(known) > 30 else "")
        raise ValidationError(N_("“{value}” is not a state of {country} (known: {known})."), field="subdivision",
                              value=value, country=country.upper(), known=shown or "—")
    return code


def check_locale(value: str) -> str:
    """A language the bot speaks, as stored: ``pt-BR`` or ``en`` (``pt_BR``, ``en-US``... accepted)."""
    try:
        language = Locale.parse(value.strip().replace("-", "_")).language
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValidationError(N_("“{value}” is not a language code: use pt-BR or en."), field="locale",
                              value=value) from None
    if language not in LANGUAGES:
        raise ValidationError(N_("I do not speak “{value}” yet: use pt-BR or en."), field="locale", value=value)
    return LANGUAGES[language]


def check_timezone(value: str) -> str:
    zone = value.strip()
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(N_("“{value}” is not a time zone (like America/Sao_Paulo or America/Manaus)."),
                              field="timezone", value=value) from None
    return zone
