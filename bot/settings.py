"""pmbot's settings, from environment variables and a `.env` file; a bad value stops pmbot at start."""

import re
from datetime import time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

from handlers.errors import CommandError
from handlers.weekly import parse_weekly
from scheduler.config import SchedulerConfig
from storage.db import DEFAULT_URL

_ENV = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")


def _refuse(section: str, problems: list[tuple[str, str]]) -> None:
    """Settings that do not fit with the others, as one error per setting (pydantic passes them through),
    so that all are reported at once, each named with what to do about it."""
    if problems:
        raise ValidationError.from_exception_data(
            section,
            [
                InitErrorDetails(type=PydanticCustomError("settings", message), loc=(name,), input=None)
                for name, message in problems
            ],
        )


class StorageSettings(BaseSettings):
    model_config = _ENV

    database_url: str = Field(default=DEFAULT_URL, validation_alias="DATABASE_URL")
    sqlite_busy_timeout: float = Field(
        default=5.0, gt=0, le=300, validation_alias="PMBOT_SQLITE_BUSY_TIMEOUT"
    )

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, url: str) -> str:
        if not url.startswith(("sqlite:///", "postgresql+psycopg://")):
            raise ValueError("use sqlite:///<file> or postgresql+psycopg://<user>@<host>/<database>")
        return url


class CoreSettings(BaseSettings):
    model_config = _ENV

    timezone: str = Field(default="UTC", validation_alias="PMBOT_TIMEZONE")
    log_level: str = Field(default="INFO", validation_alias="PMBOT_LOG_LEVEL")
    port: int = Field(default=3000, ge=0, le=65535, validation_alias="PMBOT_PORT")  # 0: any free port
    workers: int = Field(default=8, ge=1, le=256, validation_alias="PMBOT_WORKERS")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("use an IANA timezone name such as Europe/Paris or America/New_York") from None
        return name

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, level: str) -> str:
        if level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return level.upper()


class LlmSettings(BaseSettings):
    """The LLM for business summaries: any OpenAI-compatible endpoint, or Azure OpenAI. None means offline."""

    model_config = _ENV

    api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")
    model: str = Field(default="gpt-4o-mini", min_length=1, validation_alias="PMBOT_LLM_MODEL")
    timeout: float = Field(default=20.0, gt=0, le=600, validation_alias="PMBOT_LLM_TIMEOUT")
    retries: int = Field(default=1, ge=0, le=5, validation_alias="PMBOT_LLM_RETRIES")
    language: str = Field(default="English", min_length=2, validation_alias="PMBOT_SUMMARY_LANGUAGE")
    azure_endpoint: str | None = Field(default=None, validation_alias="AZURE_OPENAI_ENDPOINT")
    azure_api_key: SecretStr | None = Field(default=None, validation_alias="AZURE_OPENAI_API_KEY")
    azure_api_version: str = Field(default="2024-10-21", validation_alias="OPENAI_API_VERSION")

    @field_validator("base_url", "azure_endpoint")
    @classmethod
    def _http_url(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("http://", "https://")):
            raise ValueError("use an http:// or https:// address")
        return url

    @property
    def configured(self) -> bool:
        return bool(self.api_key or self.base_url or self.azure_endpoint)


