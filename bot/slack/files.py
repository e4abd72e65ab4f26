"""Documents that go with a reply (the steering report as Markdown, a chart as PNG), uploaded as a file to
the channel the reply was posted in. Uploading needs the `files:write` scope and pmbot in the channel;
when Slack refuses, the person is told how to fix it; the reply itself has already been posted."""

import logging

import aiohttp
from slack_bolt.async_app import AsyncRespond
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.render import blocks, fallback_text
from handlers.reply import Code, Mention, Reply, error

log = logging.getLogger(__name__)

ALT_TEXT = 1000  # characters Slack keeps of an image's alt text
TITLE = 250


def alt_text(reply: Reply) -> str:
    """What an image shows, in words, for screen readers: the reply's headline as plain text."""
    parts = (
        p.text if isinstance(p, Code) else f"@{p.user_id}" if isinstance(p, Mention) else p
        for p in reply.headline
    )
    return "".join(parts)[:ALT_TEXT]


async def upload(client: AsyncWebClient, reply: Reply, *, channel: str) -> None:
    """Upload the reply's attachment into `channel` (files_upload_v2); an image (a chart) is titled and
    described by the reply's headline. Raises what the SDK raises."""
    attachment = reply.attachment
    assert attachment is not None
    if attachment.is_image:
        described = alt_text(reply)
        await client.files_upload_v2(
            channel=channel,
            filename=attachment.filename,
            title=described[:TITLE] or attachment.filename,
            alt_txt=described or attachment.filename,
            content=attachment.data,
        )
        return
    await client.files_upload_v2(
        channel=channel, filename=attachment.filename, title=attachment.filename, content=attachment.data
    )


async def attach(client: AsyncWebClient, reply: Reply, *, channel: str, respond: AsyncRespond) -> None:
    attachment = reply.attachment
    if attachment is None or not reply.public:
        return
    try:
        await upload(client, reply, channel=channel)
    except (TimeoutError, SlackClientError, aiohttp.ClientError) as problem:
        answered = isinstance(problem, SlackApiError) and problem.response.get("error")
        reason = str(answered or "no answer in time")
        log.warning("could not upload %s to %s: %s", attachment.filename, channel, reason)
        told = error(
            f"I could not attach {attachment.filename} as a file (Slack said {reason}). Invite me with ",
            Code("/invite @pmbot"),
            " and ask again.",
        )
        await respond(
            text=fallback_text(told), blocks=blocks(told), response_type="ephemeral", replace_original=False
        )
