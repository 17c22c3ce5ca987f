"""The digest chart: the registered daily series over the last 14 days, as a PNG (matplotlib, Agg).

A manager's outbox row carries only the numbers; the PNG is drawn when the row is sent, once per
language and data (cached), and uploaded into the DM. The files API wants a ``D...`` channel
id, never a user id, so the DM is opened first.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import io
import json
import threading
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")  # no display in a server; must come before pyplot
import matplotlib.dates as mdates  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from bot import i18n  # noqa: E402
from models.core.errors import N_  # noqa: E402

if TYPE_CHECKING:
    from bot.runtime import Runtime
    from models.core.outbox import OutboxMessage

TITLE = N_("The last 14 days")
_lock = threading.Lock()  # matplotlib's font cache and text layout are not thread-safe


def render_png(series: dict[str, dict[str, int]], locale: str) -> bytes:
    """One line per series (labels translated), days on the x axis."""
    with _lock:
        fig = Figure(figsize=(7, 3.2), dpi=100)
        ax = fig.add_subplot()
        for label, values in series.items():
            days = [dt.date.fromisoformat(d) for d in sorted(values)]
            ax.plot(days, [values[d.isoformat()] for d in days], marker="o", linewidth=2, markersize=3,
                    label=i18n.gettext(locale, label))
        ax.set_title(i18n.gettext(locale, TITLE), fontsize=11)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d/%m" if locale == "pt-BR" else "%b %d"))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=8, frameon=False)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.autofmt_xdate()
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    return buf.getvalue()


def chart_file(series: dict[str, dict[str, int]], locale: str) -> dict:
    """An outbox file spec: ``{"filename", "base64", "title"}``."""
    png = render_png(series, locale)
    return {"filename": "digest-14-days.png", "base64": base64.b64encode(png).decode(),
            "title": i18n.gettext(locale, TITLE)}


@functools.lru_cache(maxsize=8)
def _cached_png(series_json: str, locale: str) -> bytes:
    return render_png(json.loads(series_json), locale)


def deliver_chart(runtime: "Runtime", client, row: "OutboxMessage", content: dict) -> dict:  # type: ignore[no-untyped-def]
    """Outbox kind ``digest_chart``: draw the chart in the reader's language and upload it into their DM."""
    from slack_sdk.errors import SlackApiError

    from bot.i18n import normalize_locale

    person = row.person
    if person is None or not person.slack_user_id:
        raise SlackApiError("no Slack user id for this person", {"ok": False, "error": "user_not_found"})
    locale = normalize_locale(person.locale, runtime.settings.locale_default)
    png = _cached_png(json.dumps(row.data.get("series") or {}, sort_keys=True), locale)
    dm = client.conversations_open(users=person.slack_user_id)["channel"]["id"]
    client.files_upload_v2(channel=dm, initial_comment=content.get("text", ""),
                           file_uploads=[{"content": png, "filename": "digest-14-days.png",
                                          "title": i18n.gettext(locale, TITLE)}])
    return {"channel": dm, "ts": None}
