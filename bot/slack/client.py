"""The Web API client: pointed at ``SLACK_API_URL``, with slack_sdk's retry handlers.

The outbox's client is a :class:`PacedWebClient`: every call waits for its slot in the
:class:`~bot.slack.pacing.Pacer` instead of sleeping in slack_sdk's rate-limit handler.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse

from bot import metrics
from bot.settings import Settings
from bot.slack.pacing import Pacer

log = logging.getLogger(__name__)

REFUSED = ("invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired")


class CountedRateLimitHandler(RateLimitErrorRetryHandler):
    """slack_sdk's wait-for-Retry-After, with each wait counted (``backoffice_outbox_retry_after_seconds``)."""

    def prepare_for_next_attempt(self, *, state: RetryState, request: HttpRequest,
                                 response: HttpResponse | None = None, error: Exception | None = None) -> None:
        if response is not None:
            header = next((v for k, v in response.headers.items() if k.lower() == "retry-after"), None)
            try:
                metrics.RETRY_AFTER.observe(float(header[0] if isinstance(header, list) else header or 1))
            except ValueError:
                metrics.RETRY_AFTER.observe(1.0)
        super().prepare_for_next_attempt(state=state, request=request, response=response, error=error)


def retry_handlers(connection_errors: bool = True, rate_limits: bool = True) -> list[RetryHandler]:
    """Retry a dropped connection, a 429 (after its Retry-After) and a 5xx, each a little."""
    handlers: list[RetryHandler] = [ServerErrorRetryHandler(max_retry_count=1)]
    if rate_limits:
        handlers.insert(0, CountedRateLimitHandler(max_retry_count=1))
    if connection_errors:
        handlers.insert(0, ConnectionErrorRetryHandler(max_retry_count=1))
    return handlers


def make_web_client(settings: Settings, token: str | None = None, *, retry_connection_errors: bool = True) -> WebClient:
    bot_token = token or (settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None)
    return WebClient(token=bot_token, base_url=settings.slack_api_url, timeout=settings.slack_timeout,
                     retry_handlers=retry_handlers(retry_connection_errors))


class Paced(Exception):
    """This call's slot is ``delay`` seconds away: nothing was sent; put the row back for then."""

    def __init__(self, method: str, delay: float) -> None:
        super().__init__(f"{method} paced for {delay:.1f} s")
        self.method, self.delay = method, delay


def retry_after(response: Any) -> float:
    """Seconds Slack asked us to wait (its ``Retry-After``; 1 when missing or unreadable)."""
    headers = getattr(response, "headers", None) or {}
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    try:
        return max(1.0, float(value[0] if isinstance(value, list) else value or 1))
    except ValueError:
        return 5.0


def _channel_of(*bodies: dict | None) -> str | None:
    for body in bodies:
        if body:
            found = body.get("channel") or body.get("channel_id")
            if isinstance(found, str) and found:
                return found
    return None


class PacedWebClient(WebClient):
    """A Web API client that keeps within Slack's limits (see :mod:`bot.slack.pacing`).

    Each call waits for its slot; one too far off raises :class:`Paced` before anything is
    sent; a 429 pauses its method for every thread. DMs opened (or posted to by user id) are
    remembered, so a digest's chart does not spend a Tier-3 ``conversations.open`` per manager.
    """

    def __init__(self, *args: Any, pacer: Pacer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pacer = pacer
        self._dms: dict[str, str] = {}
        self._dms_lock = threading.Lock()

    def api_call(self, api_method: str, *, http_verb: str = "POST", files: dict | None = None,
                 data: dict | None = None, params: dict | None = None, json: dict | None = None,
                 headers: dict | None = None, auth: dict | None = None) -> SlackResponse:
        user = _channel_of({"channel": (params or {}).get("users")}) if api_method == "conversations.open" else None
        if user is not None and "," not in user:
            with self._dms_lock:
                dm = self._dms.get(user)
            if dm is not None:
                return SlackResponse(client=self, http_verb=http_verb, api_url=api_method, req_args={},
                                     data={"ok": True, "channel": {"id": dm}}, headers={}, status_code=200)
        channel = _channel_of(json, data, params)
        slot = self.pacer.wait(api_method, channel)
        if not slot.booked:
            raise Paced(api_method, slot.wait)
        try:
            resp = super().api_call(api_method, http_verb=http_verb, files=files, data=data, params=params,
                                    json=json, headers=headers, auth=auth)
        except SlackApiError as exc:
            if getattr(exc.response, "status_code", None) == 429:
                wait = retry_after(exc.response)
                metrics.RETRY_AFTER.observe(wait)
                self.pacer.pause(api_method, wait)
            raise
        self._remember_dm(api_method, user or channel, resp)
        return resp

    def _remember_dm(self, method: str, who: str | None, resp: SlackResponse) -> None:
        if not who or who[:1] not in ("U", "W"):
            return
        found = resp.get("channel")
        dm = found.get("id") if isinstance(found, dict) else found
        if method in ("chat.postMessage", "conversations.open") and isinstance(dm, str) and dm.startswith("D"):
            with self._dms_lock:
                self._dms[who] = dm


def make_paced_client(settings: Settings, pacer: Pacer, *, retry_connection_errors: bool = True) -> PacedWebClient:
    """The outbox's client: 429s go to the pacer (no sleeping in slack_sdk's handler)."""
    bot_token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return PacedWebClient(token=bot_token, base_url=settings.slack_api_url, timeout=settings.slack_timeout,
                          retry_handlers=retry_handlers(retry_connection_errors, rate_limits=False), pacer=pacer)


def token_status(client: WebClient) -> str:
    """``ok``, ``refused`` (Slack rejects the token) or ``unreachable``, from one ``auth.test``."""
    try:
        client.auth_test()
        return "ok"
    except SlackApiError as exc:
        code = exc.response.get("error") if exc.response is not None else None
        return "refused" if code in REFUSED else "unreachable"
    except Exception:  # noqa: BLE001 - Slack down or unreachable
        return "unreachable"


def token_refused(settings: Settings) -> str | None:
    """Why Slack refuses ``SLACK_BOT_TOKEN`` (one line for the operator), or None; an outage only warns."""
    try:
        make_web_client(settings).auth_test()
    except SlackApiError as exc:
        code = exc.response.get("error") if exc.response is not None else "unknown"
        if code in REFUSED:
            return (f"Slack refused SLACK_BOT_TOKEN ({code}): copy the bot token again from the app's "
                    "OAuth & Permissions page.")
        log.warning("auth.test failed (%s); starting anyway", code)
    except Exception as exc:  # noqa: BLE001 - Slack unreachable: serve anyway, requests will tell
        log.warning("cannot reach Slack at SLACK_API_URL (%s); starting anyway", type(exc).__name__)
    return None
