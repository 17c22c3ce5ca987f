"""Watching each Slack request: its log fields, one summary line, and its metrics.

:func:`observed` wraps a Bolt listener: while it runs, every log line carries the request key,
the Slack team/user/channel ids, the desk and the command or action; when it ends, one line
says the outcome and the duration, and the request and handler-latency metrics count it. The
outcome is what :meth:`SlackAdapter.run` stored in the context (``ok``, ``error``,
``field_error``, ``duplicate``), ``failed`` if the listener raised, ``ignored`` if it never ran
a handler. Message text is never logged.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from bot import logs, metrics
from bot.registry import Registry

log = logging.getLogger("bot.requests")


def kind_of(body: dict) -> str:
    """command, action, view, shortcut or event (what Slack sent)."""
    if "command" in body:
        return "command"
    kind = body.get("type")
    if kind == "block_actions":
        return "action"
    if kind in ("view_submission", "view_closed"):
        return "view"
    if kind in ("shortcut", "message_action"):
        return "shortcut"
    return "event"


def _desk(fn: Any) -> str | None:
    """The desk a handler belongs to: ``handlers.<desk>.…`` (``platform`` for the runtime's own)."""
    module = getattr(fn, "__module__", "") or ""
    parts = module.split(".")
    if parts[0] == "handlers" and len(parts) > 1:
        return parts[1]
    return "platform" if module else None


def describe(body: dict, registry: Registry) -> dict[str, Any]:
    """The log fields of a request (ids and names only, never what people typed)."""
    kind = kind_of(body)
    event = body.get("event") or {}
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    user = body.get("user_id") or (body.get("user") or {}).get("id") or event.get("user")
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id") or event.get("channel") \
        or (body.get("container") or {}).get("channel_id")
    fields: dict[str, Any] = {"kind": kind, "team_id": team, "user_id": user, "channel_id": channel}
    if kind == "command":
        name = body["command"].lstrip("/")
        cmd = registry.commands.get(name)
        entry = cmd.resolve(body.get("text") or "")[0] if cmd else None
        sub = (body.get("text") or "").split(" ", 1)[0].lower() if entry is not None and entry.name else ""
        fields.update(command=f"/{name} {sub}".strip(), desk=_desk(entry.handler) if entry else name)
    elif kind == "action":
        action_id = ((body.get("actions") or [{}])[0]).get("action_id", "")
        found = registry.find_action(action_id)
        fields.update(action=action_id.split(":", 1)[0], desk=_desk(found.handler) if found else None)
    elif kind == "view":
        callback = (body.get("view") or {}).get("callback_id", "")
        fields.update(action=callback, desk=_desk(registry.views.get(callback)))
    elif kind == "shortcut":
        callback = body.get("callback_id", "")
        shortcut = registry.shortcuts.get(callback)
        fields.update(action=callback, desk=_desk(shortcut.handler) if shortcut else None)
    else:
        event_type = event.get("type", "")
        handlers = registry.events.get(event_type) or []
        is_text = event_type == "app_mention" or (event_type == "message" and event.get("channel_type") == "im")
        fields.update(action=event_type, desk="chat" if is_text else _desk(handlers[0]) if handlers else None)
    return fields


def observed(listener: Callable, registry: Registry) -> Callable:
    """``listener`` with its request's log fields bound, its summary line and its metrics."""

    @functools.wraps(listener)
    def wrapper(**kwargs: Any) -> Any:
        body, context = kwargs.get("body") or {}, kwargs.get("context")
        fields = describe(body, registry)
        desk = fields.get("desk") or "unknown"
        started = time.monotonic()
        outcome = "failed"
        with logs.bound(request_key=context.get("request_key") if context is not None else None, **fields):
            try:
                result = listener(**kwargs)
                outcome = (context.get("outcome") if context is not None else None) or "ignored"
                return result
            finally:
                elapsed = time.monotonic() - started
                metrics.REQUESTS.labels(kind=fields["kind"], desk=desk, outcome=outcome).inc()
                metrics.HANDLER_SECONDS.labels(kind=fields["kind"], desk=desk).observe(elapsed)
                what = fields.get("command") or fields.get("action") or fields["kind"]
                log.info("%s %s: %s in %.0f ms", fields["kind"], what, outcome, elapsed * 1000,
                         extra={"outcome": outcome, "duration_ms": round(elapsed * 1000, 1)})

    return wrapper


def acked(kind: str, started: float) -> None:
    """A request was acknowledged ``started`` seconds (monotonic) after it arrived."""
    metrics.ACK_SECONDS.labels(kind=kind).observe(time.monotonic() - started)
