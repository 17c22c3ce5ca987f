"""The Web API client: pointed at ``SLACK_API_URL``, with slack_sdk's retry handlers."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler

from bot.settings import Settings


def retry_handlers(connection_errors: bool = True) -> list[RetryHandler]:
    """Retry a dropped connection, a 429 (after its Retry-After) and a 5xx, each a little."""
    handlers: list[RetryHandler] = [RateLimitErrorRetryHandler(max_retry_count=1),
                                    ServerErrorRetryHandler(max_retry_count=1)]
    if connection_errors:
        handlers.insert(0, ConnectionErrorRetryHandler(max_retry_count=1))
    return handlers


def make_web_client(settings: Settings, token: str | None = None, *, retry_connection_errors: bool = True) -> WebClient:
    bot_token = token or (settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None)
    return WebClient(token=bot_token, base_url=settings.slack_api_url, timeout=settings.slack_timeout,
                     retry_handlers=retry_handlers(retry_connection_errors))
