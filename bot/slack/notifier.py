"""The scheduler's notifier on Slack: posts and direct messages through the Web API, rendered like
replies to commands, with their file (a digest's charts) uploaded after them. Failures become
NotifierError, retryable or not, so the outbox knows whether to try again; this client does not retry by
itself (the outbox does, with backoff)."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.files import upload
from bot.slack.people import Timezones
from bot.slack.render import blocks, fallback_text
from handlers.reply import Reply
from scheduler.notifier import NotifierError

log = logging.getLogger(__name__)

Clients = Callable[[str], Awaitable[AsyncWebClient | None]]

# Slack's own errors that may clear up by themselves; any HTTP 429 or 5xx is retried too.
RETRYABLE = {
    "ratelimited",
    "rate_limited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
}


def _retry_after(headers: Any) -> float | None:
    for name in ("Retry-After", "retry-after"):
        value = headers.get(name) if headers else None
        if value is not None:
            try:
                return float(value)
            except (TypeError, ValueError):
                return None
    return None


def _failure(method: str, problem: Exception) -> NotifierError:
    if isinstance(problem, SlackApiError):
        status = problem.response.status_code
        error = str(problem.response.get("error") or f"HTTP {status}")
        retryable = status == 429 or status >= 500 or error in RETRYABLE
        wait = _retry_after(problem.response.headers) if status == 429 else None
        return NotifierError(f"{method}: {error} (HTTP {status})", retryable=retryable, retry_after=wait)
    return NotifierError(f"{method}: {type(problem).__name__}: {problem}", retryable=True)


class SlackNotifier:
    """`clients(tenant_id)` gives the Web API client of a workspace (its bot token), or None when pmbot
    is not installed there."""

    def __init__(self, clients: Clients, *, timezones: Timezones | None = None) -> None:
        self.clients = clients
        self.timezones = timezones or Timezones()

    async def _client(self, tenant_id: str) -> AsyncWebClient:
        client = await self.clients(tenant_id)
        if client is None:
            raise NotifierError(f"pmbot is not installed in Slack workspace {tenant_id}", retryable=False)
        return client

    async def _call(self, method: str, call: Awaitable[Any]) -> Any:
        try:
            return await call
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as problem:
            raise _failure(method, problem) from problem

    async def _send(self, client: AsyncWebClient, channel: str, reply: Reply) -> str:
        answer = await self._call(
            "chat.postMessage",
            client.chat_postMessage(channel=channel, text=fallback_text(reply), blocks=blocks(reply)),
        )
        if reply.attachment is not None:
            await self._attach(client, str(answer["channel"]), reply)
        return f"{answer['channel']}:{answer['ts']}"

    async def _attach(self, client: AsyncWebClient, channel: str, reply: Reply) -> None:
        """The reply's file (a digest's charts) uploaded after it, into the same conversation. A failure
        is only logged: the message is out, and sending it again would post it twice."""
        assert reply.attachment is not None
        try:
            await upload(client, reply, channel=channel)
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as problem:
            log.warning("could not upload %s to %s: %s", reply.attachment.filename, channel, problem)

    async def post(self, tenant_id: str, channel_id: str, reply: Reply) -> str:
        return await self._send(await self._client(tenant_id), channel_id, reply)

    async def direct(self, tenant_id: str, user_id: str, reply: Reply) -> str:
        """Posted to the person's id: Slack puts it in their conversation with pmbot (its Messages tab),
        which needs no scope beyond chat:write."""
        return await self._send(await self._client(tenant_id), user_id, reply)

    async def update(self, tenant_id: str, ref: str, reply: Reply) -> None:
        channel, _, ts = ref.partition(":")
        client = await self._client(tenant_id)
        await self._call(
            "chat.update",
            client.chat_update(channel=channel, ts=ts, text=fallback_text(reply), blocks=blocks(reply)),
        )

    async def timezone(self, tenant_id: str, user_id: str) -> str | None:
        """None when Slack cannot say or cannot be reached: reminders then use the project's timezone."""
        client = await self.clients(tenant_id)
        if client is None:
            return None
        try:
            return await self.timezones.of(client, tenant_id, user_id)
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as problem:
            log.warning("no timezone for %s in %s: %s", user_id, tenant_id, problem)
            return None
