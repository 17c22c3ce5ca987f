"""Two admins demoting each other at the same moment: there is always an admin left."""

from __future__ import annotations

import threading

from sqlalchemy import select

from models.core.errors import DomainError
from models.core.people import Person, Role, admins
from models.core.people_flow import set_role
from tests.cast import EDUARDA, SOFIA

ROUNDS = 6


def _person_id(runtime, slack_id: str) -> int:
    with runtime.db.session(readonly=True) as s:
        return s.scalar(select(Person.id).where(Person.slack_user_id == slack_id))


def _demote(runtime, actor: int, target: int) -> str:
    try:
        with runtime.unit_of_work(actor=actor, source="test") as ctx:
            set_role(ctx, ctx.session.get(Person, target), Role.admin, grant=False)
        return "demoted"
    except DomainError as err:
        return type(err).__name__


def test_concurrent_demotions_of_the_last_two_admins_leave_one(people):
    runtime = people
    eduarda, sofia = _person_id(runtime, EDUARDA), _person_id(runtime, SOFIA)
    with runtime.unit_of_work(actor=eduarda, source="test") as ctx:
        set_role(ctx, ctx.session.get(Person, sofia), Role.admin)
    outcomes = []
    for _ in range(ROUNDS):
        results: dict[int, str] = {}
        gate = threading.Barrier(2)

        def run(actor: int, target: int, gate: threading.Barrier = gate, results: dict = results) -> None:
            gate.wait()
            results[actor] = _demote(runtime, actor, target)

        threads = [threading.Thread(target=run, args=pair) for pair in ((eduarda, sofia), (sofia, eduarda))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        with runtime.db.session(readonly=True) as s:
            left = [p.id for p in admins(s)]
        outcomes.append(sorted(results.values(), key=lambda o: o != "demoted"))
        assert len(left) == 1, outcomes
        # Put the other one back for the next round.
        with runtime.unit_of_work(actor=left[0], source="test") as ctx:
            set_role(ctx, ctx.session.get(Person, sofia if left[0] == eduarda else eduarda), Role.admin)
    assert all(o[0] == "demoted" and o[1] in ("ValidationError", "PermissionDenied") for o in outcomes), outcomes


def test_the_last_admin_still_cannot_drop_their_own_role(people):
    eduarda = _person_id(people, EDUARDA)
    assert _demote(people, eduarda, eduarda) == "ValidationError"
