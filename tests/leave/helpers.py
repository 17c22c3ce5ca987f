"""Shared steps of the leave stories: open the form, fill it, find the approver's DM and its buttons."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from models.leave.tables import LeaveRequest


def open_form(bot: Any, standin: Any, user: str) -> dict:
    """Type /leave and return the modal Slack was asked to open."""
    before = len(standin.of("views.open"))
    resp = bot.command("/leave", "", user=user)
    assert resp.status == 200 and resp.body == "", resp.body
    call = standin.wait_for("views.open", before + 1)[-1]
    assert call["trigger_id"]
    return call["view"]


def request_leave(bot: Any, standin: Any, user: str, start: str, end: str, type: str = "vacation",
                  half: list[str] | None = None, note: str | None = None) -> Any:
    """Fill and send the /leave form; returns the HTTP response to the submission."""
    view = open_form(bot, standin, user)
    return bot.submit(view, {"type": type, "start": start, "end": end, "half": half or [], "note": note}, user=user)


def field_errors(resp: Any) -> dict:
    body = resp.json
    assert body.get("response_action") == "errors", body
    return body["errors"]


def dms(standin: Any, user: str, count: int = 1, contains: str | None = None) -> list:
    def where(c: Any) -> bool:
        return bool(c.get("channel") == user and (contains is None or contains in c.text))

    return standin.wait_for("chat.postMessage", count, where=where)


def button(call: Any, prefix: str) -> dict:
    """The button whose action id starts with ``prefix`` in a posted message."""
    for block in call.get("blocks") or []:
        for el in block.get("elements", []) + ([block["accessory"]] if block.get("accessory") else []):
            if el.get("type") == "button" and el["action_id"].startswith(prefix):
                return el
    raise AssertionError(f"no {prefix} button in {call.text}")


def only_request(runtime: Any) -> LeaveRequest:
    with runtime.db.session() as s:
        rows = list(s.scalars(select(LeaveRequest)).unique())
        assert len(rows) == 1, rows
        return rows[0]
