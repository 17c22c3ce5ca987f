"""When the sender stops trying: dead letters.

A notification is parked ``dead``, with its reason, when Slack refuses it for good
(``channel_not_found``, ``not_in_channel``...), when an outbox kind says trying again cannot
help (:class:`Undeliverable`), or when it still fails after :data:`MAX_ATTEMPTS` tries or
:data:`MAX_AGE`. A dead row leaves the queue, so it never holds up the rows behind it; admins
see it in ``/backoffice outbox`` and in their digest, and retry or drop it.
"""

from __future__ import annotations

import datetime as dt
import logging

from bot import metrics
from models.core.outbox import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

# Twelve tries with the sender's back-off (2 s doubling, at most 10 min apart) span about
# 45 minutes: a Slack outage of that length is survived, a broken notification is not retried
# forever. Rate limiting is Slack asking us to wait, not a failure: only MAX_AGE bounds it.
MAX_ATTEMPTS = 12
MAX_AGE = dt.timedelta(hours=24)
PERMANENT = {
    "channel_not_found", "not_in_channel", "is_archived", "invalid_blocks", "msg_too_long", "user_not_found",
    "cant_update_message", "message_not_found", "no_text", "user_disabled", "account_inactive", "invalid_auth",
    "not_authed", "token_revoked", "missing_scope", "restricted_action", "channel_is_archived",
}


class Undeliverable(Exception):
    """Raised by an outbox kind when another try cannot help (e.g. no free channel name)."""


def gives_up(row: OutboxMessage, now: dt.datetime, *, permanent: bool = False, rate_limited: bool = False) -> bool:
    """True when this failure ends the row's tries."""
    if permanent or now - row.created_at >= MAX_AGE:
        return True
    return not rate_limited and row.attempts >= MAX_ATTEMPTS


def park(row: OutboxMessage, now: dt.datetime, reason: str, *, label: str) -> None:
    """Make ``row`` a dead letter (the caller commits); ``label`` is the metric's reason: a Slack
    error code, ``undeliverable`` or ``tries_exhausted`` (labels must stay few)."""
    row.status = OutboxStatus.dead.value
    row.dead_at = now
    row.lease_until = None
    row.last_error = reason[:500]
    metrics.DEAD_LETTERS.labels(reason=label if label in PERMANENT or label in ("undeliverable", "tries_exhausted")
                                else "other").inc()
    metrics.DELIVERIES.labels(outcome="dead").inc()
    log.error("outbox %s (%s) is a dead letter after %d tries: %s", row.id, row.template, row.attempts, reason)
