"""Documents that go with a reply (the steering report as Markdown), uploaded as a file to the channel
the reply was posted in. Uploading needs the `files:write` scope and pmbot in the channel; when Slack
refuses, the person is told how to fix it; the reply itself has already been posted."""

import logging

from slack_bolt.async_app import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.render import blocks, fallback_text
from handlers.reply import Code, Reply, error

log = logging.getLogger(__name__)


async def attach(client: AsyncWebClient, reply: Reply, *, channel: str, respond: AsyncRespond) -> None:
    attachment = reply.attachment
    if attachment is None or not reply.public:
        return
    try:
        await client.files_upload_v2(
            channel=channel, filename=attachment.filename, title=attachment.filename, content=attachment.data
        )
    except SlackApiError as problem:
        reason = str(problem.response.get("error") or "an error")
        log.warning("could not upload %s to %s: %s", attachment.filename, channel, reason)
        told = error(
            f"I could not attach {attachment.filename} as a file (Slack said {reason}). Invite me with ",
            Code("/invite @pmbot"),
            " and ask again.",
        )
        await respond(
            text=fallback_text(told), blocks=blocks(told), response_type="ephemeral", replace_original=False
        )
