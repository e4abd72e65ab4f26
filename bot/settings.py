"""pmbot's settings, from environment variables and a `.env` file; a bad value stops pmbot at start."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.db import DEFAULT_URL

_ENV = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")


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


class Settings(BaseModel):
    """All of pmbot's settings, one section per part of pmbot."""

    core: CoreSettings = Field(default_factory=CoreSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)


class SettingsError(Exception):
    """A setting is wrong; the message names it and says what to use."""


def load_settings() -> Settings:
    """Read every section, reporting all wrong settings at once."""
    sections: dict[str, BaseSettings] = {}
    problems: list[str] = []
    for name, section in (("core", CoreSettings), ("storage", StorageSettings)):
        try:
            sections[name] = section()
        except ValidationError as problem:
            for error in problem.errors():
                setting = str(error["loc"][-1]) if error["loc"] else name
                problems.append(f"{setting}: {error['msg'].removeprefix('Value error, ')}")
    if problems:
        raise SettingsError("pmbot cannot start, a setting is wrong:\n  " + "\n  ".join(problems))
    return Settings.model_validate(sections)
