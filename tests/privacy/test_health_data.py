"""Health data (a sick-leave note) reaches only the person, their approver and admins: never a log
line, a channel, a digest to others, a who's-out list, a calendar feed or someone else's export."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import urllib.request

from bot.cli import limit_library_logs
from bot.scheduler import tick
from tests.cast import MARIANA, TIAGO, WESLEY, YASMIN
from tests.leave.helpers import button, dms, request_leave
from tests.privacy.test_erase import Lines

NOTE = "Artroscopia do joelho esquerdo"
CHANNEL = "C0VENDAS1"


def test_a_sick_leave_note_reaches_only_the_person_and_the_approver(bot, standin, people, runtime):
    lines, root = Lines(), logging.getLogger()
    level = root.level
    root.addHandler(lines)
    root.setLevel(logging.DEBUG)
    limit_library_logs(logging.DEBUG)  # what `backoffice-bot serve` does with LOG_LEVEL=DEBUG
    try:
        runtime.settings.public_url = bot.url
        assert bot.command("/digest", f"subscribe <#{CHANNEL}|vendas> weekdays 09:00", user=TIAGO).status == 200
        link = re.search(r"/calendar/[A-Za-z0-9_-]+\.ics", bot.command("/leave", "calendar", user=YASMIN).text)
        request_leave(bot, standin, MARIANA, "2026-11-26", "2026-11-27", type="sick", note=NOTE)
        dm = dms(standin, TIAGO, contains=NOTE)[0]  # her approver reads it
        bot.click(button(dm, "leave_approve"), user=TIAGO, channel=TIAGO, message_ts=dm.get("ts"))
        dms(standin, MARIANA, contains="aprovou")

        replies = [bot.command("/leave", "who tomorrow", user=WESLEY).text,
                   bot.command("/leave", "who week", user=YASMIN).text,
                   bot.command("/leave", "show 1", user=WESLEY).text,
                   bot.command("/backoffice", "privacy export", user=WESLEY).text]
        bot.mention("quem está de licença amanhã?", user=WESLEY, channel="C0GENERAL")
        morning = dt.datetime(2026, 11, 26, 12, 1, tzinfo=dt.UTC)  # 09:01 in São Paulo
        runtime.clock.set(morning)
        tick(runtime, morning)
        runtime.sender.wait_idle(timeout=30)
        with urllib.request.urlopen(bot.url + link.group(0), timeout=10) as resp:
            feed = resp.read().decode()
        bot.command("/backoffice", "privacy export", user=MARIANA)  # her own export has it: hers
        standin.wait_for("file.upload", 2)
        runtime.sender.wait_idle(timeout=30)
        standin.settle()
    finally:
        root.removeHandler(lines)
        root.setLevel(level)

    assert standin.messages(CHANNEL), "the channel digest went out"
    assert standin.of("chat.postMessage", where=lambda c: c.get("channel") == "C0GENERAL")  # the mention's answer
    assert [line for line in lines.lines if NOTE in line] == []
    assert [r for r in replies if NOTE in r] == []
    assert NOTE not in feed
    readers = {MARIANA, TIAGO}
    opened_for = None
    for call in standin.calls:
        if call.method == "conversations.open":
            opened_for = call.get("users")
        body = json.dumps(call.args, default=lambda b: b.decode("utf-8", "replace"), ensure_ascii=False) + call.text
        if NOTE not in body:
            continue
        if call.method == "file.upload":
            assert opened_for == MARIANA  # only her own export
        else:
            assert call.method in ("chat.postMessage", "chat.update") and call.get("channel") in readers, call
