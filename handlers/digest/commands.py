"""/digest now | subscribe | unsubscribe | settings | status."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from bot.declare import no_args, subcommand
from bot.replies import Reply
from bot.request import Request
from handlers.digest.jobs import preview
from models.core.calendar import BusinessCalendar
from models.core.errors import N_, ValidationError
from models.core.people import Role
from models.core.scheduling import RunStatus, recent_runs, run_counts
from models.digest import tables as domain

CHANNEL = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|([^>]*))?>$")
USAGE_SUBSCRIBE = N_("/digest subscribe [#channel] [daily|weekdays|weekly] [HH:MM]")
USAGE_HINT = N_("Usage: `/digest subscribe [#channel] [daily|weekdays|weekly] [HH:MM]`")
STATUS_HOURS = 48


@no_args("digest", usage=N_("/digest"), help=N_("Same as `/digest now`."))
@subcommand("digest", "now", usage=N_("/digest now"), help=N_("Your digest right now, only to you."),
            aliases=("agora", "preview"))
def now(req: Request) -> Reply:
    """My digest as it would be now, only to me (an ephemeral reply, not the outbox)."""
    if req.text.strip():
        raise ValidationError(N_("`/digest now` takes nothing after it."), hint=N_("Usage: `/digest now`"))
    parts = preview(req.runtime, req.ctx.session, req.actor, req.ctx.now)
    return Reply("digest/now", {"name": req.actor.name, "now": req.ctx.now.isoformat(), "sections": parts,
                                "digest_time": req.settings.digest_time})


def _channel(req: Request, word: str | None, *, usage: str) -> tuple[str, str | None]:
    """The channel id named by ``word`` (``<#C123|name>`` or ``#name``), or the current channel."""
    if word is None:
        current = req.channel_id or ""
        if not current or current.startswith("D"):
            raise ValidationError(N_("Say which channel: a direct message cannot get a channel digest. Your own digest already comes by DM."),
                                  hint=usage)
        return current, (req.payload or {}).get("channel_name")
    m = CHANNEL.match(word)
    if m:
        return m.group(1), m.group(2) or None
    found = req.runtime.channels.find(word.lstrip("#"))
    if found is None:
        raise ValidationError(N_("I cannot find the channel “{word}”. Pick it from the list as you type # so Slack links it."),
                              hint=usage, word=word)
    return found, word.lstrip("#")


@subcommand("digest", "subscribe", usage=USAGE_SUBSCRIBE,
            help=N_("Post your desks' team-wide news to a channel on a schedule (default: this channel, business days, at the usual digest time)."),
            role=Role.manager, aliases=("assinar",))
def subscribe(req: Request) -> Reply:
    """``/digest subscribe [#channel] [daily|weekdays|weekly] [HH:MM]``, in any order."""
    channel_word = frequency = at_time = None
    for word in req.args:
        if word.startswith(("<#", "#")):
            if channel_word is not None:
                raise ValidationError(N_("Give one channel at a time."), hint=USAGE_HINT)
            channel_word = word
        elif re.match(r"^\d", word):
            if at_time is not None:
                raise ValidationError(N_("Give one time of day, e.g. 08:30."), hint=USAGE_HINT)
            at_time = domain.parse_time(word)
        else:
            if frequency is not None:
                raise ValidationError(N_("Give one frequency: daily, weekdays or weekly."), hint=USAGE_HINT)
            frequency = domain.Frequency.parse(word)
    channel, name = _channel(req, channel_word, usage=USAGE_HINT)
    sub, created = domain.subscribe(req.ctx, channel, channel_name=name,
                                    frequency=frequency or domain.Frequency.weekdays,
                                    at_time=at_time or req.settings.digest_time, timezone=req.tz)
    return Reply("digest/subscribed", {"sub": sub.card(), "created": created})


@subcommand("digest", "unsubscribe", usage=N_("/digest unsubscribe [#channel]"), help=N_("Stop a channel's digest."),
            role=Role.manager, aliases=("cancelar",))
def unsubscribe(req: Request) -> Reply:
    words = req.args
    if len(words) > 1:
        raise ValidationError(N_("Name one channel, or none for this one."), hint=N_("Usage: `/digest unsubscribe [#channel]`"))
    channel, _name = _channel(req, words[0] if words else None, usage=N_("Usage: `/digest unsubscribe [#channel]`"))
    card = domain.unsubscribe(req.ctx, channel)
    return Reply("digest/unsubscribed", {"sub": card})


def _next_digest(req: Request) -> dt.date:
    """The local day of my next manager digest (today if its time has not come yet)."""
    actor, s = req.actor, req.settings
    zone = zoneinfo.ZoneInfo(req.tz)
    local = req.ctx.now.astimezone(zone)
    hh, mm = (int(p) for p in s.digest_time.split(":"))
    day = local.date() if local.time() < dt.time(hh, mm) else local.date() + dt.timedelta(days=1)
    return BusinessCalendar.of_person(actor, s).on_or_after(day)


@subcommand("digest", "settings", usage=N_("/digest settings"),
            help=N_("When your digest comes, and which channels get one."), aliases=("config",))
def settings(req: Request) -> Reply:
    if req.text.strip():
        raise ValidationError(N_("`/digest settings` takes nothing after it."), hint=N_("Usage: `/digest settings`"))
    actor = req.actor
    region = (actor.country or req.settings.country_default) + (f"/{actor.subdivision}" if actor.subdivision else "")
    return Reply("digest/settings", {
        "is_manager": actor.has_role("manager"),
        "digest_time": req.settings.digest_time,
        "zone": req.tz,
        "region": region,
        "next_day": _next_digest(req).isoformat(),
        "subscriptions": [s.card() for s in domain.subscriptions(req.ctx.session)],
    })


PROBLEMS_SHOWN = 15  # the newest; the counts above them cover every run


@subcommand("digest", "status", usage=N_("/digest status"),
            help=N_("What the clock did lately: digests sent, late and missed; jobs that failed."), role=Role.admin)
def status(req: Request) -> Reply:
    """For admins: the clock's runs of the last two days, and the ones that need a look."""
    since = req.ctx.now - dt.timedelta(hours=STATUS_HOURS)
    counts = run_counts(req.ctx.session, since)
    needing_a_look = (RunStatus.missed.value, RunStatus.failed.value)
    problems = recent_runs(req.ctx.session, since, statuses=(RunStatus.missed, RunStatus.failed), limit=PROBLEMS_SHOWN)
    return Reply("digest/status", {
        "hours": STATUS_HOURS,
        "counts": [{"job": c.job, "status": c.status, "count": c.count, "late": c.late} for c in counts],
        "problems": [{"key": p.key, "status": p.status, "due_at": p.due_at.isoformat(), "detail": p.detail}
                     for p in problems],
        "problems_total": sum(c.count for c in counts if c.status in needing_a_look),
    })
