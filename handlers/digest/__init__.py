"""/digest and the App Home: managers' and channels' digests on the clock, my digest now, the
clock's status, the Home tab, the digest chart."""

from __future__ import annotations

from bot.registry import Registry
from handlers.digest import commands, events, jobs, outbox
from models.core.errors import N_
from models.digest.privacy import PART as DIGEST_PRIVACY


def chart_files(data: dict, locale: str) -> list[dict]:
    """The chart a ``digest_chart`` row carries, drawn for ``locale`` (the console saves it)."""
    from handlers.digest.chart import chart_file  # matplotlib only where a chart is drawn

    return [chart_file(data.get("series") or {}, locale)]


def register(registry: Registry) -> None:
    registry.command("digest", summary=N_("the morning digest: preview yours, send one to a channel"),
                     usage_hint="now | subscribe [#channel] [daily|weekdays|weekly] [HH:MM] | unsubscribe | settings")
    # The chart's upload and the channel names of /digest subscribe.
    registry.need_scopes("files:write", "channels:read")
    registry.scan("digest", commands, events, outbox, jobs)
    registry.privacy(DIGEST_PRIVACY)  # the desk's share of LGPD export, erasure and retention
