"""Settings read from the environment and `.env` (pydantic-settings).

A missing or malformed value stops the program with one line that names the
setting (``load_settings`` -> ``SettingsError``); ``bot.cli`` prints it and exits
with status 2.
"""

from __future__ import annotations

import re
from datetime import time
from functools import cached_property
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.services.matching import MatchWeights
from bot.services.reminder_policy import (
    DEFAULT_POLICY,
    DEFAULT_QUIET,
    DIGEST_AT,
    QuietHours,
    ReminderPolicy,
    parse_clock,
)

SUPPORTED_LANGUAGES = ("vi", "en")
_TOKEN_RE = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{5,}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
BOTFATHER_HELP = (
    "BOT_TOKEN is not set. Create a bot with @BotFather in Telegram (/newbot), copy the token "
    "it gives you (it looks like 123456789:AA...), and put it in .env as BOT_TOKEN=<token> "
    "(see .env.example), or export BOT_TOKEN=<token>."
)


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it."""


class Settings(BaseSettings):
    """Every knob of the bot. Names match the environment variables (upper case)."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    bot_token: str = ""
    telegram_api_base: str = "https://api.telegram.org"
    database_url: str = "sqlite+aiosqlite:///data/in2spire.db"
    organizer_ids: Annotated[tuple[int, ...], NoDecode] = ()
    default_language: str = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"
    redis_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "0.0.0.0:8080"
    log_level: str = "INFO"
    max_concurrent_updates: int = Field(default=64, ge=1, le=1000)
    invite_ttl_hours: int = Field(default=72, ge=1, le=24 * 30)
    #: Organizers approve a pitch before matching starts.
    review_pitches: bool = False
    #: An offer not answered within this many hours expires (the next candidate is asked).
    offer_ttl_hours: int = Field(default=24, ge=1, le=24 * 14)
    #: Matching weights as name=value pairs, e.g. "topic=3,region=2" (others keep defaults).
    match_weights: Annotated[MatchWeights, NoDecode] = MatchWeights()
    #: Reminders for accepted stories, e.g. "48h,24h,2h,0,+1d*3" (bot/services/reminder_policy.py).
    reminder_policy: Annotated[ReminderPolicy, NoDecode] = DEFAULT_POLICY
    #: No reminder is sent between these local times; they wait for the end.
    quiet_hours: Annotated[QuietHours, NoDecode] = DEFAULT_QUIET
    #: Local time of the daily digests (organizers; people who chose the digest mode).
    digest_at: Annotated[time, NoDecode] = DIGEST_AT
    #: Fetch each submitted link in the background (status, title, date, mentions).
    link_check: bool = True
    #: Hosts the link checker may fetch even on private addresses (tests only).
    link_check_allow_hosts: Annotated[tuple[str, ...], NoDecode] = ()
    #: Broadcast messages a second overall (Telegram allows about 30 to a free bot).
    broadcast_rate: float = Field(default=29, ge=1, le=1000)
    #: Paid broadcasts (allow_paid_broadcast, charged in Stars): up to 1,000 a second.
    broadcast_paid: bool = False
    #: The overall rate when BROADCAST_PAID is on.
    broadcast_paid_rate: float = Field(default=1000, ge=1, le=1000)
    #: Key of the OpenAI-compatible API; without one the bot uses its templates only.
    openai_api_key: SecretStr | None = None
    #: Any OpenAI-compatible server (Azure-compatible gateway, local vLLM or Ollama).
    openai_base_url: str | None = None
    #: Model name sent with every AI call.
    openai_model: str = "gpt-4o-mini"
    #: Seconds one AI request may take (the client's own default is 600).
    openai_timeout: float = Field(default=20, ge=1, le=120)
    #: Retries after a timeout, 429 or 5xx (the template answers after the last one).
    openai_max_retries: int = Field(default=2, ge=0, le=2)
    #: USD per million prompt / completion tokens, for /ai_usage's cost estimate.
    openai_price_input: float = Field(default=0.15, ge=0)
    openai_price_output: float = Field(default=0.60, ge=0)

    @field_validator("organizer_ids", mode="before")
    @classmethod
    def _parse_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in re.split(r"[,\s;]+", value.strip()) if p]
            try:
                return tuple(int(p) for p in parts)
            except ValueError:
                raise ValueError("must be Telegram user ids separated by commas") from None
        if isinstance(value, int):
            return (value,)
        return value

    @field_validator("match_weights", mode="before")
    @classmethod
    def _weights(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        known = set(MatchWeights.__dataclass_fields__)
        weights: dict[str, float] = {}
        for part in (p for p in re.split(r"[,;\s]+", value.strip()) if p):
            name, sep, raw = part.partition("=")
            name = name.strip().lower()
            if not sep or name not in known:
                raise ValueError(
                    f"expected name=value pairs with names from {', '.join(sorted(known))}"
                )
            try:
                number = float(raw)
            except ValueError:
                raise ValueError(f"{name} must be a number") from None
            if not 0 <= number <= 100:
                raise ValueError(f"{name} must be between 0 and 100")
            weights[name] = number
        return MatchWeights(**weights)

    @field_validator("reminder_policy", mode="before")
    @classmethod
    def _policy(cls, value: object) -> object:
        return ReminderPolicy.parse(value) if isinstance(value, str) else value

    @field_validator("quiet_hours", mode="before")
    @classmethod
    def _quiet(cls, value: object) -> object:
        return QuietHours.parse(value) if isinstance(value, str) else value

    @field_validator("digest_at", mode="before")
    @classmethod
    def _digest_at(cls, value: object) -> object:
        return parse_clock(value) if isinstance(value, str) else value

    @field_validator("link_check_allow_hosts", mode="before")
    @classmethod
    def _hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(h.strip().lower() for h in re.split(r"[,\s;]+", value) if h.strip())
        return value

    @field_validator("organizer_ids")
    @classmethod
    def _positive_ids(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(i <= 0 or i >= 2**63 for i in value):
            raise ValueError("user ids are positive 64-bit integers")
        return value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: str) -> str:
        value = value.strip()
        if value and not _TOKEN_RE.match(value):
            raise ValueError("does not look like a token from @BotFather (123456789:AA...)")
        return value

    @field_validator("default_language")
    @classmethod
    def _language(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("is not an IANA time zone such as Asia/Ho_Chi_Minh") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _db(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("openai_api_key", mode="before")
    @classmethod
    def _api_key(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            if any(c.isspace() for c in value):
                raise ValueError("must not contain spaces")
            return value or None
        return value

    @field_validator("openai_model")
    @classmethod
    def _model(cls, value: str) -> str:
        value = value.strip()
        if not value or len(value) > 64:
            raise ValueError("must be a model name of 1-64 characters")
        return value

    @field_validator("telegram_api_base", "webhook_url", "openai_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None if value == "" else value
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: str | None) -> str | None:
        if value and not _SECRET_RE.match(value):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value or None

    @field_validator("webhook_listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("must be host:port, for example 0.0.0.0:8080")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis(cls, value: str | None) -> str | None:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value or None

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("WEBHOOK_SECRET must be set when WEBHOOK_URL is set")
        return self

    @property
    def ai_enabled(self) -> bool:
        """Whether an OpenAI key is configured (the AI features run at all)."""
        return self.openai_api_key is not None

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def broadcast_ceiling(self) -> float:
        """Broadcast messages a second: the paid rate when paid broadcasts are on."""
        return self.broadcast_paid_rate if self.broadcast_paid else self.broadcast_rate

    @property
    def listen_host(self) -> str:
        return self.webhook_listen.rpartition(":")[0]

    @property
    def listen_port(self) -> int:
        return int(self.webhook_listen.rpartition(":")[2])


def load_settings(*, require_token: bool = False, **overrides: object) -> Settings:
    """Build settings, turning pydantic's report into one line naming the setting."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = err.get("loc") or ()
        name = str(loc[0]).upper() if loc else "settings"
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if not loc and "WEBHOOK_SECRET" in msg:
            raise SettingsError(msg) from None
        raise SettingsError(f"{name}: {msg}") from None
    if require_token and not settings.bot_token:
        raise SettingsError(BOTFATHER_HELP)
    return settings
