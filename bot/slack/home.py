"""The App Home tab: a person's open deliverables, the risks they own and their projects.

Published when they open the tab, and again after each of their `/pm` commands that recorded
something (bot/slack/commands.py), so that it is current whenever they look.
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


def register(app: AsyncApp, commands: CommandService, pool: Executor, timezones: Timezones) -> None:
    @app.event("app_home_opened", middleware=[once(commands, pool)])
    async def on_home_opened(body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab") != "home":  # the Messages tab is turned off in manifest.yml
            return
        team_id, user_id = body["team_id"], event["user"]
        tz = await timezones.of(client, team_id, user_id)
        await publish_home(client, commands, pool, team_id, user_id, tz)


async def publish_home(
    client: AsyncWebClient,
    service: CommandService,
    pool: Executor,
    team_id: str,
    user_id: str,
    tz: str | None,
) -> None:
    """Publish the person's home; never raises, since it is never what they asked for directly."""
    try:
        read = partial(home_of, service, tenant_id=team_id, user_id=user_id, user_tz=tz, prefix=f"{SLASH} ")
        reply = await asyncio.get_running_loop().run_in_executor(pool, read)
        await client.views_publish(user_id=user_id, view={"type": "home", "blocks": blocks(reply)})
    except Exception:
        log.exception("could not publish the home of %s in %s", user_id, team_id)
