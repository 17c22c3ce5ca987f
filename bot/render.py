"""Render a message template in a reader's language and time zone.

Templates live in ``handlers/<desk>/templates/<name>.j2`` (see :mod:`bot.assets`) and produce JSON through the
:mod:`bot.blocks` builders; text is written with gettext (``_()``, ``{% trans %}``).
Filters format values for the reader: ``date``, ``datetime``, ``time``, ``money``,
``number``, ``percent``, ``delta``, ``esc`` (user text into mrkdwn), ``quote`` (people's free
text as a block quote) and ``inline`` (free text inside a sentence, on one line).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

from jinja2 import Environment, FileSystemLoader, PrefixLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from bot import assets, blocks, i18n
from models.core.errors import DomainError, Terms


# A filter's value is whatever the template hands it (``Any``): a date, its ISO text, or nothing.
@pass_context
def _date(ctx: Context, value: Any, fmt: str = "medium") -> str:
    if isinstance(value, str) and value:
        value = dt.date.fromisoformat(value[:10])
    return i18n.format_date(value, ctx["_locale"], fmt)


@pass_context
def _datetime(ctx: Context, value: Any, fmt: str = "short") -> str:
    if isinstance(value, str) and value:
        value = dt.datetime.fromisoformat(value)
    return i18n.format_datetime(value, ctx["_locale"], ctx["_tz"], fmt)


@pass_context
def _time(ctx: Context, value: Any) -> str:
    if isinstance(value, str) and value:
        value = dt.datetime.fromisoformat(value)
    return i18n.format_time(value, ctx["_locale"], ctx["_tz"])


@pass_context
def _money(ctx: Context, value: Any, currency: str | None = "BRL") -> str:
    return i18n.format_money(value, currency or "BRL", ctx["_locale"])


@pass_context
def _number(ctx: Context, value: Any, digits: int | None = None) -> str:
    return i18n.format_number(value, ctx["_locale"], digits)


@pass_context
def _percent(ctx: Context, value: Any) -> str:
    return i18n.format_percent(value, ctx["_locale"])


@pass_context
def _delta(ctx: Context, seconds: float | None) -> str:
    return i18n.format_delta(seconds, ctx["_locale"])


@functools.cache
def environment(locale: str) -> Environment:
    """One Jinja environment per language, with that language's catalog installed."""
    env = Environment(
        loader=PrefixLoader({prefix: FileSystemLoader(str(folder)) for prefix, folder in assets.template_folders().items()}),
        extensions=["jinja2.ext.i18n", "jinja2.ext.do", "jinja2.ext.loopcontrols"],
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(locale), newstyle=True)  # type: ignore[attr-defined]  # added by jinja2.ext.i18n at run time
    env.globals.update(blocks.BUILDERS)
    env.filters.update(
        date=_date, datetime=_datetime, time=_time, money=_money, number=_number, percent=_percent,
        delta=_delta, esc=blocks.escape, quote=blocks.quote, inline=blocks.inline,
    )
    return env


def render(template: str, data: dict[str, Any] | None = None, *, locale: str = "pt-BR", tz: str | None = None) -> dict:
    """Render ``template`` (``desk/name``) to a message or view dict for ``locale`` and ``tz``."""
    env = environment(i18n.normalize_locale(locale))
    name = template if template.endswith(".j2") else template + ".j2"
    context = dict(data or {})
    context.update(_locale=i18n.normalize_locale(locale), _tz=tz or "America/Sao_Paulo")
    text = env.get_template(name).render(context)
    return json.loads(text)


def render_text(message: str | tuple[str, str], locale: str, *, plain: bool = False, **params: Any) -> str:
    """Translate a message id and fill ``{name}`` placeholders with values formatted for ``locale``.

    A ``(singular, plural)`` pair (``NP_``) takes the form its ``count`` parameter needs. Values
    are escaped for Slack's mrkdwn, unless ``plain`` (a terminal shows text as it is).
    """
    if isinstance(message, tuple):
        translated = i18n.ngettext(locale, message[0], message[1], int(params.get("count", 1)))
    else:
        translated = i18n.gettext(locale, message)
    formatted = {k: format_value(v, locale, plain=plain) for k, v in params.items()}
    try:
        return translated.format(**formatted)
    except (KeyError, IndexError, ValueError):
        return translated


def render_plural(singular: str, plural: str, n: int, locale: str, **params: Any) -> str:
    """:func:`render_text` of ``NP_(singular, plural)`` with ``count`` = ``n``."""
    return render_text((singular, plural), locale, **{**params, "count": n})


def error_text(err: DomainError, locale: str) -> str:
    """A domain error's message in ``locale`` (in the form its ``count`` calls for, if plural)."""
    return render_text(err.message, locale, **err.params)


def format_value(value: Any, locale: str, *, plain: bool = False) -> str:
    if isinstance(value, Terms):
        words = [i18n.gettext(locale, v) for v in value]
        return value.sep.join(words if plain else [blocks.escape(w) for w in words])
    if isinstance(value, dt.datetime):
        return i18n.format_datetime(value, locale)
    if isinstance(value, dt.date):
        return i18n.format_date(value, locale)
    return ("" if value is None else str(value)) if plain else blocks.escape(value)


def render_error(err: DomainError, *, locale: str, tz: str | None = None) -> dict:
    """A domain error as a short ephemeral message (with its hint, if any)."""
    text = error_text(err, locale)
    hint = render_text(err.hint, locale, **err.params) if err.hint else None
    return render("platform/error", {"text": text, "hint": hint, "kind": err.kind}, locale=locale, tz=tz)


def warm_up() -> None:
    """Compile the catalogs and every template now, at start-up, not in the first user's request."""
    for locale in i18n.SUPPORTED:
        env = environment(locale)
        for name in env.list_templates(extensions=["j2"]):
            env.get_template(name)