class SlackSettings(BaseSettings):
    """Slack: Socket Mode with an app-level token, HTTP mode with the signing secret, or OAuth distribution
    to several workspaces (client id and secret with the signing secret; bot tokens come from installs)."""

    model_config = _ENV

    bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    signing_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_SIGNING_SECRET")
    app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    client_id: str | None = Field(default=None, validation_alias="SLACK_CLIENT_ID")
    client_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_CLIENT_SECRET")
    api_url: str | None = Field(default=None, validation_alias="SLACK_API_URL")

    @field_validator("bot_token")
    @classmethod
    def _bot_token(cls, token: SecretStr | None) -> SecretStr | None:
        if token is not None and not token.get_secret_value().startswith("xoxb-"):
            raise ValueError("use the Bot User OAuth Token, which starts with xoxb-")
        return token

    @field_validator("app_token")
    @classmethod
    def _app_token(cls, token: SecretStr | None) -> SecretStr | None:
        if token is not None and not token.get_secret_value().startswith("xapp-"):
            raise ValueError("use an app-level token with the connections:write scope; it starts with xapp-")
        return token

    @field_validator("api_url")
    @classmethod
    def _api_url(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("http://", "https://")):
            raise ValueError("use an http:// or https:// address ending in /api/")
        return url if url is None or url.endswith("/") else url + "/"

    @model_validator(mode="after")
    def _complete(self) -> "SlackSettings":
        """Every setting that does not fit with the others, each named with what to do about it."""
        problems = self._oauth_problems() if self.client_id or self.client_secret else self._token_problems()
        _refuse(type(self).__name__, problems)
        return self

    def _token_problems(self) -> list[tuple[str, str]]:
        """One workspace: its bot token, with an app-level token (Socket Mode) or the signing secret."""
        if (self.signing_secret or self.app_token) and not self.bot_token:
            return [
                (
                    "SLACK_BOT_TOKEN",
                    "set it (xoxb-…) with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET; or, to let several "
                    "workspaces install pmbot, set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET instead",
                )
            ]
        if self.bot_token and not (self.signing_secret or self.app_token):
            return [
                (
                    "SLACK_BOT_TOKEN",
                    "set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) with it",
                )
            ]
        return []

    def _oauth_problems(self) -> list[tuple[str, str]]:
        """Several workspaces (OAuth): client id and secret with the signing secret, and no token of our own."""
        credentials = "Basic Information → App Credentials"
        wrong = [
            (
                not self.client_id,
                "SLACK_CLIENT_ID",
                f"set it with SLACK_CLIENT_SECRET to let workspaces install pmbot ({credentials} → Client ID)",
            ),
            (
                not self.client_secret,
                "SLACK_CLIENT_SECRET",
                f"set it with SLACK_CLIENT_ID to let workspaces install pmbot ({credentials} → Client Secret)",
            ),
            (
                not self.signing_secret,
                "SLACK_SIGNING_SECRET",
                "set it with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET: pmbot verifies Slack's requests with it "
                f"({credentials} → Signing Secret)",
            ),
            (
                bool(self.bot_token),
                "SLACK_BOT_TOKEN",
                "remove it: with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, each workspace's bot token comes from "
                "its installation (for one workspace only, remove those two instead)",
            ),
            (
                bool(self.app_token),
                "SLACK_APP_TOKEN",
                "remove it: installs through OAuth are served over HTTP, not Socket Mode; turn Socket Mode off "
                "in the app's settings",
            ),
        ]
        return [(name, message) for is_wrong, name, message in wrong if is_wrong]

    @property
    def mode(self) -> str | None:
        """`socket`, `http`, `oauth` (HTTP, several workspaces) or None (Slack not configured)."""
        if self.client_id and self.client_secret:
            return "oauth"
        if not self.bot_token:
            return None
        return "socket" if self.app_token else "http"


class TeamsSettings(BaseSettings):
    """Microsoft Teams through the Bot Framework: the bot's Microsoft Entra app registration. With an app
    id, every incoming activity's token is checked; with none, Teams starts only with `--insecure-local`."""

    model_config = _ENV

    app_id: str | None = Field(default=None, validation_alias="MICROSOFT_APP_ID")
    app_password: SecretStr | None = Field(default=None, validation_alias="MICROSOFT_APP_PASSWORD")
    app_type: str = Field(default="MultiTenant", validation_alias="MICROSOFT_APP_TYPE")
    tenant_id: str | None = Field(default=None, validation_alias="MICROSOFT_APP_TENANT_ID")
    openid_metadata: str | None = Field(default=None, validation_alias="BOT_OPENID_METADATA")

    @field_validator("app_type")
    @classmethod
    def _known_type(cls, app_type: str) -> str:
        known = {"multitenant": "MultiTenant", "singletenant": "SingleTenant"}
        if app_type.strip().lower() not in known:
            raise ValueError("use SingleTenant or MultiTenant, as the bot's Azure resource says")
        return known[app_type.strip().lower()]

    @field_validator("openid_metadata")
    @classmethod
    def _metadata_url(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("http://", "https://")):
            raise ValueError("use the http:// or https:// address of an OpenID metadata document")
        return url

    @model_validator(mode="after")
    def _complete(self) -> "TeamsSettings":
        registration = "the bot's Azure resource → Configuration"
        wrong = [
            (
                bool(self.app_id) and not self.app_password,
                "MICROSOFT_APP_PASSWORD",
                f"set it with MICROSOFT_APP_ID: the client secret of the bot's app ({registration})",
            ),
            (
                bool(self.app_password) and not self.app_id,
                "MICROSOFT_APP_ID",
                f"set it with MICROSOFT_APP_PASSWORD: the bot's Microsoft App ID ({registration})",
            ),
            (
                self.app_type == "SingleTenant" and bool(self.app_id) and not self.tenant_id,
                "MICROSOFT_APP_TENANT_ID",
                f"set it for a SingleTenant bot: the directory (tenant) id of its app ({registration})",
            ),
        ]
        _refuse(type(self).__name__, [(name, message) for is_wrong, name, message in wrong if is_wrong])
        return self

    @property
    def configured(self) -> bool:
        """An app id is set: Teams starts with `pmbot run`, checking every activity's token."""
        return bool(self.app_id)


_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def _clock_time(text: str) -> time:
    found = _CLOCK.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"“{text}” is not a time of day; use hh:mm, for example 09:00")
    return time(int(found.group(1)), int(found.group(2)))


