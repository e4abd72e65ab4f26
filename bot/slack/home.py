"""The App Home tab: a person's open deliverables, the risks they own and their projects.

Published when they open the tab, and again after their `/pm` commands that recorded something
(bot/slack/commands.py), so that it is current whenever they look.
"""

import asyncio
import logging
from concurrent.futures import Executor
from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import SLASH
from bot.slack.events import once
from bot.slack.people import Timezones
from bot.slack.render import blocks
from handlers.home import home_of
from handlers.service import CommandService

log = logging.getLogger(__name__)


def register(
    app: AsyncApp, commands: CommandService, pool: Executor, timezones: Timezones, homes: "Homes"
) -> None:
    @app.event("app_home_opened", middleware=[once(commands, pool)])
    async def on_home_opened(body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab") != "home":  # the Messages tab is turned off in manifest.yml
            return
        team_id, user_id = body["team_id"], event["user"]
        tz = await timezones.of(client, team_id, user_id)
        await homes.publish(client, team_id, user_id, tz)


class Homes:
    """Publishes people's homes, at most one publish at a time per person: the commands that end while
    one is under way are covered by a single publish after it, since the home is the same whichever
    command asked. A burst of commands from one person then costs two publishes, not one each."""

    def __init__(self, service: CommandService, pool: Executor) -> None:
        self.service = service
        self.pool = pool
        self._again: dict[tuple[str, str], bool] = {}  # a person being published: whether once more

    async def publish(self, client: AsyncWebClient, team_id: str, user_id: str, tz: str | None) -> None:
        """Publish the person's home; never raises, since it is never what they asked for directly."""
        person = (team_id, user_id)
        if person in self._again:
            self._again[person] = True
            return
        self._again[person] = False
        try:
            while True:
                await self._publish(client, team_id, user_id, tz)
                if not self._again[person]:
                    return
                self._again[person] = False
        finally:
            del self._again[person]

    async def _publish(self, client: AsyncWebClient, team_id: str, user_id: str, tz: str | None) -> None:
        try:
            read = partial(
                home_of, self.service, tenant_id=team_id, user_id=user_id, user_tz=tz, prefix=f"{SLASH} "
            )
            reply = await asyncio.get_running_loop().run_in_executor(self.pool, read)
            await client.views_publish(user_id=user_id, view={"type": "home", "blocks": blocks(reply)})
        except Exception:
            log.exception("could not publish the home of %s in %s", user_id, team_id)
