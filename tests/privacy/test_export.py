"""/backoffice privacy export: one file with everything the bot holds about a person, in a DM."""

from __future__ import annotations

import json

from models.core.people import Person
from tests.cast import ADMIN, MARIANA, QUESIA
from tests.privacy.helpers import pid
from tests.privacy.story import HERS, THEIRS, seed


def uploaded(standin, count: int = 1) -> tuple[dict, str]:
    """The last uploaded file as JSON, and the conversation it was shared in."""
    upload = standin.wait_for("file.upload", count)[-1]
    shared = standin.wait_for("files.completeUploadExternal", count)[-1]
    return json.loads(upload["content"].decode("utf-8")), shared["channel_id"]


def test_my_export_has_everything_about_me_on_every_desk_and_nothing_of_anyone_else(bot, standin, people, runtime):
    ids = seed(bot, standin, runtime)
    resp = bot.command("/backoffice", "privacy export", user=QUESIA)
    assert resp.status == 200
    assert "tudo o que o bot guarda sobre você" in resp.text and "dados-pessoais-" in resp.text
    assert "Pedidos de ausência e observações: 2" in resp.text  # the readable summary, in Portuguese
    data, channel = uploaded(standin)
    opened = standin.of("conversations.open")[-1]
    assert opened["users"] == QUESIA and channel.startswith("D")  # her own DM

    s = data["sections"]
    assert s["profile"]["name"] == "Quésia Almeida" and s["profile"]["email"] == "quesia.almeida@empresa.com.br"
    assert s["profile"]["slack_user_id"] == QUESIA and "manager" in s["profile"]["roles"]
    notes = {r["id"]: r["note"] for r in s["leave_requests"]}
    assert notes == {ids["vacation"]: HERS["vacation_note"], ids["sick"]: HERS["sick_note"]}
    assert {a["type"] for a in s["leave_allocations"]} >= {"vacation", "sick"}
    assert [w["sku"] for w in s["stock_watches"]] == [HERS["watched_sku"]]
    booked = {t["ref"] for t in s["trades"] if "booked" in t["their_part"]}
    assert {"T20261123-0006", "T20261119-0007", "T20261123-0008"} <= booked
    assert [e["note"] for e in s["trade_events"] if e["action"] == "disputed"] == [HERS["dispute"]]
    mine = {i["ref"]: i for i in s["incidents"]}
    assert mine["INC-0001"]["title"] == HERS["incident_title"]
    assert mine["INC-0001"]["description"] == HERS["incident_description"]
    assert "INC-0002" not in mine
    assert HERS["incident_note"] in [e["text"] for e in s["incident_timeline"]]
    assert [d["channel"] for d in s["digest_subscriptions"]] == [HERS["digest_channel"]]
    actions = {a["action"] for a in s["audit"]}
    assert {"leave.requested", "trade.disputed", "incident.reported", "person.roles", "person.imported"} <= actions
    # What others did to her rows is there too: the fact, not the values (they may name others).
    by_others = {(a["action"], a["entity"], a["entity_id"]) for a in s["audit"] if not a["by_them"]}
    assert ("leave.approved", "leave_requests", str(ids["vacation"])) in by_others
    assert all("before" not in a and "after" not in a for a in s["audit"] if a["entity"] != "people")
    assert s["notifications"]  # the DMs she was sent (templates and times only)
    assert len(data["summary"]) == len(s)

    text = json.dumps(data, ensure_ascii=False)
    with runtime.db.session() as session:
        others = [p for p in session.query(Person) if p.slack_user_id != QUESIA]
        leaks = [v for p in others for v in (p.name, p.email, p.slack_user_id) if v and v in text]
    assert leaks == []
    assert [t for t in THEIRS.values() if t in text] == []


def test_admins_export_anyone_to_their_own_dm_and_others_are_refused(bot, standin, people, runtime):
    seed(bot, standin, runtime)
    refused = bot.command("/backoffice", f"privacy export <@{QUESIA}>", user=MARIANA)
    assert "Só admins podem exportar" in refused.text
    assert standin.of("file.upload") == []

    resp = bot.command("/backoffice", "privacy exportar quesia.almeida@empresa.com.br", user=ADMIN)
    assert "tudo o que o bot guarda sobre Quésia Almeida" in resp.text
    data, _channel = uploaded(standin)
    assert standin.of("conversations.open")[-1]["users"] == ADMIN
    assert data["person_id"] == pid(runtime, QUESIA)
    assert data["sections"]["leave_requests"][1]["note"] == HERS["sick_note"]  # admins see health data

    unknown = bot.command("/backoffice", "privacy", user=ADMIN)
    assert "/backoffice privacy export" in unknown.text
