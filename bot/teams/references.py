"""Where pmbot can post in Teams unasked: the conversation reference of each channel, group chat and
personal chat it is in, kept in the database (storage/teams_conversations.py) when it is installed
there (conversationUpdate) or addressed there, and read back by the notifier after a restart."""

import asyncio
from concurrent.futures import Executor
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ConversationReference

from bot.teams import activities as read
from handlers.clock import Clock
from storage import teams_conversations
from storage.db import Database


def reference_of(activity: Activity) -> ConversationReference:
    """How to post in the activity's conversation: in a channel, a new post in it, not in this thread."""
    reference = TurnContext.get_conversation_reference(activity)
    reference.activity_id = None
    if read.kind_of(activity) == "channel" and reference.conversation is not None:
        reference.conversation.id = str(reference.conversation.id).split(";messageid=")[0]
    return reference


def to_json(reference: ConversationReference) -> dict[str, Any]:
    return dict(reference.serialize())


def from_json(data: dict[str, Any]) -> ConversationReference:
    return ConversationReference().deserialize(data)


class References:
    """Keeps references on the worker pool, once per conversation and process unless something changed."""

    def __init__(self, database: Database, pool: Executor, clock: Clock) -> None:
        self.database, self.pool, self.clock = database, pool, clock
        self._kept: dict[tuple[str, str], dict[str, Any]] = {}

    async def keep(self, activity: Activity, tenant_id: str) -> None:
        personal = read.kind_of(activity) == "personal"
        key = read.channel_of(activity)
        reference = to_json(reference_of(activity))
        if self._kept.get((tenant_id, key)) == reference:
            return
        user_id = read.user_of(activity) if personal else None
        name = activity.from_property.name if personal and activity.from_property else None
        await self.store(tenant_id, key, read.kind_of(activity), reference, user_id=user_id, name=name)

    async def store(
        self,
        tenant_id: str,
        key: str,
        kind: str,
        reference: dict[str, Any],
        *,
        user_id: str | None = None,
        name: str | None = None,
    ) -> None:
        def write() -> None:
            with self.database.session(write=True) as db:
                teams_conversations.remember(
                    db,
                    tenant_id=tenant_id,
                    key=key,
                    kind=kind,
                    reference=reference,
                    now=self.clock(),
                    user_id=user_id,
                    name=name,
                )

        await asyncio.get_running_loop().run_in_executor(self.pool, write)
        self._kept[(tenant_id, key)] = reference
