"""Commands typed (`/pm …`) or clicked (a button under an item): carried out on pmbot's own worker
pool, acknowledged, answered through the request's response_url.

Slack wants the acknowledgement within three seconds and never sends a command twice. Listeners ack
once the command is carried out (stored), or after ACK_WITHIN seconds when it takes longer: a crash
after the acknowledgement then loses only a command that slow. The LLM's work comes after the answer. Blocking work never runs on the event loop: it goes to the bounded pool. A verb that has a
form, typed alone (`/pm risk add`), opens the form instead (bot/slack/modals.py). A button's value is
the command it stands for (`churn: deliverable done A-3`, see handlers.reply.Action), so a click goes
through the very same verb as typing it; in the App Home, which has no response_url, the refreshed
home is the answer and an error opens a small modal.
"""

import asyncio
import logging
import re
from collections.abc import Awaitable
from concurrent.futures import Executor
from dataclasses import replace
from typing import Any, TypeVar

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.later import Later
from bot.slack import SLASH
from bot.slack.files import attach
from bot.slack.forms import buttons, result
from bot.slack.home import Homes
from bot.slack.modals import open_for_typed
from bot.slack.people import Timezones
from bot.slack.render import RUN, blocks, fallback_text
from handlers.command import Command
from handlers.later import Outcome
from handlers.reply import Reply, Tone, error, sent_directly
from handlers.service import CommandService

log = logging.getLogger(__name__)
T = TypeVar("T")


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


def clicked_command(body: dict[str, Any], action: dict[str, Any]) -> Command:
    """A button (or ⋯ menu choice) as the command it stands for; a repeat of the same click (Socket
    Mode redelivers) has the same trigger id and is carried out once."""
    value = action.get("value") or (action.get("selected_option") or {}).get("value") or ""
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    return Command(
        tenant_id=str((body.get("team") or {}).get("id") or body["user"]["team_id"]),
        user_id=body["user"]["id"],
        channel_id=channel or "",
        text=value,
        request_id=f"slack-action-{body['trigger_id']}",
    )


async def _respond(respond: AsyncRespond, reply: Reply, extra: list[dict[str, Any]] | None = None) -> None:
    await respond(
        text=fallback_text(reply),
        blocks=blocks(reply) + (extra or []),
        response_type="in_channel" if reply.public else "ephemeral",
        replace_original=False,
    )


async def _direct(client: AsyncWebClient, command: Command, reply: Reply) -> Reply:
    """A reply meant for the person's direct messages (a private link) goes there, to pmbot's
    conversation with them; what is answered in place says where it went, or why it could not go."""
    if not reply.direct:
        return reply
    try:
        await client.chat_postMessage(
            channel=command.user_id, text=fallback_text(reply), blocks=blocks(reply)
        )
    except SlackApiError as problem:
        reason = str(problem.response.get("error") or "an error")
        log.warning("could not send %s a direct message: %s", command.user_id, reason)
        return error(
            f"I could not send you a direct message (Slack said {reason}). Try again in a minute; "
            "if it keeps failing, tell your pmbot admin."
        )
    return sent_directly(reply)


ACK_WITHIN = 0.25  # seconds: Slack allows 3; Bolt polls for the ack meanwhile, so keep it short


async def _acknowledged(ack: AsyncAck, work: Awaitable[T]) -> T:
    """`work`'s result, acknowledging Slack as soon as it is done or after ACK_WITHIN seconds."""
    task = asyncio.ensure_future(work)
    await asyncio.wait({task}, timeout=ACK_WITHIN)
    await ack()
    return await task


def register(
    app: AsyncApp,
    commands: CommandService,
    pool: Executor,
    timezones: Timezones,
    homes: Homes,
    later: Later,
) -> None:
    async def carry_out(command: Command, client: AsyncWebClient) -> tuple[Command, Outcome]:
        person = await timezones.profile(client, command.tenant_id, command.user_id)
        command = replace(command, user_tz=person.tz, is_admin=person.is_admin)
        return command, await asyncio.get_running_loop().run_in_executor(pool, commands.handle, command)

    async def follow_up(
        command: Command, outcome: Outcome, client: AsyncWebClient, respond: AsyncRespond | None
    ) -> None:
        """After the answer: the person's home, which may show the change, then slow work the command
        left (an LLM summary), answered through response_url too (no channel membership needed)."""
        if outcome.reply.tone is Tone.OK and not outcome.repeated:
            await homes.publish(client, command.tenant_id, command.user_id, command.user_tz)
        if respond is None:  # in the App Home: commands with slow work are never clicked there
            return
        for job in outcome.later:
            follow = await later.run(job)
            if follow is not None:
                await _respond(respond, follow)  # a summary is public, a digest preview is not
                await attach(client, follow, channel=command.channel_id, respond=respond)  # a digest's charts

    @app.command(SLASH)
    async def on_pm(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        async def work() -> tuple[Command, Outcome] | None:
            command = to_command(body)
            if await open_for_typed(
                client, commands.registry, command, body["trigger_id"], body.get("response_url")
            ):
                return None
            return await carry_out(command, client)

        done = await _acknowledged(ack, work())
        if done is None:  # a form opened instead
            return
        command, outcome = done
        if outcome.repeated:  # the same request again (a replay within Bolt's five minutes): answered
            return
        reply = await _direct(client, command, outcome.reply)
        await _respond(respond, reply, buttons(commands.registry, command.text, reply))
        await attach(client, outcome.reply, channel=command.channel_id, respond=respond)
        await follow_up(command, outcome, client, respond)

    @app.action(re.compile("^" + re.escape(RUN)))
    async def on_click(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        command, outcome = await _acknowledged(ack, carry_out(clicked_command(body, action), client))
        if outcome.repeated:
            return
        in_message = bool(body.get("response_url"))
        if in_message:
            await _respond(respond, await _direct(client, command, outcome.reply))
        elif outcome.reply.tone is Tone.ERROR:  # in the App Home: nowhere to say why but a modal
            try:
                await client.views_open(
                    trigger_id=body["trigger_id"], view=result("pmbot", blocks(outcome.reply))
                )
            except SlackApiError as problem:
                log.warning(
                    "could not tell %s why a click failed: %s", command.user_id, problem.response.get("error")
                )
        await follow_up(command, outcome, client, respond if in_message else None)
