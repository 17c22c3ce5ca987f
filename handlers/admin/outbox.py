"""/backoffice outbox: the dead letters (notifications Slack refused or that kept failing), with
Retry and Drop buttons; and their count in the admins' digest."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.declare import button, digest_section, subcommand
from bot.registry import DigestScope
from bot.replies import Reply
from bot.request import Request
from models.core import dead_letters
from models.core.errors import N_, ValidationError
from models.core.people import Role

SHOWN = 10  # two blocks each, well inside Block Kit's 50


def _listing(req: Request, done: dict | None = None) -> Reply:
    letters, total = dead_letters.dead_letters(req.ctx, limit=SHOWN)
    return Reply("admin/outbox", {"letters": [vars(letter) for letter in letters], "total": total, "done": done},
                 replace_original=done is not None)


@subcommand("backoffice", "outbox", usage=N_("/backoffice outbox"),
            help=N_("Notifications Slack refused for good or that kept failing, with Retry and Drop."),
            role=Role.admin, aliases=("saida",))
def outbox(req: Request) -> Reply:
    return _listing(req)


def _outbox_id(req: Request) -> int:
    try:
        return int(req.value or "")
    except ValueError:
        raise ValidationError(N_("That button no longer points at a notification; run `/backoffice outbox` again.")) \
            from None


@button("outbox_retry", role=Role.admin)
def retry(req: Request) -> Reply:
    letter = dead_letters.retry(req.ctx, _outbox_id(req))
    return _listing(req, {"id": letter.id, "retried": True})


@button("outbox_drop", role=Role.admin)
def drop(req: Request) -> Reply:
    letter = dead_letters.drop(req.ctx, _outbox_id(req))
    return _listing(req, {"id": letter.id, "retried": False})


@digest_section(template="admin/digest_section.j2", order=95, roles=("admin",))
def digest(session: Session, scope: DigestScope) -> dict[int, dict]:
    """The admins' digest: how many dead letters wait for them (nothing when there are none)."""
    total = dead_letters.count_dead(session)
    if not total:
        return {}
    return {int(row.person_id): {"total": total} for row in scope.managers.itertuples(index=False)
            if "admin" in set(row.roles or ())}

