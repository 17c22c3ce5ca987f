"""The stock parts of the managers' digest (sales) and of the App Home (my watched products)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from bot.declare import digest_section, home_section
from bot.registry import DigestScope
from bot.request import Request
from models.stock.flow import watched
from models.stock.tables import low_stock

DIGEST_ITEMS = 5


@digest_section(template="stock/digest_section.j2", order=40, roles=("sales",))
def digest(session: Session, scope: DigestScope) -> dict[int, dict]:
    """Low stock, worst first: the same list for every sales manager, read once for all of them."""
    # One list for every reader: "late" is judged on the first reader's local date (the digest's day).
    today = dt.date.fromisoformat(str(scope.managers.iloc[0].day)[:10]) if len(scope.managers) else None
    items, total = low_stock(session, limit=DIGEST_ITEMS, today=today)
    if not total:
        return {}
    data = {"items": items, "total": total}
    out = {}
    for row in scope.managers.itertuples(index=False):
        roles = set(row.roles or ())
        if "sales" in roles:
            out[int(row.person_id)] = data
    return out


@home_section(template="stock/home_section.j2", order=40)
def home(req: Request) -> dict | None:
    """What I am waiting for; hidden when I watch nothing."""
    items = watched(req.ctx)
    return {"items": items} if items else None
