"""/leave calendar: a secret feed URL per person, served at /calendar/<token>.ics, that calendar apps
parse, poll cheaply (ETag) and that stops working when reset."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import urllib.request

import icalendar
from sqlalchemy import select

from models.core.people import Person
from models.leave import flow
from models.leave.feed import LeaveCalendarFeed
from tests.cast import ADMIN, CARLA, DIEGO, MARIANA, QUESIA, TIAGO, WESLEY, YASMIN
from tests.privacy.helpers import every_value, file_leave, found_in, pid

TOKEN = re.compile(r"/calendar/([A-Za-z0-9_-]+)\.ics")


def fetch(bot, path: str, etag: str | None = None):
    """GET ``path``: (status, headers, body bytes)."""
    req = urllib.request.Request(bot.url + path, headers={"If-None-Match": etag} if etag else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def events(body: bytes) -> dict[str, icalendar.Event]:
    """Absences by summary (holidays, which repeat yearly, by summary and year)."""
    cal = icalendar.Calendar.from_ical(body)
    out = {}
    for e in cal.walk("VEVENT"):
        key = str(e["summary"])
        if str(e["uid"]).startswith("holiday-"):
            key += f" {e.decoded('dtstart').year}"
        out[key] = e
    return out


def my_link(bot, user: str, text: str = "") -> str:
    resp = bot.command("/leave", ("calendar " + text).strip(), user=user)
    assert resp.status == 200
    found = TOKEN.search(resp.text)
    assert found, resp.text
    assert resp.text.count(bot.url) == 1  # the link uses the public base URL
    return found.group(0)


def test_the_feed_shows_the_teams_approved_absences_privately_and_follows_changes(bot, standin, people, runtime):
    runtime.settings.public_url = bot.url
    vacation = file_leave(runtime, MARIANA, "vacation", "2026-12-07", "2026-12-11", note="Praia", approve_by=TIAGO)
    file_leave(runtime, WESLEY, "sick", "2026-12-14", "2026-12-15", note="Cirurgia no joelho", approve_by=TIAGO)
    file_leave(runtime, CARLA, "personal", "2026-12-16", "2026-12-16", half_start=True, approve_by=TIAGO)
    unpaid = file_leave(runtime, DIEGO, "unpaid", "2026-12-21", "2026-12-22")  # pending: not in the feed yet
    file_leave(runtime, QUESIA, "vacation", "2026-12-07", "2026-12-08", approve_by=ADMIN)  # another team

    path = my_link(bot, YASMIN)
    status, headers, body = fetch(bot, path)
    assert status == 200 and headers["Content-Type"].startswith("text/calendar")
    found = events(body)
    mariana = found["Mariana Souza: Férias"]
    assert mariana.decoded("dtstart") == dt.date(2026, 12, 7) and mariana.decoded("dtend") == dt.date(2026, 12, 12)
    wesley = found["Wesley Lima: Ausente"]  # sick leave says only "out", to anyone
    assert wesley.decoded("dtstart") == dt.date(2026, 12, 14)
    assert b"Cirurgia" not in body and "médica".encode() not in body and b"sick" not in body
    carla = found["Carla Silva: Folga pessoal (meio período)"]
    start = carla.decoded("dtstart")
    assert isinstance(start, dt.datetime) and start == dt.datetime(2026, 12, 16, 16, 0, tzinfo=dt.UTC)
    assert carla.decoded("dtend") - start == dt.timedelta(hours=5)  # an afternoon, not a day
    assert not any(s.startswith(("Diego", "Quésia")) for s in found)  # pending; another team
    holiday = [e for s, e in found.items() if e.decoded("dtstart") == dt.date(2026, 7, 9)]
    assert holiday and "Revolução Constitucionalista" in str(holiday[0]["summary"])  # São Paulo's own holiday
    assert found["Natal 2026"].decoded("dtstart") == dt.date(2026, 12, 25)  # an all-day event

    # Polling: the same content answers 304 with no body; a change gives a new ETag.
    etag = headers["ETag"]
    again = fetch(bot, path, etag)
    assert again[0] == 304 and again[2] == b""
    assert bot.command("/leave", f"cancel {vacation}", user=TIAGO).status == 200
    with runtime.unit_of_work(actor=pid(runtime, TIAGO), source="test") as ctx:
        flow.approve(ctx, unpaid)
    status, headers, body = fetch(bot, path, etag)
    assert status == 200 and headers["ETag"] != etag
    found = events(body)
    assert "Mariana Souza: Férias" not in found
    assert "Diego Oliveira: Ausente" in found  # unpaid leave, approved now: "out" too

    # Mariana lives in Minas Gerais: her feed has no São Paulo holiday.
    theirs = events(fetch(bot, my_link(bot, MARIANA))[2])
    assert not [e for e in theirs.values() if e.decoded("dtstart") == dt.date(2026, 7, 9)]


def test_reset_revokes_the_old_link_and_wrong_tokens_get_a_bare_404(bot, standin, people, runtime):
    runtime.settings.public_url = bot.url
    old = my_link(bot, YASMIN)
    assert fetch(bot, old)[0] == 200
    shown_once = bot.command("/leave", "calendar", user=YASMIN)
    assert not TOKEN.search(shown_once.text) and "reset" in shown_once.text

    new = my_link(bot, YASMIN, "reset")
    assert new != old
    status, headers, body = fetch(bot, old)
    assert status == 404 and body == b"" and "ETag" not in headers
    assert fetch(bot, new)[0] == 200
    for wrong in ("/calendar/nope.ics", "/calendar/" + "A" * 43 + ".ics", new[:-4], new + "x", "/calendar/../healthz"):
        status, _headers, body = fetch(bot, wrong)
        assert status == 404 and body == b"", wrong

    token = TOKEN.search(new).group(1)
    with runtime.db.session() as s:
        feed = s.scalars(select(LeaveCalendarFeed)).one()
        assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not found_in(every_value(runtime), token)  # only its hash is stored


def test_an_english_reader_gets_an_english_feed(bot, standin, people, runtime):
    runtime.settings.public_url = bot.url
    with runtime.unit_of_work(source="test") as ctx:
        ctx.session.scalar(select(Person).where(Person.slack_user_id == YASMIN)).locale = "en"
    file_leave(runtime, WESLEY, "sick", "2026-12-14", "2026-12-15", approve_by=TIAGO)
    file_leave(runtime, MARIANA, "vacation", "2026-12-07", "2026-12-08", approve_by=TIAGO)
    found = events(fetch(bot, my_link(bot, YASMIN))[2])
    assert "Wesley Lima: Out" in found and "Mariana Souza: Vacation" in found
    assert "Christmas Day 2026" in found
