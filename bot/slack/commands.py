"""`/pm`: acknowledged at once, carried out on pmbot's own worker pool, answered through response_url.

Slack wants an answer within three seconds; the database and the LLM may take longer, so the listener
acks first. Blocking work never runs on the event loop: it goes to the bounded pool. A verb that has a
form, typed alone (`/pm risk add`), opens the form instead (bot/slack/modals.py).
"""

import asyncio
import logging
from concurrent.futures import Executor
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import SLASH
from bot.slack.forms import buttons
from bot.slack.home import publish_home
from bot.slack.modals import open_for_typed
from bot.slack.people import Timezones
from bot.slack.render import blocks, fallback_text
from handlers.command import Command
from handlers.reply import Tone
from handlers.service import CommandService

log = logging.getLogger(__name__)


def typed_text(text: str) -> str:
    """What the person typed: Slack escapes &, < and > in it (mentions stay <@U…|name>, which we read)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def to_command(body: dict[str, Any]) -> Command:
    """A slash command payload as a Command; the trigger id is unique to each invocation."""
    return Command(
        tenant_id=body["team_id"],
        user_id=body["user_id"],
        channel_id=body["channel_id"],
        text=typed_text(body.get("text", "")),
        request_id=f"slack-{body['trigger_id']}",
    )


def register(app: AsyncApp, commands: CommandService, pool: Executor) -> None:
    timezones = Timezones()

    @app.command(SLASH)
    async def on_pm(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        command = to_command(body)
        if await open_for_typed(client, commands.registry, command, body["trigger_id"]):  # `/pm risk add`
            return
        command = replace(command, user_tz=await timezones.of(client, command.tenant_id, command.user_id))
        loop = asyncio.get_running_loop()
        outcome = await loop.run_in_executor(pool, commands.handle, command)
        await respond(
            text=fallback_text(outcome.reply),
            blocks=blocks(outcome.reply) + buttons(commands.registry, command.text, outcome.reply),
            response_type="in_channel" if outcome.reply.public else "ephemeral",
            replace_original=False,
        )
        if outcome.reply.tone is Tone.OK:  # something was recorded: their home may show it
            await publish_home(client, commands, pool, command.tenant_id, command.user_id, command.user_tz)
        for job in outcome.later:  # through response_url too: no channel membership or extra scope needed
            follow = await loop.run_in_executor(pool, commands.run_later, job)
            if follow is not None:
                await respond(
                    text=fallback_text(follow),
                    blocks=blocks(follow),
                    response_type="in_channel",
                    replace_original=False,
                )
