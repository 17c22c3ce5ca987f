"""The world the reliability stories act in: who plays each role, and what each desk holds."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
from typing import Any

from models.core import people as people_domain
from models.incidents import flow as incidents_flow
from models.incidents.tables import get_incident
from models.leave import flow as leave_requests
from models.leave.tables import get_type
from tests.cast import ANA, EDUARDA, GABRIELA, HENRIQUE, ISABELA, JOAO, KARINA, MARIANA, NICOLAS, QUESIA
from tests.stock.conftest import CATALOGUE, Importer
from tests.trades.conftest import DATA as TRADES_DATA
from tests.trades.conftest import import_file

ROLES = {
    "stranger": "U0STRANGE1",
    "employee": JOAO,
    "sales": MARIANA,
    "backoffice": QUESIA,
    "oncall": HENRIQUE,
    "manager": ISABELA,
    "admin": EDUARDA,
}
# People a rule names by what they did, not by role.
OTHERS = {
    "Nicolas, booked the trades": NICOLAS,  # back office
    "Ana, booked the breaks": ANA,  # back office
    "Gabriela, imported both": GABRIELA,  # back office (and manager): imported the trades here
    "Karina, on call, not assignee": KARINA,
}
# Matched trades booked by Nicolas; mismatched ones (price, net amount) booked by Ana.
TRADE, TRADE2, BREAK, BREAK2 = "T20261123-0001", "T20261123-0017", "T20261123-0003", "T20261119-0012"


def as_person(runtime, slack_id: str):
    return runtime.unit_of_work(actor=runtime.person_id_for_slack_user(slack_id), source="test")



DESKS = ["backoffice", "stock", "leave", "trade", "incident", "digest"]


def build_world(runtime, standin, tmp_path, desks) -> dict[str, Any]:
    """Everyone seen once, then what the desks' rows act on: the stock catalogue; João's vacation
    and sick leave and Isabela's own vacation; the sample trades and confirmations (imported by
    Gabriela); an open incident and a resolved one assigned to Henrique (on call)."""
    world: dict[str, Any] = {"trade": TRADE, "trade2": TRADE2, "break": BREAK, "break2": BREAK2}
    for slack_id in [*ROLES.values(), *OTHERS.values()]:
        runtime.person_id_for_slack_user(slack_id)
    if "stock" in desks:
        code, _out, err = Importer(runtime, tmp_path).file(CATALOGUE)
        assert code == 0, err
    if "trade" in desks:
        for kind in ("trades", "confirmations"):
            code, _out, err = import_file(runtime, kind, TRADES_DATA / f"{kind}.csv",
                                          actor=OTHERS["Gabriela, imported both"])
            assert code == 0, err
    if "leave" in desks:
        with as_person(runtime, ROLES["employee"]) as ctx:
            vacation, sick = get_type(ctx.session, "vacation"), get_type(ctx.session, "sick")
            world["leave"] = leave_requests.file_request(ctx, vacation, dt.date(2026, 12, 14),
                                                         dt.date(2026, 12, 18)).id
            world["sick"] = leave_requests.file_request(ctx, sick, dt.date(2026, 12, 7), dt.date(2026, 12, 8),
                                                        note="consulta").id
        with as_person(runtime, ROLES["manager"]) as ctx:
            world["own"] = leave_requests.file_request(ctx, get_type(ctx.session, "vacation"),
                                                       dt.date(2026, 12, 21), dt.date(2026, 12, 23)).id
    if "incident" in desks:
        with as_person(runtime, ROLES["sales"]) as ctx:
            world["inc_n"] = incidents_flow.report(ctx, title="Checkout fora do ar", severity="3").number
            world["done_n"] = incidents_flow.report(ctx, title="Impressora parada", severity="4").number
        with as_person(runtime, ROLES["admin"]) as ctx:
            done = get_incident(ctx.session, world["done_n"], lock=True)
            incidents_flow.assign(ctx, done, people_domain.get_person(ctx.session, ROLES["oncall"]))
            incidents_flow.resolve(ctx, done)
        world["inc"], world["done"] = f"INC-{world['inc_n']:04d}", f"INC-{world['done_n']:04d}"
    runtime.sender.wait_idle(timeout=30)
    standin.settle()
    return world




def row_counts(runtime) -> dict[str, int]:
    """Rows in every table, in one query (what "nothing stored" is checked against), once the
    notifications already queued have left."""
    from sqlalchemy import func, literal, select, union_all

    import models
    from models.core.base import Base

    models.load_all()
    runtime.sender.wait_idle(timeout=30)
    tables = Base.metadata.sorted_tables
    query = union_all(*(select(literal(t.name).label("name"), select(func.count()).select_from(t).scalar_subquery()
                                                                 .label("n")) for t in tables))
    with runtime.db.session() as s:
        return {name: n for name, n in s.execute(query)}


class Listeners:
    """Knows when the bot has finished with what it was sent: Bolt acks first, then runs the
    listener in its thread pool; every task handed to that pool is awaited."""

    def __init__(self, bot) -> None:
        self.tasks: list[concurrent.futures.Future] = []
        pool = bot.app.bolt._listener_runner.listener_executor
        submit = pool.submit

        def tracked(*args: Any, **kw: Any) -> concurrent.futures.Future:
            future = submit(*args, **kw)
            self.tasks.append(future)
            return future

        pool.submit = tracked

    def finished(self) -> None:
        concurrent.futures.wait(self.tasks)
