"""The outbox keeps an in-place update behind the message it updates, without waiting for a sweep."""

from __future__ import annotations

from sqlalchemy import select

from models.core.notify import notify
from models.core.outbox import OutboxMessage
from models.core.people import Person
from tests.cast import MARIANA


def test_an_update_sent_before_its_message_follows_it_as_soon_as_the_message_is_out(people, standin):
    runtime = people
    with runtime.unit_of_work(source="test") as ctx:
        mariana = ctx.session.scalar(select(Person).where(Person.slack_user_id == MARIANA))
        first = notify(ctx, "admin/role_changed", {"name": "Mariana", "roles": ["sales"]}, person=mariana)
        ctx.session.flush()
        second = notify(ctx, "admin/role_changed", {"name": "Mariana", "roles": ["manager"]}, updates=first)
        ctx.session.flush()
        ids = (first.id, second.id)
    runtime.sender.wait_idle()
    standin.reset()
    with runtime.db.session() as s:  # as if the update's worker won the race against the message's
        for row in s.scalars(select(OutboxMessage)):
            row.status, row.slack_ts = "pending", None
        s.commit()
    runtime.sender.deliver([ids[1]])
    assert standin.of("chat.update") == []
    runtime.sender.deliver([ids[0]])  # the clock has not moved: no sweep would retry it yet
    [update] = standin.wait_for("chat.update")
    assert len(standin.messages(MARIANA)) == 1
    with runtime.db.session() as s:
        assert update["ts"] == s.get(OutboxMessage, ids[0]).slack_ts  # the message just posted, in place
    assert "gestor" in update.text
