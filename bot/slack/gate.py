"""``POST /slack/events`` as a guarded WSGI endpoint in front of Bolt.

Before Bolt sees anything: the body is capped (Slack's are small), the signature checked
(an unsigned body is never parsed), and the payload's shape checked (a form body where
Slack sends a form, JSON where it sends JSON, the objects a listener reads present). Each
refusal is a short JSON answer (400, 401, 405, 413) and one bounded log line; an error in a
listener is a 500 without a traceback page. :class:`BoundedLog` keeps Bolt's own log
records to one short line, with any ``response_url`` taken out.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.parse
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # a block_actions payload carries its whole message: tens of KB at most
LOG_LINE = 300

# The interactive payloads the app handles, and what a listener reads from each (with its type).
_PAYLOAD_NEEDS: dict[str, dict[str, type]] = {
    "block_actions": {"user": dict, "actions": list},
    "view_submission": {"user": dict, "view": dict},
    "view_closed": {"user": dict, "view": dict},
    "shortcut": {"user": dict, "callback_id": str},
    "message_action": {"user": dict, "callback_id": str, "message": dict},
    "block_suggestion": {"user": dict},
}
_EVENT_TYPES = {"event_callback", "url_verification", "app_rate_limited"}


class Refused(Exception):
    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def shape_problem(text: str, content_type: str) -> str | None:
    """Why this (signed) body is not a Slack request the app can read, or None if it is."""
    if content_type.startswith("application/json"):
        try:
            body = json.loads(text)
        except ValueError:
            return "body is not JSON"
        if not isinstance(body, dict) or body.get("type") not in _EVENT_TYPES:
            return "JSON body is not an Events API delivery"
        if body["type"] == "event_callback" and not isinstance(body.get("event"), dict):
            return "event_callback without an event"
        return None
    if not content_type.startswith("application/x-www-form-urlencoded"):
        return "unexpected content type"
    form = urllib.parse.parse_qs(text, keep_blank_values=True)
    if "payload" in form:
        try:
            payload = json.loads(form["payload"][0])
        except ValueError:
            return "payload is not JSON"
        if not isinstance(payload, dict) or payload.get("type") not in _PAYLOAD_NEEDS:
            return "payload is not an interactive payload the app handles"
        for key, kind in _PAYLOAD_NEEDS[payload["type"]].items():
            if not isinstance(payload.get(key), kind):
                return f"{payload['type']} without a valid {key}"
        if payload["type"] == "block_actions" and not all(isinstance(a, dict) for a in payload["actions"] or [None]):
            return "block_actions without actions"
        return None
    if "command" in form:
        if not form["command"][0].startswith("/") or not form.get("user_id", [""])[0]:
            return "slash command without a command or user"
        return None
    if "ssl_check" in form:
        return None
    return "form body is neither a command nor an interactive payload"


class SlackEndpoint:
    """The WSGI endpoint for Slack's requests: checks, then ``bolt.dispatch``."""

    def __init__(self, bolt: App, signing_secret: str) -> None:
        self.bolt = bolt
        self.verifier = SignatureVerifier(signing_secret)

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        try:
            request = self._checked(environ)
        except Refused as refused:
            log.warning("refused a request to /slack/events from %s: %s", environ.get("REMOTE_ADDR", "?"),
                        refused.reason)
            return json_response(start_response, refused.status, {"error": refused.reason})
        try:
            response = self.bolt.dispatch(request)
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("error while handling a Slack request, reference %s", ref)
            return json_response(start_response, "500 Internal Server Error", {"error": "internal error", "ref": ref})
        headers = [(k, v) for k, values in response.headers.items() for v in values]
        body = (response.body or "").encode()
        if not any(k.lower() == "content-length" for k, _ in headers):
            headers.append(("Content-Length", str(len(body))))
        start_response(f"{response.status} {_REASONS.get(response.status, 'OK')}", headers)
        return [body]

    def _checked(self, environ: dict[str, Any]) -> BoltRequest:
        if environ.get("REQUEST_METHOD") != "POST":
            raise Refused("405 Method Not Allowed", "only POST")
        try:
            declared = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise Refused("400 Bad Request", "bad Content-Length") from None
        if declared > MAX_BODY:
            raise Refused("413 Request Entity Too Large", f"body of {declared} bytes")
        raw = environ["wsgi.input"].read(declared) if declared else b""
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE")
        try:
            valid = self.verifier.is_valid(raw, timestamp, signature)
        except ValueError:  # a timestamp that is not a number
            valid = False
        if not valid:
            raise Refused("401 Unauthorized", f"bad or missing signature ({len(raw)} bytes)")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused("400 Bad Request", "body is not UTF-8") from None
        content_type = (environ.get("CONTENT_TYPE") or "").lower()
        problem = shape_problem(text, content_type)
        if problem:
            raise Refused("400 Bad Request", problem)
        headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items()
                   if key.startswith("HTTP_")}
        headers["content-type"] = content_type
        try:
            return BoltRequest(body=text, query=environ.get("QUERY_STRING", ""), headers=headers)
        except (AttributeError, KeyError, IndexError, TypeError, ValueError) as exc:  # a field of an odd type
            raise Refused("400 Bad Request", f"payload Bolt cannot read ({type(exc).__name__})") from None


_REASONS = {200: "OK", 302: "Found", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
            500: "Internal Server Error"}


def json_response(start_response: Callable, status: str, body: dict) -> Iterable[bytes]:
    payload = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]


# A response_url by its key (in a dict, JSON or a form body) or by Slack's host for them.
_RESPONSE_URL = re.compile(r"""(response_urls?['"]?\s*[:=]\s*\[?\s*['"]?)[^'"&\s,}\]]+|https?(?::|%3A)(?:/|%2F){2}hooks\.slack\.com[^'"&\s,}]*""", re.I)


class BoundedLog(logging.Filter):
    """One short line per record from Bolt: no whole request bodies, no ``response_url``.

    (A response_url lets whoever holds it post into the conversation for half an hour.)
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if len(message) > LOG_LINE or "\n" in message or _RESPONSE_URL.search(message):
            message = _RESPONSE_URL.sub(lambda m: (m.group(1) or "") + "<response_url>", message)
            message = " ".join(message.split())
            record.msg = message if len(message) <= LOG_LINE else message[: LOG_LINE - 1] + "…"
            record.args = None
        return True
