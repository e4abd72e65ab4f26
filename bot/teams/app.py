"""The Teams app: the Bot Framework adapter, pmbot's bot and its notifier, built from the settings, and
the aiohttp handler of POST /api/messages on pmbot's one web server."""

import json
import logging
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TypeAlias

from aiohttp import web
from botbuilder.core import serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity
from botframework.connector.auth import BotFrameworkAuthentication, ServiceClientCredentialsFactory

from bot.later import Later
from bot.settings import TeamsSettings
from bot.teams.auth import RefusedError, authenticate, create_authentication
from bot.teams.bot import PmBot, on_turn_error
from bot.teams.notifier import TeamsNotifier
from bot.teams.people import People
from bot.teams.references import References
from handlers.service import CommandService

log = logging.getLogger(__name__)

Credentials: TypeAlias = (
    ServiceClientCredentialsFactory  # for callers outside bot/teams/, which import no SDK
)


@dataclass
class TeamsApp:
    authentication: BotFrameworkAuthentication
    adapter: CloudAdapter
    bot: PmBot
    notifier: TeamsNotifier  # for the scheduler: reminders and digests in Teams

    async def messages(self, request: web.Request) -> web.Response:
        """POST /api/messages: one activity, authenticated, then one turn of the bot."""
        if "application/json" not in request.headers.get("Content-Type", ""):
            return web.Response(status=415)
        try:
            activity = Activity().deserialize(await request.json())
        except (json.JSONDecodeError, UnicodeDecodeError, TypeError, ValueError):
            return web.Response(status=400)
        if not activity.type:
            return web.Response(status=400)
        try:
            claims = await authenticate(self.authentication, activity, request)
        except RefusedError as problem:
            log.warning("refused a Teams activity without a valid token: %s", problem)
            return web.Response(status=401)
        invoke = await self.adapter.process_activity(claims, activity, self.bot.on_turn)
        if invoke is None:
            return web.Response(status=201)
        # ActivityHandler hands back invoke bodies already serialized; other handlers, models
        body = (
            invoke.body
            if invoke.body is None or isinstance(invoke.body, dict | list)
            else serializer_helper(invoke.body)
        )
        return web.json_response(data=body, status=invoke.status)


def create_teams_app(
    settings: TeamsSettings,
    commands: CommandService,
    pool: Executor,
    later: Later,
    *,
    credentials: Credentials | None = None,
) -> TeamsApp:
    """The adapter checks tokens when an app id is set (see bot/teams/auth.py); `credentials` replaces
    the app's own for outgoing calls (tests)."""
    authentication = create_authentication(settings, credentials=credentials)
    adapter = CloudAdapter(authentication)
    adapter.on_turn_error = on_turn_error
    references = References(commands.database, pool, commands.clock)
    bot = PmBot(commands, pool, later, app_id=settings.app_id, people=People(), references=references)
    notifier = TeamsNotifier(bot, adapter, references, commands.database, pool)
    bot.notifier = notifier  # replies for a person's direct messages go through it
    return TeamsApp(authentication=authentication, adapter=adapter, bot=bot, notifier=notifier)
