"""Modals and shortcuts: forms that stand in for `/pm` commands, and what happens when one is submitted.

`/pm risk add`, `/pm decision`, `/pm deliverable add` and `/pm kpi add` typed alone open their form
(bot/slack/commands.py asks `open_for_typed`); `/pm status` alone still shows the latest status, with a
button that opens the status form. The message shortcut "Record as decision" opens the decision form
filled in with the message and keeps its permalink; the global shortcut "Log a risk" opens the risk
form with a project picker, since it has no channel.

A submission becomes the command text a person would have typed (handlers/forms.py, with Slack's view
state read in bot/slack/forms.py) and is carried
out by the same CommandService, on the worker pool. Unlike `/pm`, the listener waits for it before
acknowledging: a field error can only be shown in the ack of `view_submission`, and Slack wants that
ack within three seconds. So the command gets ACK_BUDGET seconds; one that takes longer is acked
(closing the form) and answered in a message instead, errors included.
"""

import asyncio
import json
import logging
import re
from concurrent.futures import Executor
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.later import Later
from bot.slack import forms
from bot.slack.home import Homes
from bot.slack.people import Timezones
from bot.slack.render import blocks, fallback_text
from handlers import forms as neutral
from handlers.command import Command
from handlers.later import Outcome
from handlers.registry import Registry
from handlers.reply import Code, Reply, Tone, line
from handlers.service import CommandService
from storage import projects

log = logging.getLogger(__name__)

ACK_BUDGET = 2.0  # seconds a submission's command may take before the ack; Slack allows three
RECORD_DECISION = "record_decision"  # the message shortcut, as declared in manifest.yml
LOG_RISK = "log_risk"  # the global shortcut


async def open_for_typed(
    client: AsyncWebClient, registry: Registry, command: Command, trigger_id: str, response_url: str | None
) -> bool:
    """Open the form of a verb typed alone (`/pm risk add`); False when it has none or Slack refused,
    so that the command is answered as typed (with its usage)."""
    bare = neutral.bare_verb(registry, command.text)
    if bare is None or bare.verb not in neutral.TYPED_ALONE:
        return False
    metadata = forms.Metadata(channel=command.channel_id, project=bare.project, response_url=response_url)
    return await _open(client, trigger_id, forms.view(neutral.FORMS[bare.verb], metadata)) is not None


async def _open(client: AsyncWebClient, trigger_id: str, view: dict[str, Any]) -> dict[str, Any] | None:
    """The view as Slack opened it, or None when it could not."""
    try:
        opened = await client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as problem:  # e.g. expired_trigger_id: more than three seconds went by
        log.warning("views.open failed: %s", problem.response.get("error"))
        return None
    return dict(opened.get("view") or {})


def _team(body: dict[str, Any]) -> str:
    return str((body.get("team") or {}).get("id") or body["user"]["team_id"])


def _unescaped(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


async def _say(
    client: AsyncWebClient, reply: Reply, *, user: str, metadata: forms.Metadata, public: bool
) -> None:
    """Post `reply` where the command would have answered: through the response_url of what opened
    the form (which needs no channel membership, but lasts 30 minutes), else in the channel for all or
    for the person only; in the person's DM with pmbot when there is no channel or nothing else worked."""
    text, content, channel = fallback_text(reply), blocks(reply), metadata.channel
    if metadata.response_url:
        hook = AsyncWebhookClient(metadata.response_url, timeout=10)
        answer = {"text": text, "blocks": content, "response_type": "in_channel" if public else "ephemeral"}
        try:
            sent = await hook.send_dict({**answer, "replace_original": False})
            if sent.status_code == 200:
                return
            log.info("the form's response_url refused the answer (HTTP %s)", sent.status_code)
        except (OSError, TimeoutError) as problem:
            log.warning("could not answer through the form's response_url: %s", problem)
    try:
        if channel is None:
            await client.chat_postMessage(channel=user, text=text, blocks=content)
        elif public:
            await client.chat_postMessage(channel=channel, text=text, blocks=content)
        else:
            await client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=content)
        return
    except SlackApiError as problem:
        log.warning("could not answer %s in %s: %s", user, channel, problem.response.get("error"))
    if channel is not None:
        try:
            await client.chat_postMessage(channel=user, text=text, blocks=content)
        except SlackApiError as problem:
            log.warning("could not answer %s directly either: %s", user, problem.response.get("error"))


