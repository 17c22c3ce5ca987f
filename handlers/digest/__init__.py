"""/digest and the App Home: channel digests, my digest now, the clock's status, the Home tab."""

from __future__ import annotations

from bot.registry import Registry
from models.core.errors import N_
from models.core.people import Role

USAGE_SUBSCRIBE = N_("/digest subscribe [#channel] [daily|weekdays|weekly] [HH:MM]")


def deliver_chart(runtime, client, row, content):  # type: ignore[no-untyped-def]
    """The chart's outbox kind; matplotlib is imported only by the process that draws one."""
    from handlers.digest.chart import deliver_chart as deliver

    return deliver(runtime, client, row, content)


def chart_files(data: dict, locale: str) -> list[dict]:
    """The chart a ``digest_chart`` row carries, drawn for ``locale`` (the console saves it)."""
    from handlers.digest.chart import chart_file  # matplotlib only where a chart is drawn

    return [chart_file(data.get("series") or {}, locale)]


def register(registry: Registry) -> None:
    from handlers.digest import commands
    from handlers.digest import events as home

    cmd = registry.command("digest", summary=N_("the morning digest: preview yours, send one to a channel"),
                           usage_hint="now | subscribe [#channel] [daily|weekdays|weekly] [HH:MM] | unsubscribe | settings")
    cmd.sub("now", usage=N_("/digest now"), help=N_("Your digest right now, only to you."),
            aliases=("agora", "preview"))(commands.now)
    cmd.sub("subscribe", usage=USAGE_SUBSCRIBE,
            help=N_("Post your desks' team-wide news to a channel on a schedule (default: this channel, business days, at the usual digest time)."),
            role=Role.manager, aliases=("assinar",))(commands.subscribe)
    cmd.sub("unsubscribe", usage=N_("/digest unsubscribe [#channel]"), help=N_("Stop a channel's digest."),
            role=Role.manager, aliases=("cancelar",))(commands.unsubscribe)
    cmd.sub("settings", usage=N_("/digest settings"),
            help=N_("When your digest comes, and which channels get one."), aliases=("config",))(commands.settings)
    cmd.sub("status", usage=N_("/digest status"),
            help=N_("What the clock did lately: digests sent, late and missed; jobs that failed."),
            role=Role.admin)(commands.status)
    cmd.no_args(usage=N_("/digest"), help=N_("Same as `/digest now`."))(commands.now)

    registry.event("app_home_opened")(home.opened)
    registry.outbox_kind("digest_chart", files=chart_files)(deliver_chart)
    registry.need_scopes("files:write", "channels:read")
