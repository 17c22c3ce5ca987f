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

from bot.settings import Settings

log = logging.getLogger(__name__)

REFUSED = ("invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired")


def retry_handlers() -> list[RetryHandler]:
    """Retry a dropped connection, a 429 (after its Retry-After) and a 5xx, each a little."""
    return [
        ConnectionErrorRetryHandler(max_retry_count=1),
        RateLimitErrorRetryHandler(max_retry_count=1),
        ServerErrorRetryHandler(max_retry_count=1),
    ]


def make_web_client(settings: Settings, token: str | None = None) -> WebClient:
    bot_token = token or (settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None)
    return WebClient(token=bot_token, base_url=settings.slack_api_url, timeout=10, retry_handlers=retry_handlers())


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