def register(
    app: AsyncApp,
    commands: CommandService,
    pool: Executor,
    timezones: Timezones,
    homes: Homes,
    later: Later,
) -> None:
    @app.action(forms.OPEN_FORM)
    async def on_button(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        asked = json.loads(action.get("value") or "{}")
        form = neutral.FORMS.get(asked.get("form", ""))
        if form is None:
            return
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        metadata = forms.Metadata(
            channel=channel, project=asked.get("project"), response_url=body.get("response_url")
        )
        await _open(client, body["trigger_id"], forms.view(form, metadata))

    @app.message_shortcut(RECORD_DECISION)
    async def on_record_decision(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """Open the form first (its trigger expires three seconds after the click), then fetch the
        message's permalink and put it in the open form, keeping whatever was typed meanwhile."""
        await ack()
        channel, message = body["channel"]["id"], body["message"]
        metadata = forms.Metadata(channel=channel, response_url=body.get("response_url"))
        prefill = {"title": _unescaped(message.get("text") or "").strip()}
        opened = await _open(
            client, body["trigger_id"], forms.view(neutral.DECISION, metadata, prefill=prefill)
        )
        if opened is None:
            return
        try:
            found = await client.chat_getPermalink(channel=channel, message_ts=message["ts"])
            linked = replace(metadata, link=found.get("permalink"))
            view = forms.view(neutral.DECISION, linked, prefill=prefill)
            await client.views_update(view_id=opened["id"], hash=opened.get("hash"), view=view)
        except SlackApiError as problem:  # the decision can still be recorded, without its source
            log.warning("could not link the decision to its message: %s", problem.response.get("error"))

    @app.global_shortcut(LOG_RISK)
    async def on_log_risk(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        tenant_id = _team(body)
        loop = asyncio.get_running_loop()
        keys = await loop.run_in_executor(pool, _projects_of, commands, tenant_id)
        if not keys:
            view = forms.notice(
                "Log a risk",
                'There are no projects yet. Create one in its channel: /pm project new <key> "<name>"',
            )
        else:
            view = forms.view(neutral.RISK_ADD, forms.Metadata(), projects=keys)
        await _open(client, body["trigger_id"], view)

    @app.view(re.compile("^" + re.escape(forms.CALLBACK_PREFIX)))
    async def on_submit(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        form = neutral.FORMS.get(view.get("callback_id", "").removeprefix(forms.CALLBACK_PREFIX))
        if form is None:
            await ack()
            return
        metadata = forms.Metadata.loads(view.get("private_metadata", ""))
        has_project = neutral.PROJECT_FIELD in ((view.get("state") or {}).get("values") or {})
        try:
            submission = forms.command_text(form, view, metadata)
        except neutral.FieldError as problem:
            await ack(response_action="errors", errors={problem.field: problem.message})
            return
        tenant_id, user_id = _team(body), body["user"]["id"]
        command = Command(
            tenant_id=tenant_id,
            user_id=user_id,
            channel_id=metadata.channel or "",
            text=submission.text,
            request_id=f"slack-view-{view['id']}-{view['hash']}",  # a double submission is carried out once
        )

        async def carry_out() -> tuple[Outcome, str | None]:
            person = await timezones.profile(client, tenant_id, user_id)
            as_typed = replace(command, user_tz=person.tz, is_admin=person.is_admin)
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(pool, commands.handle, as_typed), person.tz

        running = asyncio.ensure_future(carry_out())
        try:
            outcome, tz = await asyncio.wait_for(asyncio.shield(running), ACK_BUDGET)
        except TimeoutError:  # too slow to answer in the ack: close the form, answer in a message
            await ack()
            outcome, tz = await running
            reply = outcome.reply
            if reply.tone is Tone.ERROR:
                reply = replace(reply, notes=(*reply.notes, line("You entered: ", Code(submission.text))))
            if not outcome.repeated:
                await _say(client, reply, user=user_id, metadata=metadata, public=reply.public)
        else:
            if outcome.reply.tone is Tone.ERROR:
                errors = neutral.field_errors(form, outcome.reply, submission, has_project=has_project)
                await ack(response_action="errors", errors=errors)
                return
            if metadata.channel is None:  # nowhere to post: the form shows the answer
                await ack(response_action="update", view=forms.result(form.title, blocks(outcome.reply)))
            else:
                await ack()
                if not outcome.repeated:
                    reply = outcome.reply
                    await _say(client, reply, user=user_id, metadata=metadata, public=reply.public)
        if outcome.reply.tone is Tone.OK and not outcome.repeated:
            await homes.publish(client, tenant_id, user_id, tz)
        for job in outcome.later:
            follow = await later.run(job)
            if follow is not None:
                await _say(client, follow, user=user_id, metadata=metadata, public=follow.public)


def _projects_of(commands: CommandService, tenant_id: str) -> list[tuple[str, str]]:
    with commands.database.session(write=False) as db:
        return [(p.key, p.name) for p in projects.all_of(db, tenant_id=tenant_id)]
