"""Leave in the scheduler, the manager digest and the App Home."""

from __future__ import annotations

from typing import Any

from bot.registry import Registry
from bot.request import Request
from models.leave.balance import balances
from models.leave.calendar import local_today
from models.leave.queries import (
    digest_approvals,
    digest_team_out,
    my_requests,
    send_reminders,
    waiting_for,
)


def reminders_job(runtime: Any, now: Any) -> str:
    """Remind approvers of undecided requests (1 and 3 business days), then the admins (5)."""
    with runtime.unit_of_work(source="scheduler") as ctx:
        ctx.now = now
        done = send_reminders(ctx)
    return f"leave reminders: {len(done)} sent" + "".join(f"\n  {line}" for line in done)


def approvals_section(session: Any, scope: Any) -> dict[int, dict]:
    """Digest: the leave requests waiting for each manager (one batch for all of them)."""
    return digest_approvals(session, scope)


def team_out_section(session: Any, scope: Any) -> dict[int, dict]:
    """Digest: who of each manager's team is out today and on the next working day."""
    return digest_team_out(session, scope)


def home_section(req: Request) -> dict:
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


def register(registry: Registry) -> None:
    registry.job("leave.reminders", every_minutes=60,
                 help="remind approvers of undecided leave (1 and 3 business days), then admins (5)")(reminders_job)
    registry.digest_section("leave", template="leave/digest_approvals.j2", order=10)(approvals_section)
    registry.digest_section("leave", template="leave/digest_out.j2", order=11)(team_out_section)
    registry.home_section("leave", template="leave/home.j2", order=20)(home_section)
