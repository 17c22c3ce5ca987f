"""Dead letters: a notification Slack refuses for good, or that keeps failing, is parked with its
reason, never holds up the rows behind it, and admins retry or drop it from /backoffice outbox."""

from __future__ import annotations

from prometheus_client import REGISTRY
from sqlalchemy import select

from models.core.notify import notify
from models.core.outbox import OutboxMessage
from models.core.people import Person
from models.incidents.tables import channel_name
from tests.cast import ADMIN, MARIANA
from tests.incidents.helpers import report


def _queue(runtime, *channels: str) -> list[int]:
    with runtime.unit_of_work(source="test") as ctx:
        rows = [notify(ctx, "admin/role_changed", {"name": f"N{n}", "roles": ["sales"]}, channel=ch)
                for n, ch in enumerate(channels)]
        ctx.session.flush()
        ids = [r.id for r in rows]
    runtime.sender.wait_idle()
    return ids


def _row(runtime, row_id: int) -> OutboxMessage:
    with runtime.db.session() as s:
        return s.get(OutboxMessage, row_id)


def _dead_metric(reason: str) -> float:
    return REGISTRY.get_sample_value("backoffice_outbox_dead_letters_total", {"reason": reason}) or 0.0


def test_a_refused_notification_is_parked_dead_and_the_rows_behind_it_are_delivered(people, standin):
    runtime = people
    before = _dead_metric("channel_not_found")
    standin.fail("chat.postMessage", error="channel_not_found", times=1)
    gone, *behind = _queue(runtime, "C0GONE0001", "C0LIVE0001", "C0LIVE0002")
    row = _row(runtime, gone)
    assert row.status == "dead" and row.last_error == "channel_not_found" and row.dead_at is not None
    assert [_row(runtime, i).status for i in behind] == ["sent", "sent"]
    assert {c["channel"] for c in standin.messages()} == {"C0LIVE0001", "C0LIVE0002"}
    assert _dead_metric("channel_not_found") == before + 1
    runtime.clock.advance(hours=1)
    standin.reset()
    assert runtime.sender.sweep() == 0 and standin.messages() == []  # a dead letter is not retried by itself


def test_a_notification_that_keeps_failing_goes_dead_after_its_tries(people, standin):
    runtime = people
    standin.fail("chat.postMessage", error="fatal_error", seconds=3600)
    [row_id] = _queue(runtime, "C0FLAKY001")
    for _ in range(30):
        if _row(runtime, row_id).status == "dead":
            break
        runtime.clock.advance(minutes=11)  # past the longest back-off
        runtime.sender.sweep()
    row = _row(runtime, row_id)
    assert row.status == "dead" and row.attempts == 12 and row.last_error == "fatal_error"
    assert len([c for c in standin.rejected if c.method == "chat.postMessage"]) == 12
    standin.heal()
    [later] = _queue(runtime, "C0FLAKY001")
    assert _row(runtime, later).status == "sent"


def test_a_sev1_whose_channel_names_are_all_taken_stops_after_one_round(bot, standin, people, runtime):
    standin.taken_channels.update(channel_name(1, "Site fora do ar!", n) for n in range(1, 31))
    report(bot, standin, title="Site fora do ar!", severity="1")
    runtime.sender.wait_idle()
    for _ in range(5):  # the clock's sweeps go on: nothing more is tried
        runtime.clock.advance(minutes=11)
        runtime.sender.sweep()
    creates = [c for c in standin.rejected if c.method == "conversations.create"]
    assert len(creates) == 30
    with runtime.db.session() as s:
        [dead] = s.scalars(select(OutboxMessage).where(OutboxMessage.status == "dead")).all()
        assert "no free channel name" in dead.last_error


def _dead_letters_message(bot, standin, user=ADMIN):
    reply = bot.command("/backoffice", "outbox", user=user)
    assert reply.status == 200
    return reply


def test_admins_retry_and_drop_dead_letters_from_backoffice_outbox(bot, standin, people, runtime):
    standin.fail("chat.postMessage", error="not_in_channel", times=2)
    first, second = _queue(runtime, "C0PRIVATE1", "C0PRIVATE2")
    reply = _dead_letters_message(bot, standin)
    assert "2 notificações paradas" in reply.text and "not_in_channel" in reply.text
    buttons = [e for b in reply.json["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert {b["text"]["text"] for b in buttons} == {"Tentar de novo", "Descartar"}
    retry = next(b for b in buttons if b["action_id"] == f"outbox_retry:{first}")
    drop = next(b for b in buttons if b["action_id"] == f"outbox_drop:{second}")

    bot.click(retry, user=ADMIN)  # the bot was invited meanwhile
    standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == "C0PRIVATE1")
    runtime.sender.wait_idle()
    assert _row(runtime, first).status == "sent"
    shown = standin.wait_for("response_url")[-1]
    assert "voltou para a fila" in shown.text and "1 notificação parada" in shown.text

    bot.click(drop, user=ADMIN)
    standin.wait_for("response_url", count=2)
    assert _row(runtime, second).status == "dropped"
    bot.click(drop, user=ADMIN)  # twice: nothing more happens, and the admin is told why
    again = standin.wait_for("response_url", count=3)[-1]
    assert "não está mais parada" in again.text
    runtime.sender.wait_idle()
    assert not standin.messages("C0PRIVATE2")
    assert "Nada está parado" in _dead_letters_message(bot, standin).text


def test_dead_letters_in_english_and_only_for_admins(bot, standin, people, runtime):
    with runtime.unit_of_work(source="test") as ctx:
        admin = ctx.session.scalar(select(Person).where(Person.slack_user_id == ADMIN))
        admin.locale = "en"
    runtime._person_ids.clear()
    standin.fail("chat.postMessage", error="is_archived", times=1)
    _queue(runtime, "C0ARCHIVED")
    reply = _dead_letters_message(bot, standin)
    assert "1 dead letter" in reply.text and "is_archived" in reply.text and "Retry" in reply.text
    refused = _dead_letters_message(bot, standin, user=MARIANA)
    assert "admin" in refused.text and "is_archived" not in refused.text


def test_the_admins_digest_counts_the_dead_letters(bot, standin, people, runtime):
    standin.fail("chat.postMessage", error="channel_not_found", times=1)
    _queue(runtime, "C0GONE0001")
    assert "1 notificação não pôde ser entregue" in bot.command("/digest", "now", user=ADMIN).text
    assert "não pôde ser entregue" not in bot.command("/digest", "now", user=MARIANA).text
