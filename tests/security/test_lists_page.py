"""Lists never drop items silently: each page says what it shows, and Next/Previous reach the rest."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from models.core.people import Person
from models.incidents import flow as incidents
from models.leave.flow import file_request
from models.leave.tables import get_type
from tests.cast import ADMIN, MARIANA, TIAGO
from tests.harness import Response


def _id(runtime, slack_id: str) -> int:
    with runtime.db.session(readonly=True) as s:
        return s.scalar(select(Person.id).where(Person.slack_user_id == slack_id))


def _buttons(msg: dict, prefix: str) -> list[dict]:
    return [e for b in msg.get("blocks", []) if b.get("type") == "actions" for e in b["elements"]
            if e["action_id"].startswith(prefix)] + \
           [b["accessory"] for b in msg.get("blocks", []) if (b.get("accessory") or {}).get("action_id", "")
            .startswith(prefix)]


def _within_limits(msg: dict) -> None:
    assert len(msg["blocks"]) <= 50
    for b in msg["blocks"]:
        assert len((b.get("text") or {}).get("text", "")) <= 3000


def _pages(bot, standin, first: Response, action: str, user: str) -> list[dict]:
    """The first page, then every page reached with Next (each rewriting the message)."""
    pages = [first.json]
    while (nxt := _buttons(pages[-1], action + ":next")):
        before = len(standin.of("response_url"))
        assert bot.click(nxt[0], user=user).status == 200
        call = standin.wait_for("response_url", before + 1)[-1]
        assert call["replace_original"] in (True, "true")
        pages.append({"blocks": call["blocks"] if isinstance(call["blocks"], list) else json.loads(call["blocks"])})
    return pages


def _said(msg: dict) -> str:
    return json.dumps(msg, ensure_ascii=False)


def test_thirty_pending_leave_requests_are_all_reachable_with_their_buttons(bot, standin, people, runtime):
    mariana = _id(runtime, MARIANA)
    day = dt.date(2027, 1, 4)
    with runtime.unit_of_work(actor=mariana, source="test") as ctx:
        unpaid = get_type(ctx.session, "unpaid")
        for _ in range(30):
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            file_request(ctx, unpaid, day, day)
            day += dt.timedelta(days=1)
    first = bot.command("/leave", "pending", user=TIAGO)
    assert "30 pedidos de ausência esperam por você" in first.text
    pages = _pages(bot, standin, first, "leave_pending_page", TIAGO)
    assert len(pages) == 3
    approve = [b["value"] for p in pages for b in _buttons(p, "leave_approve")]
    assert len(approve) == len(set(approve)) == 30
    assert "Mostrando 1–10 de 30" in _said(pages[0]) and "Mostrando 21–30 de 30" in _said(pages[2])
    for p in pages:
        _within_limits(p)
    assert _buttons(pages[2], "leave_pending_page:prev") and not _buttons(pages[0], "leave_pending_page:prev")


def test_sixty_open_incidents_are_all_listed_over_pages(bot, standin, people, runtime):
    admin = _id(runtime, ADMIN)
    with runtime.unit_of_work(actor=admin, source="test") as ctx:
        for n in range(60):
            incidents.report(ctx, title=f"Falha número {n:02d} " + "x" * 120, severity="4", service="ERP " * 10)
    first = bot.command("/incident", "list", user=ADMIN)
    assert "60 incidentes abertos" in first.text
    pages = _pages(bot, standin, first, "incident_list_page", ADMIN)
    shown = [n for p in pages for n in range(1, 61) if f"INC-{n:04d}" in _said(p)]
    assert sorted(shown) == list(range(1, 61)) and len(pages) == 3
    for p in pages:
        _within_limits(p)


def test_the_people_list_pages_and_keeps_its_filter(bot, standin, people, runtime, monkeypatch):
    import handlers.admin.commands as admin

    monkeypatch.setattr(admin, "PEOPLE_PAGE", 5)
    first = bot.command("/backoffice", "people vendas", user=ADMIN)
    pages = _pages(bot, standin, first, "people_page", ADMIN)
    with runtime.db.session(readonly=True) as s:
        sales = sorted(s.scalars(select(Person.name).where(Person.team == "Vendas")))
    listed = sorted(name for name in sales if any(f"*{name}*" in _said(p) for p in pages))
    assert listed == sales and len(pages) == -(-len(sales) // 5)
