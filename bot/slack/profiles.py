"""Who a Slack user is: ``users.info`` read into plain fields, bounded so the ack is never late.

A first-time user's request waits at most :data:`LOOKUP_WAIT` for ``users.info``; past that
the person is created from defaults (the name Slack put in the request, the default zone and
language) so Slack gets its answer within 3 s, and the profile fills them in when it arrives.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from bot.runtime import Runtime
from models.core.people_sync import Profile

log = logging.getLogger(__name__)

LOOKUP_WAIT = 1.0  # seconds of Slack's 3 s a first request may spend on users.info
_lookups = ThreadPoolExecutor(max_workers=4, thread_name_prefix="users-info")


def profile_of(user: dict) -> Profile:
    """The plain fields of a ``users.info`` user object."""
    profile = user.get("profile") or {}
    name = (profile.get("real_name") or user.get("real_name") or profile.get("display_name") or user.get("name"))
    return Profile(name=name, email=profile.get("email"), locale=user.get("locale"), tz=user.get("tz"))


def _users_info(client: Any, user_id: str) -> Profile:
    try:
        return profile_of(client.users_info(user=user_id, include_locale=True).get("user") or {})
    except Exception as exc:  # noqa: BLE001 - an unknown profile must not block the request
        log.warning("users.info failed for %s: %s", user_id, type(exc).__name__)
        return Profile()


def person_id(runtime: Runtime, user_id: str, client: Any, name_in_request: str | None = None) -> int:
    """The person's id, creating them (from ``users.info`` if it answers in time) the first time."""
    pending: list[Future] = []

    def lookup() -> Profile:
        future = _lookups.submit(_users_info, client, user_id)
        try:
            return future.result(timeout=LOOKUP_WAIT)
        except FutureTimeout:
            log.info("users.info slow for %s; answering with defaults, profile to follow", user_id)
            pending.append(future)
            return Profile(name=name_in_request)

    found = runtime.person_id_for_slack_user(user_id, lookup)
    for future in pending:
        future.add_done_callback(lambda f: _enrich(runtime, user_id, f))
    return found


def _enrich(runtime: Runtime, user_id: str, future: Future) -> None:
    try:
        runtime.enrich_slack_person(user_id, future.result())
    except Exception:
        log.exception("could not fill in the profile of %s", user_id)


def name_in_request(body: dict) -> str | None:
    """The user name Slack puts in the request itself (commands: ``user_name``; others: ``user.name``)."""
    user = body.get("user")
    user = user if isinstance(user, dict) else {}
    return body.get("user_name") or user.get("name") or user.get("username")
