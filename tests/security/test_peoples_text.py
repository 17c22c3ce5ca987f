"""People's text and a form's metadata are input: no spoofed links or pings, no hidden direction
overrides, no NUL in a prefilled form, and free text never reads as one of the bot's own lines."""

from __future__ import annotations

import json

import pytest

from tests.cast import MARIANA, TIAGO
from tests.cast import MARIANA as EMPLOYEE
from tests.incidents.helpers import card_posts, incident
from tests.leave.helpers import dms, request_leave

FORGED_LINK = "https://x|Reported> <!channel> <https://evil/phish"


def _report_form(bot, standin) -> dict:
    bot.command("/incident", "", user=MARIANA)
    return standin.wait_for("views.open")[-1]["view"]


def _answers(title: str = "Checkout fora do ar", description: str | None = None) -> dict:
    return {"title": title, "severity": "3", "service": "Loja online", "description": description}


@pytest.mark.parametrize("link", [FORGED_LINK, "javascript:alert(1)", "https://evil.example/archives/C1/p1"])
def test_a_forged_link_in_the_report_forms_metadata_never_reaches_the_channel(bot, standin, people, runtime, link):
    view = _report_form(bot, standin)
    view["private_metadata"] = json.dumps({"link": link, "channel": "C0GENERAL"})
    assert bot.submit(view, _answers(), user=MARIANA).status == 200
    card = card_posts(standin)[0]
    posted = json.dumps(card.args)
    assert "<!channel>" not in posted and "evil" not in posted and "|Reported>" not in posted
    assert incident(runtime).source_link is None


def test_a_real_permalink_in_the_metadata_is_kept(bot, standin, people, runtime):
    link = "https://acme.slack.com/archives/C0GENERAL/p1764000000000100"
    view = _report_form(bot, standin)
    view["private_metadata"] = json.dumps({"link": link})
    bot.submit(view, _answers(), user=MARIANA)
    assert f"<{link}|" in card_posts(standin)[0].text or link in json.dumps(card_posts(standin)[0].args)


def test_a_forged_channel_in_the_metadata_is_not_answered_into(bot, standin, people):
    view = _report_form(bot, standin)
    view["private_metadata"] = json.dumps({"channel": "C0GENERAL> <!channel"})
    bot.submit(view, _answers(), user=MARIANA)
    answer = standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == MARIANA)[0]
    assert "INC-0001" in answer.text
    assert not standin.of("chat.postEphemeral")


def test_bidi_overrides_are_stripped_and_a_title_of_only_an_override_is_refused(bot, standin, people, runtime):
    view = _report_form(bot, standin)
    refused = bot.submit(view, _answers(title="\u202e"), user=MARIANA)
    assert refused.json.get("response_action") == "errors" and "title" in refused.json["errors"]
    view = _report_form(bot, standin)
    assert bot.submit(view, _answers(title="Fatura\u202egpj.exe\u2066", description="a\u202eb"),
                      user=MARIANA).status == 200
    inc = incident(runtime)
    assert inc.title == "Faturagpj.exe" and inc.description == "ab"
    assert "\u202e" not in json.dumps(card_posts(standin)[0].args, ensure_ascii=False)


def test_a_nul_in_a_message_never_reaches_the_prefilled_report_form(bot, standin, people):
    bot.shortcut("report_incident", {"type": "message", "ts": "1764000000.000100", "user": MARIANA,
                                     "text": "ERP\x00 caiu\u202e\nde novo"}, user=MARIANA)
    view = standin.wait_for("views.open")[-1]["view"]
    text = json.dumps(view, ensure_ascii=False)
    assert "\\u0000" not in text and "\x00" not in text and "\u202e" not in text
    title = next(b for b in view["blocks"] if b.get("block_id") == "title")["element"]["initial_value"]
    assert title == "ERP caiu"


def test_a_leave_note_cannot_pass_for_the_bots_own_line_in_the_approvers_dm(bot, standin, people):
    request_leave(bot, standin, EMPLOYEE, "2026-12-07", "2026-12-11", note="Férias\n*Approved by CEO* <!channel>")
    dm = dms(standin, TIAGO)[0]
    lines = [line for b in dm["blocks"] for t in _texts(b) for line in t.splitlines()]
    spoof = [line for line in lines if "Approved by CEO" in line]
    assert spoof and all(line.startswith("> ") for line in spoof), spoof
    assert all("<!channel>" not in line for line in lines)


def _texts(block: dict) -> list[str]:
    out = []
    if isinstance(block.get("text"), dict):
        out.append(block["text"].get("text", ""))
    for f in block.get("fields") or []:
        out.append(f.get("text", ""))
    for e in block.get("elements") or []:
        if isinstance(e, dict) and e.get("type") == "mrkdwn":
            out.append(e.get("text", ""))
    return out
