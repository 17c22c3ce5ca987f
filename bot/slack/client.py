"""The Web API client: pointed at ``SLACK_API_URL``, with slack_sdk's retry handlers."""

from __future__ import annotations

import logging

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

from bot import metrics
from bot.settings import Settings

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


def retry_handlers(connection_errors: bool = True) -> list[RetryHandler]:
    """Retry a dropped connection, a 429 (after its Retry-After) and a 5xx, each a little."""
    handlers: list[RetryHandler] = [CountedRateLimitHandler(max_retry_count=1),
                                    ServerErrorRetryHandler(max_retry_count=1)]
    if connection_errors:
        handlers.insert(0, ConnectionErrorRetryHandler(max_retry_count=1))
    return handlers


def make_web_client(settings: Settings, token: str | None = None, *, retry_connection_errors: bool = True) -> WebClient:
    bot_token = token or (settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None)
    return WebClient(token=bot_token, base_url=settings.slack_api_url, timeout=settings.slack_timeout,
                     retry_handlers=retry_handlers(retry_connection_errors))


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
