"""pmbot's logging: one handler on stderr whose records never carry a token or a secret.

Slack's SDK logs whole Web API responses at DEBUG, among them oauth.v2.access's `access_token`; a
failing call's exception can quote a token too. The filter on pmbot's handler redacts Slack tokens
(xoxb-, xoxp-, xoxa-, xoxe-, xoxr-, xoxs-, xapp-, and rotating ones such as xoxe.xoxb-…), HTTP
Authorization credentials and every secret pmbot was configured with, from each record's message,
exception and stack, before any formatter sees them.
"""

import logging
import re
import sys
from collections.abc import Iterable
from typing import TextIO

from pydantic import BaseModel, SecretStr

from bot.settings import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[redacted]"

_TOKEN = re.compile(r"\b(xox[a-z](?:\.xox[a-z])?|xapp)-[A-Za-z0-9-]+")
_AUTHORIZATION = re.compile(r"\b(Basic|Bearer) +[A-Za-z0-9+/=._~-]{16,}")
_SHORTEST_SECRET = 6  # a shorter configured value would redact ordinary words


class RedactSecrets(logging.Filter):
    """Rewrites each record it passes so that no Slack token nor any of `secrets` shows."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if len(s) >= _SHORTEST_SECRET}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        text = _TOKEN.sub(lambda found: f"{found.group(1)}-{REDACTED}", text)
        return _AUTHORIZATION.sub(lambda found: f"{found.group(1)} {REDACTED}", text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the message: still shown, redacted
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def secrets_of(settings: Settings) -> list[str]:
    """Every SecretStr value in the settings: tokens, signing and client secrets, API keys."""
    sections: list[BaseModel] = [getattr(settings, name) for name in type(settings).model_fields]
    values = (getattr(section, name) for section in sections for name in type(section).model_fields)
    return [value.get_secret_value() for value in values if isinstance(value, SecretStr)]


def configure(settings: Settings, *, stream: TextIO | None = None) -> None:
    """Log to stderr (or `stream`) at PMBOT_LOG_LEVEL through the redacting filter.

    Like logging.basicConfig, it does nothing when the root logger already has handlers.
    """
    level = settings.core.log_level
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactSecrets(secrets_of(settings)))
    logging.basicConfig(level=level, handlers=[handler])
    if level != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)  # its chatter at every start is noise
