"""Settings from the environment and a ``.env`` file (pydantic-settings).

Every setting has a safe default except the Slack secrets, which only the commands that
talk to Slack ask for (:meth:`Settings.require`). A bad value stops start-up with one line
that names the setting and says what is expected; secret values are never echoed.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCALES = ("en", "pt-BR")


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line, fit for an operator."""


def _hhmm(value: str) -> str:
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value.strip()):
        raise ValueError("expected a time of day as HH:MM, 24-hour clock, e.g. 09:00")
    return value.strip()


class Settings(BaseSettings):
    """All runtime settings; names match the environment variables (case-insensitive)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = "sqlite:///./backoffice.db"
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_timeout: int = Field(default=10, ge=1, le=120)  # seconds a Web API call may take
    port: int = Field(default=3000, ge=1, le=65535)
    web_threads: int = Field(default=16, ge=1, le=256)  # request threads of one `serve` process
    tz_default: str = "America/Sao_Paulo"
    locale_default: Literal["en", "pt-BR"] = "pt-BR"
    country_default: str = "BR"
    subdivision_default: str = "SP"

    stock_channel: str = "#estoque"
    trades_channel: str = "#backoffice-trades"
    incidents_channel: str = "#incidentes"
    oncall_channel: str = "#oncall"

    leave_policy: Literal["standard", "clt"] = "standard"
    team_max_out: int = Field(default=0, ge=0, description="0: no limit")
    # /leave who says "out"; true shows the type of non-private leave to everyone (private: never).
    leave_who_shows_type: bool = False
    company_days_off: str = ""  # comma-separated ISO dates

    trades_cutoff: str = "18:00"
    trades_tz: str = "America/Sao_Paulo"
    trades_price_tolerance_pct: Decimal = Decimal("0.05")
    trades_net_tolerance: Decimal = Decimal("1.00")
    import_operator: str | None = None  # who a trades/confirmations import is recorded as without --as

    incident_ack_minutes: str = "5,15,60,0"  # SEV1..SEV4; 0 = next business day
    incident_update_minutes: str = "30,60,240,0"  # 0 = no update reminders

    digest_time: str = "09:00"
    digest_grace_hours: float = Field(default=3.0, ge=0)
    public_url: str | None = None  # where `serve` is reached from outside (calendar feed links)
    privacy_health_retention_days: int = Field(default=90, ge=1, le=3650)
    privacy_audit_horizon_days: int = Field(default=1825, ge=30, le=36500)
    run_scheduler: bool = False  # run the clock inside serve/socket (single-process deployments)
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    metrics_port: int | None = Field(default=None, ge=1, le=65535)  # scheduler and socket worker: /metrics
    socket_ping_interval: float = Field(default=10.0, gt=0, le=60)  # Socket Mode: ping, and notice a dropped socket
    shutdown_grace: float = Field(default=20.0, ge=0, le=300)  # seconds to finish in-flight work on SIGTERM

    @field_validator("tz_default", "trades_tz")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError("expected an IANA time zone such as America/Sao_Paulo") from None
        return value

    @field_validator("digest_time", "trades_cutoff")
    @classmethod
    def _time(cls, value: str) -> str:
        return _hhmm(value)

    @field_validator("database_url")
    @classmethod
    def _db(cls, value: str) -> str:
        if not re.match(r"^(sqlite|postgresql)(\+\w+)?://", value):
            raise ValueError("expected sqlite:///path.db or postgresql://user@host/db")
        if value.startswith(("postgresql://", "postgres://")):
            value = "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api(cls, value: str) -> str:
        if not re.match(r"^https?://", value):
            raise ValueError("expected an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("public_url")
    @classmethod
    def _public(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not re.match(r"^https?://[^\s/]+", value.strip()):
            raise ValueError("expected the public http(s) address of `serve`, e.g. https://bot.example.com")
        return value.strip().rstrip("/")

    @field_validator("incident_ack_minutes", "incident_update_minutes")
    @classmethod
    def _four_minutes(cls, value: str) -> str:
        parts = [p.strip() for p in value.split(",")]
        if len(parts) != 4 or not all(p.isdigit() for p in parts):
            raise ValueError("expected four whole numbers of minutes for SEV1..SEV4, e.g. 5,15,60,0")
        return value

    @field_validator("company_days_off")
    @classmethod
    def _days(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            try:
                dt.date.fromisoformat(part)
            except ValueError:
                raise ValueError("expected comma-separated dates as YYYY-MM-DD") from None
        return value

    # -- derived values -------------------------------------------------------------------
    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.tz_default)

    @property
    def days_off(self) -> set[dt.date]:
        return {dt.date.fromisoformat(p.strip()) for p in self.company_days_off.split(",") if p.strip()}

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def signing_secret(self) -> str:
        """The signing secret Bolt checks every request with (``serve`` and ``socket`` require it)."""
        if self.slack_signing_secret is None:
            raise SettingsError(f"SLACK_SIGNING_SECRET is not set: {_NEEDS['slack_signing_secret']}.")
        return self.slack_signing_secret.get_secret_value()

    def minutes(self, name: str) -> list[int]:
        """The four per-severity minute values of ``incident_ack_minutes`` or ``incident_update_minutes``."""
        return [int(p) for p in getattr(self, name).split(",")]

    def require(self, *names: str) -> None:
        """Stop with a clear line if a setting that this command needs is missing."""
        for name in names:
            value = getattr(self, name)
            if value is None or (isinstance(value, SecretStr) and not value.get_secret_value().strip()):
                raise SettingsError(f"{name.upper()} is not set: {_NEEDS.get(name, 'it is required')}.")
        token = self.slack_bot_token.get_secret_value() if self.slack_bot_token else ""
        if "slack_bot_token" in names and not token.startswith("xoxb-"):
            raise SettingsError("SLACK_BOT_TOKEN looks wrong: expected a bot token starting with xoxb-.")
        app_token = self.slack_app_token.get_secret_value() if self.slack_app_token else ""
        if "slack_app_token" in names and not app_token.startswith("xapp-"):
            raise SettingsError("SLACK_APP_TOKEN looks wrong: expected an app-level token starting with xapp-.")


_NEEDS = {
    "slack_bot_token": "set it to the app's bot token (xoxb-...), from OAuth & Permissions",
    "slack_signing_secret": "set it to the app's signing secret, from Basic Information",
    "slack_app_token": "Socket Mode needs an app-level token (xapp-...) with connections:write",
}


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning a validation failure into a one-line :class:`SettingsError`."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]).upper() if err["loc"] else "a setting"
        reason = str(err["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name} is invalid: {reason}.") from None
