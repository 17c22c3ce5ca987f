"""Leave in the manager digest (approvals waiting, who is out) and in the App Home."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.declare import digest_section, home_section
from bot.registry import DigestScope
from bot.request import Request
from models.leave.balance import balances
from models.leave.days import local_today
from models.leave.queries import digest_approvals, digest_team_out, my_requests, waiting_for


@digest_section(template="leave/digest_approvals.j2", order=10)
def approvals_section(session: Session, scope: DigestScope) -> dict[int, dict]:
    """Digest: the leave requests waiting for each manager (one batch for all of them)."""
    return digest_approvals(session, scope)


@digest_section(template="leave/digest_out.j2", order=11)
def team_out_section(session: Session, scope: DigestScope) -> dict[int, dict]:
    """Digest: who of each manager's team is out today and on the next working day."""
    return digest_team_out(session, scope)


@home_section(template="leave/home.j2", order=20)
def home(req: Request) -> dict:
    """App Home: my balance, my upcoming requests, and requests waiting for me."""
    session, me = req.ctx.session, req.actor
    today = local_today(me, req.settings, req.ctx.now)
    mine = [r for r in my_requests(session, me, today) if r["end"] >= today.isoformat()
            and r["status"] in ("pending", "approved")]
    return {
        "balances": [b.as_dict() for b in balances(session, me, today.year, req.ctx.now)],
        "requests": mine[:8],
        "waiting": waiting_for(session, me),
    }