class SchedulerSettings(BaseSettings):
    """The scheduler inside `pmbot run`: reminders and digests (see scheduler/)."""

    model_config = _ENV

    enabled: bool = Field(default=True, validation_alias="PMBOT_SCHEDULER")
    grace_hours: float = Field(default=12, ge=0, le=168, validation_alias="PMBOT_GRACE_HOURS")
    working_days: str = Field(default="mon-fri", validation_alias="PMBOT_WORKING_DAYS")
    quiet_hours: str = Field(default="20:00-08:00", validation_alias="PMBOT_QUIET_HOURS")
    reminder_time: str = Field(default="09:00", validation_alias="PMBOT_REMINDER_TIME")
    escalate_after: int = Field(default=3, ge=0, le=30, validation_alias="PMBOT_ESCALATE_AFTER")
    portfolio_digest: str = Field(default="fri 17:00", validation_alias="PMBOT_PORTFOLIO_DIGEST")
    # Scheduled messages built and sent at once (digests wait on the LLM); below PMBOT_WORKERS.
    send_concurrency: int = Field(default=4, ge=1, le=64, validation_alias="PMBOT_SEND_CONCURRENCY")

    @field_validator("working_days")
    @classmethod
    def _days(cls, text: str) -> str:
        cls.days(text)
        return text

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, text: str) -> str:
        cls.quiet(text)
        return text

    @field_validator("reminder_time")
    @classmethod
    def _reminder(cls, text: str) -> str:
        _clock_time(text)
        return text

    @field_validator("portfolio_digest")
    @classmethod
    def _weekly(cls, text: str) -> str:
        try:
            parse_weekly(text)
        except CommandError as problem:
            raise ValueError(problem.message) from None
        return text

    @staticmethod
    def days(text: str) -> frozenset[int]:
        """`mon-fri`, `sun-thu` or `mon,tue,thu`: weekday numbers, Monday = 0."""
        days: set[int] = set()
        for part in text.lower().replace(" ", "").split(","):
            ends = part.split("-")
            if len(ends) > 2 or not all(end in _DAY_NAMES for end in ends):
                raise ValueError(f"“{text}” is not a list of days; use mon-fri, sun-thu or mon,tue,thu")
            first, last = _DAY_NAMES.index(ends[0]), _DAY_NAMES.index(ends[-1])
            days.update((first + n) % 7 for n in range((last - first) % 7 + 1))
        return frozenset(days)

    @staticmethod
    def quiet(text: str) -> tuple[time, time]:
        """`20:00-08:00`, or `off` (no quiet hours: the same start and end)."""
        if text.strip().lower() == "off":
            return time(0, 0), time(0, 0)
        start, _, end = text.partition("-")
        if not end:
            raise ValueError(f"“{text}” is not a span of hours; use 20:00-08:00, or off")
        return _clock_time(start), _clock_time(end)

    def config(self, default_tz: str) -> SchedulerConfig:
        quiet_start, quiet_end = self.quiet(self.quiet_hours)
        return SchedulerConfig(
            grace=timedelta(hours=self.grace_hours),
            working_days=self.days(self.working_days),
            quiet_start=quiet_start,
            quiet_end=quiet_end,
            reminder_time=_clock_time(self.reminder_time),
            escalate_after=self.escalate_after,
            portfolio_schedule=self.portfolio_digest,
            portfolio_timezone=default_tz,
            default_timezone=default_tz,
            concurrency=self.send_concurrency,
        )


class WebSettings(BaseSettings):
    """pmbot's own web pages (the dashboard, chart images in Teams), reached through signed links."""

    model_config = _ENV

    public_url: str | None = Field(default=None, validation_alias="PMBOT_PUBLIC_URL")
    link_secret: SecretStr | None = Field(default=None, min_length=32, validation_alias="PMBOT_LINK_SECRET")
    link_days: int = Field(default=7, ge=1, le=90, validation_alias="PMBOT_LINK_DAYS")

    @field_validator("public_url")
    @classmethod
    def _web_address(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("https://", "http://")):
            raise ValueError(
                "use the https:// address where people reach pmbot, such as https://pmbot.example.com"
            )
        return url.rstrip("/") if url else url


class Settings(BaseModel):
    """All of pmbot's settings, one section per part of pmbot."""

    core: CoreSettings = Field(default_factory=CoreSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    llm: LlmSettings = Field(default_factory=LlmSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    teams: TeamsSettings = Field(default_factory=TeamsSettings)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
    web: WebSettings = Field(default_factory=WebSettings)


class SettingsError(Exception):
    """A setting is wrong; the message names it and says what to use."""


def load_settings() -> Settings:
    """Read every section, reporting all wrong settings at once."""
    sections: dict[str, BaseSettings] = {}
    problems: list[str] = []
    sections_to_read: tuple[tuple[str, type[BaseSettings]], ...] = (
        ("core", CoreSettings),
        ("storage", StorageSettings),
        ("llm", LlmSettings),
        ("slack", SlackSettings),
        ("teams", TeamsSettings),
        ("scheduler", SchedulerSettings),
        ("web", WebSettings),
    )
    for name, section in sections_to_read:
        try:
            sections[name] = section()
        except ValidationError as problem:
            for error in problem.errors():
                setting = str(error["loc"][-1]) if error["loc"] else name
                problems.append(f"{setting}: {error['msg'].removeprefix('Value error, ')}")
    if problems:
        raise SettingsError("pmbot cannot start, a setting is wrong:\n  " + "\n  ".join(problems))
    return Settings.model_validate(sections)
