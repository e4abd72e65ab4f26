"""People's timezones from Slack's users.info, cached, so the dates a person types and reads are theirs;
with whether they are an admin or owner of the workspace, who may manage every project in it."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

HOUR = 3600.0


@dataclass(frozen=True)
class Profile:
    """What users.info says of a person that pmbot uses."""

    tz: str | None = None  # IANA; None when Slack cannot say (pmbot then uses the project's)
    is_admin: bool = False  # a workspace admin or owner; not one when Slack cannot say


class Timezones:
    """users.info, cached for `ttl` seconds: a new timezone, or an admin made or unmade, counts within
    the hour."""

    def __init__(self, *, ttl: float = HOUR, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._known: dict[tuple[str, str], tuple[Profile, float]] = {}

    async def of(self, client: AsyncWebClient, team_id: str, user_id: str) -> str | None:
        """The person's IANA timezone, or None when Slack cannot say (pmbot then uses the project's)."""
        return (await self.profile(client, team_id, user_id)).tz

    async def profile(self, client: AsyncWebClient, team_id: str, user_id: str) -> Profile:
        key = (team_id, user_id)
        known = self._known.get(key)
        if known is not None and known[1] > self.clock():
            return known[0]
        try:
            answer = await client.users_info(user=user_id)
            user = answer.get("user") or {}
            found = Profile(tz=user.get("tz"), is_admin=bool(user.get("is_admin") or user.get("is_owner")))
        except SlackApiError as problem:
            log.warning("users.info failed for %s: %s", user_id, problem.response.get("error"))
            found = Profile()
        except (SlackClientError, aiohttp.ClientError, TimeoutError) as problem:
            # Slack out of reach: the command goes on without the profile, which is asked again next time
            log.warning("users.info could not be reached for %s: %r", user_id, problem)
            return Profile()
        self._known[key] = (found, self.clock() + self.ttl)
        return found
