"""Logging: plain text, or one JSON object a line (``LOG_FORMAT=json``); secrets and e-mails redacted.

Fields bound with :func:`bound` (the request key, Slack team/user/channel ids, desk, command or
action) join every line logged while they are bound, in the same thread. Every line, in either
format, passes the :class:`Redactor` first: tokens, the signing secret and e-mail addresses never
reach the log, whoever wrote the line (our code, Bolt, slack_sdk, waitress).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
FIELDS = ("request_key", "team_id", "user_id", "channel_id", "desk", "kind", "command", "action", "outbox_id",
          "outcome", "duration_ms")

_bound: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("log_fields", default=None)


def _fields() -> dict[str, Any]:
    return _bound.get() or {}

_PATTERNS = [
    (re.compile(r"\bxox[a-z]-[A-Za-z0-9-]+"), "[token]"),
    (re.compile(r"\bxapp-[A-Za-z0-9-]+"), "[token]"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[e-mail]"),
    (re.compile(r"(://[^:/@\s]+:)[^@\s]+@"), r"\1[secret]@"),  # a password in a database URL
]


@contextlib.contextmanager
def bound(**fields: Any) -> Iterator[None]:
    """Add ``fields`` to every line logged in this block (nested blocks add to the outer ones)."""
    token = _bound.set({**_fields(), **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _bound.reset(token)


class Redactor(logging.Filter):
    """Rewrites each record's message (and traceback) with secrets and e-mails masked."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[secret]")
        for pattern, mask in _PATTERNS:
            text = pattern.sub(mask, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed call must not lose the line
            message = str(record.msg)
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, the bound fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        out.update(_fields())
        for name in FIELDS:
            if name in record.__dict__:
                out[name] = record.__dict__[name]
        if record.exc_text:
            out["error"] = record.exc_text
        elif record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def configure(level: int, *, json_lines: bool = False, secrets: Iterable[str] = ()) -> logging.Handler:
    """The root logger writes to stderr through the redactor, as text or JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(Redactor(secrets))
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def secrets_of(settings: Any) -> list[str]:
    """The secret values among the settings (what the redactor masks wherever it appears)."""
    values = []
    for name in ("slack_bot_token", "slack_signing_secret", "slack_app_token"):
        value = getattr(settings, name, None)
        if value is not None:
            values.append(value.get_secret_value())
    return values

