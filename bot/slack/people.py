"""People's timezones from Slack's users.info, cached, so the dates a person types and reads are theirs."""

import logging
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

HOUR = 3600.0


class Timezones:
    def __init__(self, *, ttl: float = HOUR, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._known: dict[tuple[str, str], tuple[str | None, float]] = {}

    async def of(self, client: AsyncWebClient, team_id: str, user_id: str) -> str | None:
        """The person's IANA timezone, or None when Slack cannot say (pmbot then uses the project's)."""
        key = (team_id, user_id)
        known = self._known.get(key)
        if known is not None and known[1] > self.clock():
            return known[0]
        try:
            answer = await client.users_info(user=user_id)
            zone = (answer.get("user") or {}).get("tz")
        except SlackApiError as problem:
            log.warning("users.info failed for %s: %s", user_id, problem.response.get("error"))
            zone = None
        self._known[key] = (zone, self.clock() + self.ttl)
        return zone
