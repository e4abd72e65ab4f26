"""pmbot's logging: one handler on stderr whose records never carry a token or a secret.

Slack's SDK logs whole Web API responses at DEBUG, among them oauth.v2.access's `access_token`; a
failing call's exception can quote a token too. The filter on pmbot's handler redacts Slack tokens
(xoxb-, xoxp-, xoxa-, xoxe-, xoxr-, xoxs-, xapp-, and rotating ones such as xoxe.xoxb-…), HTTP
Authorization credentials and every secret pmbot was configured with (also URL- and base64-encoded),
from each record's message, exception and stack, as the record is made: before any handler or
formatter sees it.
"""

import base64
import logging
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any, TextIO
from urllib.parse import quote, quote_plus

from pydantic import BaseModel, SecretStr

from bot.settings import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[redacted]"

_TOKEN = re.compile(r"\b(xox[a-z](?:\.xox[a-z])?|xapp)-[A-Za-z0-9-]+")
_AUTHORIZATION = re.compile(r"\b(Basic|Bearer) +[A-Za-z0-9+/=._~-]{16,}")
_SHORTEST_SECRET = 6  # a shorter configured value would redact ordinary words


def _forms(secret: str) -> set[str]:
    """A secret as it may be written: as is, URL-encoded (in a form or a query) and base64-encoded."""
    data = secret.encode()
    encoded = {base64.b64encode(data).decode(), base64.urlsafe_b64encode(data).decode()}
    return {secret, quote(secret, safe=""), quote_plus(secret)} | encoded | {e.rstrip("=") for e in encoded}


class RedactSecrets(logging.Filter):
    """Rewrites each record it passes so that no Slack token nor any of `secrets` shows, in any of the
    forms a secret travels in (URL- or base64-encoded too)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        forms = {form for s in secrets if len(s) >= _SHORTEST_SECRET for form in _forms(s)}
        self.secrets = sorted((f for f in forms if len(f) >= _SHORTEST_SECRET), key=len, reverse=True)

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


class _RedactingFactory:
    """Makes log records already redacted, so that every handler gets them so: pmbot's own, and any other
    (a test's capture, an operator's extra handler, a library's), whatever the order they run in."""

    def __init__(self, inner: Callable[..., logging.LogRecord], redact: RedactSecrets) -> None:
        self.inner, self.redact = inner, redact

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.inner(*args, **kwargs)
        self.redact.filter(record)
        return record


def redact_every_record(redact: RedactSecrets) -> None:
    """Redact each log record of this process as it is made; called again, it replaces the secrets."""
    current = logging.getLogRecordFactory()
    inner = current.inner if isinstance(current, _RedactingFactory) else current
    logging.setLogRecordFactory(_RedactingFactory(inner, redact))


def secrets_of(settings: Settings) -> list[str]:
    """Every SecretStr value in the settings: tokens, signing and client secrets, API keys."""
    sections: list[BaseModel] = [getattr(settings, name) for name in type(settings).model_fields]
    values = (getattr(section, name) for section in sections for name in type(section).model_fields)
    return [value.get_secret_value() for value in values if isinstance(value, SecretStr)]


def configure(settings: Settings, *, stream: TextIO | None = None) -> None:
    """Log to stderr (or `stream`) at PMBOT_LOG_LEVEL through the redacting filter.

    Like logging.basicConfig, it adds no handler when the root logger already has handlers; the records
    are redacted either way, as they are made (`redact_every_record`).
    """
    level = settings.core.log_level
    redact = RedactSecrets(secrets_of(settings))
    redact_every_record(redact)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(redact)
    logging.basicConfig(level=level, handlers=[handler])
    if level != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)  # its chatter at every start is noise
