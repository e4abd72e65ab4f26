"""Time, injected: production reads the system clock, tests and the demo drive their own."""

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def first_zone(*names: str | None) -> ZoneInfo:
    """The first of `names` that is a known timezone (a person's, a project's, the default), else UTC."""
    for name in names:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                log.warning("unknown timezone %r; trying the next one", name)
    return ZoneInfo("UTC")
