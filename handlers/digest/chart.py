"""The digest chart: the registered daily series over the last 14 days, as a PNG (matplotlib, Agg).

A manager's outbox row carries only the numbers; the PNG is drawn when the row is sent, once per
language and data (cached; see :mod:`handlers.digest.outbox`). A channel's row carries the PNG.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import io
import json
import threading
from typing import Any, cast

from bot import i18n
from models.core.errors import N_

FILENAME = "digest-14-days.png"
TITLE = N_("The last 14 days")
_lock = threading.Lock()  # matplotlib's font cache and text layout are not thread-safe


def render_png(series: dict[str, dict[str, int]], locale: str) -> bytes:
    """One line per series (labels translated), days on the x axis."""
    # matplotlib is imported by the process that draws a chart, not by every web worker (~0.5 s).
    import matplotlib.dates as mdates  # lazy: see above
    from matplotlib.figure import Figure  # the object API: no pyplot, no display backend needed
    from matplotlib.ticker import MaxNLocator  # lazy: see above

    with _lock:
        fig = Figure(figsize=(7, 3.2), dpi=100)
        ax = fig.add_subplot()
        for label, values in series.items():
            days = [dt.date.fromisoformat(d) for d in sorted(values)]
            # matplotlib plots dates through its units registry, which its stubs do not know.
            ax.plot(cast(list[Any], days), [values[d.isoformat()] for d in days], marker="o", linewidth=2, markersize=3,
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
    return {"filename": FILENAME, "base64": base64.b64encode(png).decode(),
            "title": i18n.gettext(locale, TITLE)}


@functools.lru_cache(maxsize=8)
def cached_png(series_json: str, locale: str) -> bytes:
    """The PNG for ``series_json`` (sorted JSON) in ``locale``: one drawing per language and day."""
    return render_png(json.loads(series_json), locale)
