"""``/leave calendar``: a secret iCalendar feed of my team's absences, and the feed itself
(``GET /calendar/<token>.ics``), with an ETag so that calendar apps poll cheaply."""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from typing import Any

import icalendar

from bot import i18n
from bot.declare import route, subcommand
from bot.replies import HttpReply, Reply
from bot.request import Request
from models.core.calendar import BusinessCalendar
from models.core.errors import N_, ValidationError
from models.leave.feed import Absence, FeedData, feed_data, feed_for_token, issue_feed

PREFIX = "/calendar/"
# A half day off: the afternoon of a first day (they leave at midday), the morning of a last day.
AFTERNOON, MORNING = (dt.time(13, 0), dt.time(18, 0)), (dt.time(8, 0), dt.time(12, 0))
TYPE_NAMES = {"vacation": N_("Vacation"), "personal": N_("Personal day")}
HOLIDAY_LANGUAGE = {"pt-BR": "pt_BR", "en": "en_US"}
NOT_FOUND = HttpReply(404)


def _t(locale: str, message: str, **params: str) -> str:
    """Translated plain text (no mrkdwn escaping: an iCalendar file is not a Slack message)."""
    return i18n.gettext(locale, message).format(**params)


def feed_url(req: Request, token: str) -> str:
    base = req.settings.public_url or f"http://localhost:{req.settings.port}"
    return f"{base.rstrip('/')}{PREFIX}{token}.ics"


@subcommand("leave", "calendar", usage=N_("/leave calendar [reset]"),
            help=N_("A secret calendar link (iCalendar) with your team's absences and your holidays; "
                    "`reset` replaces it and the old link stops working."), aliases=("calendario", "calendário"))
def calendar_cmd(req: Request) -> Reply:
    """``/leave calendar`` (my link, made once) and ``/leave calendar reset`` (a new one; the old stops)."""
    word = req.text.strip().lower()
    if word not in ("", "reset", "new", "novo", "renovar"):
        raise ValidationError(N_("Use `/leave calendar` for your link, or `/leave calendar reset` for a new one."))
    reset = word != ""
    token, feed = issue_feed(req.ctx, reset=reset)
    return Reply("leave/calendar", {"url": feed_url(req, token) if token else None, "reset": reset,
                                    "since": feed.created_at.date().isoformat()})


# -- the feed over HTTP --------------------------------------------------------------------------

@route(PREFIX)
def serve_feed(runtime: Any, environ: dict) -> HttpReply:
    """The feed of a valid token; anything else gets a bare 404 (no hint that a token exists)."""
    if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
        return NOT_FOUND
    name = environ.get("PATH_INFO", "")[len(PREFIX):]
    if not name.endswith(".ics") or "/" in name:
        return NOT_FOUND
    now = runtime.clock.now()
    with runtime.db.session(readonly=True) as session:
        feed = feed_for_token(session, name[:-len(".ics")])
        if feed is None:
            return NOT_FOUND
        data = feed_data(session, feed, runtime.settings, now)
    locale = i18n.normalize_locale(data.locale, runtime.settings.locale_default)
    body = render_ics(data, locale)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=300"}
    wanted = [t.strip() for t in environ.get("HTTP_IF_NONE_MATCH", "").split(",")]
    if etag in wanted or "*" in wanted:
        return HttpReply(304, headers)
    return HttpReply(200, {**headers, "Content-Type": "text/calendar; charset=utf-8"}, body)


def render_ics(data: FeedData, locale: str) -> bytes:
    """The feed as iCalendar text: the same data gives the same bytes (the ETag depends on it)."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//backoffice-bot//leave feed//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _t(locale, N_("Team absences")))
    for absence in data.absences:
        for event in absence_events(absence, locale):
            cal.add_component(event)
    for event in holiday_events(data, locale):
        cal.add_component(event)
    return cal.to_ical()


def _event(uid: str, summary: str, start: dt.date | dt.datetime, end: dt.date | dt.datetime,
           stamp: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{uid}@backoffice-bot")
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    event.add("transp", "TRANSPARENT")  # an absence of someone else does not make me busy
    return event


def absence_events(a: Absence, locale: str) -> list[icalendar.Event]:
    """All-day events for whole days; a timed block in the person's zone for each half day."""
    what = _t(locale, TYPE_NAMES[a.type]) if a.type in TYPE_NAMES else (a.type_name if a.type else _t(locale, N_("Out")))
    summary = f"{a.person}: {what or ''}"  # a name and a translated word: nothing here to translate
    half = _t(locale, N_("{name}: {what} (half day)"), name=a.person, what=what or "")
    zone = _zone(a.timezone)
    events, first, last = [], a.start, a.end
    if a.half_start:
        events.append(_event(f"{a.uid}-first-half", half, *_block(first, AFTERNOON, zone), a.stamp))
        first += dt.timedelta(days=1)
    if a.half_end and a.end != a.start:
        events.append(_event(f"{a.uid}-last-half", half, *_block(last, MORNING, zone), a.stamp))
        last -= dt.timedelta(days=1)
    if first <= last:
        events.insert(0, _event(a.uid, summary, first, last + dt.timedelta(days=1), a.stamp))
    return events


def _block(day: dt.date, hours: tuple[dt.time, dt.time], zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """Local hours on ``day`` as UTC times (no VTIMEZONE needed: every client reads UTC)."""
    start, end = (dt.datetime.combine(day, t, zone).astimezone(dt.UTC) for t in hours)
    return start, end


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("America/Sao_Paulo")


def holiday_events(data: FeedData, locale: str) -> list[icalendar.Event]:
    """The owner's public holidays (national and their state's) as all-day events."""
    calendar = BusinessCalendar.of(data.country, data.subdivision)
    language = HOLIDAY_LANGUAGE.get(locale, "en_US")
    found = {day: name for year in range(data.first.year, data.last.year + 1)
             for day, name in calendar.holidays_in(year, language).items()}
    stamp = dt.datetime(data.first.year, 1, 1, tzinfo=dt.UTC)
    place = data.country + (f"-{data.subdivision}" if data.subdivision else "")
    return [_event(f"holiday-{place}-{day.isoformat()}", name, day, day + dt.timedelta(days=1), stamp)
            for day, name in sorted(found.items()) if data.first <= day <= data.last]
