"""The digest desk's own outbox kind: a manager's chart, drawn when sent and uploaded into the DM.

The files API wants a ``D...`` channel id, never a user id, so the DM is opened first.
"""

from __future__ import annotations

import json

from bot import i18n
from bot.declare import outbox_kind
from bot.runtime import Runtime
from bot.slack.api import SlackApiError, WebClient
from handlers.digest.chart import FILENAME, TITLE, cached_png, chart_file
from handlers.digest.jobs import CHART_KIND
from models.core.outbox import OutboxMessage


def chart_files(data: dict, locale: str) -> list[dict]:
    """The chart a ``digest_chart`` row carries, drawn for ``locale`` (the console saves it)."""
    return [chart_file(data.get("series") or {}, locale)]


@outbox_kind(CHART_KIND, files=chart_files)
def deliver_chart(runtime: Runtime, client: WebClient, row: OutboxMessage, content: dict) -> dict:
    """Draw the chart in the reader's language and upload it into their DM."""
    person = row.person
    if person is None or not person.slack_user_id:
        raise SlackApiError("no Slack user id for this person", {"ok": False, "error": "user_not_found"})
    locale = i18n.normalize_locale(person.locale, runtime.settings.locale_default)
    png = cached_png(json.dumps(row.data.get("series") or {}, sort_keys=True), locale)
    dm = client.conversations_open(users=person.slack_user_id)["channel"]["id"]
    client.files_upload_v2(channel=dm, initial_comment=content.get("text", ""),
                           file_uploads=[{"content": png, "filename": FILENAME, "title": i18n.gettext(locale, TITLE)}])
    return {"channel": dm, "ts": None}
