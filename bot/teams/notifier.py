"""The scheduler's notifier on Teams: posts in channels and personal chats through the conversation
references pmbot kept (bot/teams/references.py), as Adaptive Cards like replies to commands.

A person pmbot has no personal chat with is reached through a new one (`POST /v3/conversations`),
which Teams allows once pmbot is installed for them; otherwise the message fails for good and the outbox
records why. A message's reference is `<conversation key>|<activity id>`, for `update`.
"""

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

import aiohttp
from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ChannelAccount, ConversationParameters, ConversationReference
from msrest.exceptions import ClientRequestError, HttpOperationError

from bot.teams import activities as read
from bot.teams.bot import PmBot, message
from bot.teams.references import References, from_json, to_json
from handlers.reply import Reply
from scheduler.notifier import NotifierError
from storage import teams_conversations
from storage.db import Database
from storage.models import TeamsConversation

log = logging.getLogger(__name__)
T = TypeVar("T")


def _failure(what: str, problem: Exception) -> NotifierError:
    """Throttling, the connector's own errors and the network may clear up; anything else will not."""
    if isinstance(problem, HttpOperationError):
        status = problem.response.status_code if problem.response is not None else 0
        wait = problem.response.headers.get("Retry-After") if problem.response is not None else None
        return NotifierError(
            f"{what}: HTTP {status} {problem}",
            retryable=status == 429 or status >= 500,
            retry_after=float(wait) if wait and wait.isdigit() else None,
        )
    return NotifierError(f"{what}: {type(problem).__name__}: {problem}", retryable=True)


class TeamsNotifier:
    def __init__(
        self, bot: PmBot, adapter: Any, references: References, database: Database, pool: Executor
    ) -> None:
        self.bot, self.adapter, self.references = bot, adapter, references
        self.database, self.pool = database, pool

    async def _read(self, function: Callable[..., T], **arguments: Any) -> T:
        def run() -> T:
            with self.database.session(write=False) as db:
                return function(db, **arguments)

        return await asyncio.get_running_loop().run_in_executor(self.pool, run)

    async def serves(self, tenant_id: str) -> bool:
        """Whether the tenant is a Teams tenant pmbot is in."""
        return await self._read(teams_conversations.any_in, tenant_id=tenant_id) is not None

    async def _activity(self, tenant_id: str, reply: Reply) -> Activity:
        for user_id, name in (await self._read(teams_conversations.names, tenant_id=tenant_id)).items():
            self.bot.people.learn(tenant_id, user_id, name=name)
        return message(reply, self.bot.names(tenant_id))

    async def _send(self, row: TeamsConversation, activity: Activity) -> str:
        what = f"posting in Teams conversation {row.key}"
        try:
            sent = await self.bot.send(self.adapter, from_json(row.reference), activity)
        except (
            HttpOperationError,
            ClientRequestError,
            aiohttp.ClientError,
            TimeoutError,
            OSError,
        ) as problem:
            raise _failure(what, problem) from problem
        return f"{row.key}|{getattr(sent, 'id', '') or ''}"

    async def post(self, tenant_id: str, channel_id: str, reply: Reply) -> str:
        row = await self._read(teams_conversations.get, tenant_id=tenant_id, key=channel_id)
        if row is None:
            raise NotifierError(f"pmbot is not in Teams conversation {channel_id}", retryable=False)
        return await self._send(row, await self._activity(tenant_id, reply))

    async def direct(self, tenant_id: str, user_id: str, reply: Reply) -> str:
        row = await self._read(teams_conversations.personal, tenant_id=tenant_id, user_id=user_id)
        if row is None:
            row = await self._open_personal(tenant_id, user_id)
        return await self._send(row, await self._activity(tenant_id, reply))

    async def _open_personal(self, tenant_id: str, user_id: str) -> TeamsConversation:
        """A new personal chat with the person, in the tenant's Bot Connector service."""
        known = await self._read(teams_conversations.any_in, tenant_id=tenant_id)
        if known is None:
            raise NotifierError(f"pmbot is in no Teams conversation of tenant {tenant_id}", retryable=False)
        seen = from_json(known.reference)
        parameters = ConversationParameters(
            is_group=False,
            bot=seen.bot,
            members=[ChannelAccount(id=self.bot.people.teams_id(tenant_id, user_id) or user_id)],
            tenant_id=tenant_id,
            channel_data={"tenant": {"id": tenant_id}},
        )
        opened: list[ConversationReference] = []

        async def keep(turn_context: TurnContext) -> None:
            opened.append(TurnContext.get_conversation_reference(turn_context.activity))

        try:
            await self.adapter.create_conversation(
                self.bot.app_id, keep, parameters, seen.channel_id, seen.service_url
            )
        except HttpOperationError as problem:  # 403: pmbot is not installed for that person
            raise NotifierError(
                f"opening a Teams chat with {user_id}: {problem}", retryable=False
            ) from problem
        except (ClientRequestError, aiohttp.ClientError, TimeoutError, OSError) as problem:
            raise _failure(f"opening a Teams chat with {user_id}", problem) from problem
        reference = opened[0]
        reference.user = ChannelAccount(id=user_id, aad_object_id=user_id)
        key = read.short_id(f"personal:{user_id}")
        await self.references.store(tenant_id, key, "personal", to_json(reference), user_id=user_id)
        row = await self._read(teams_conversations.get, tenant_id=tenant_id, key=key)
        assert row is not None
        return row

    async def update(self, tenant_id: str, ref: str, reply: Reply) -> None:
        key, _, activity_id = ref.partition("|")
        row = await self._read(teams_conversations.get, tenant_id=tenant_id, key=key)
        if row is None or not activity_id:
            raise NotifierError(f"no Teams message {ref} to update", retryable=False)
        activity = await self._activity(tenant_id, reply)
        activity.id = activity_id
        try:
            await self.bot.update(self.adapter, from_json(row.reference), activity)
        except (
            HttpOperationError,
            ClientRequestError,
            aiohttp.ClientError,
            TimeoutError,
            OSError,
        ) as problem:
            raise _failure(f"updating Teams message {ref}", problem) from problem

    async def timezone(self, tenant_id: str, user_id: str) -> str | None:
        """The timezone Teams gave with the person's last message since pmbot started, if any."""
        return self.bot.people.timezone(tenant_id, user_id)
