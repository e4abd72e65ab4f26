"""How the scheduler reaches people, whatever the platform: post in a channel, message a person
directly, update a message, and ask a person's timezone. bot/slack/notifier.py is the Slack one."""

from typing import Protocol

from handlers.reply import Reply


class NotifierError(Exception):
    """A message could not be delivered. `retryable`: trying again later may work (rate limits, the
    platform's own errors, the network); otherwise it cannot (an unknown channel, a deactivated account).
    `retry_after`: seconds the platform asked us to wait, when it said so."""

    def __init__(self, message: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.retry_after = retry_after


class Notifier(Protocol):
    async def post(self, tenant_id: str, channel_id: str, reply: Reply) -> str:
        """Post in a channel; returns the platform's reference to the message, for `update`."""
        ...

    async def direct(self, tenant_id: str, user_id: str, reply: Reply) -> str:
        """Send a person a direct message; returns the platform's reference to it."""
        ...

    async def update(self, tenant_id: str, ref: str, reply: Reply) -> None:
        """Replace what a message sent earlier says."""
        ...

    async def timezone(self, tenant_id: str, user_id: str) -> str | None:
        """The person's IANA timezone, or None when the platform cannot say. Called on every sweep for
        the people reminders may go to, so implementations cache it."""
        ...
