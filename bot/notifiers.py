"""The scheduler's one notifier when pmbot serves Slack and Teams at once: each tenant's messages go
through its own platform's notifier. A tenant is a Teams tenant when pmbot is in one of its Teams
conversations; any other is a Slack workspace."""

from typing import Protocol

from handlers.reply import Reply
from scheduler.notifier import Notifier, NotifierError


class TenantNotifier(Notifier, Protocol):
    async def serves(self, tenant_id: str) -> bool:
        """Whether the tenant is one of this platform's."""
        ...


class ByTenant:
    def __init__(self, *, teams: TenantNotifier | None, slack: Notifier | None) -> None:
        self.teams, self.slack = teams, slack

    async def _of(self, tenant_id: str) -> Notifier:
        if self.teams is not None and (self.slack is None or await self.teams.serves(tenant_id)):
            return self.teams
        if self.slack is not None:
            return self.slack
        raise NotifierError(f"no chat platform serves tenant {tenant_id}", retryable=False)

    async def post(self, tenant_id: str, channel_id: str, reply: Reply) -> str:
        return await (await self._of(tenant_id)).post(tenant_id, channel_id, reply)

    async def direct(self, tenant_id: str, user_id: str, reply: Reply) -> str:
        return await (await self._of(tenant_id)).direct(tenant_id, user_id, reply)

    async def update(self, tenant_id: str, ref: str, reply: Reply) -> None:
        await (await self._of(tenant_id)).update(tenant_id, ref, reply)

    async def timezone(self, tenant_id: str, user_id: str) -> str | None:
        return await (await self._of(tenant_id)).timezone(tenant_id, user_id)
