"""Sending what is due, one message at a time: lease it, build what it says, send it through the
notifier, record the outcome. Leasing one at a time keeps each lease to one message's build and send,
however slow the LLM is, and lets several processes share the work.

The database and the LLM are blocking, so leasing, building and recording run in the executor; only
the notifier's calls run on the event loop.
"""

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from handlers import digest, reminders
from handlers.later import Services
from handlers.reply import Reply
from scheduler.config import SchedulerConfig
from scheduler.due import Due, Kind, claim
from scheduler.notifier import Notifier, NotifierError
from scheduler.sweeps import silence_due
from scheduler.unreachable import notices
from storage import outbox, projects
from storage.models import OutboxMessage
from storage.vocab import OutboxStatus

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Built:
    """What a message says, or why nothing is sent; and a message to enqueue once it is sent."""

    reply: Reply | None
    reason: str = ""
    follow_up: Due | None = None


@dataclass
class Outcome:
    """How a sweep's sending went: keys sent, retried later, failed for good, or with nothing to say."""

    sent: list[str]
    retrying: list[str]
    failed: list[str]
    dropped: list[str]


def _digest(services: Services, config: SchedulerConfig, message: OutboxMessage, now: datetime) -> Built:
    subject = message.subject
    # The week it was due for, even when sent late (after downtime, within the grace window).
    made = digest.project_digest(
        services, tenant_id=message.tenant_id, project_id=subject["project_id"], now=message.due_at
    )
    if made.active:
        return Built(made.reply)
    with services.database.session(write=False) as db:
        project = projects.by_key(db, tenant_id=message.tenant_id, key=subject["project"])
        quiet = silence_due(db, project, subject["week"], config, now) if project else None
    return Built(made.reply, follow_up=quiet)


def build(services: Services, config: SchedulerConfig, message: OutboxMessage, now: datetime) -> Built:
    """What the message says now, built from the ids it keeps."""
    tenant_id, subject = message.tenant_id, message.subject
    if message.kind == Kind.DIGEST:
        return _digest(services, config, message, now)
    if message.kind == Kind.PORTFOLIO:
        return Built(digest.portfolio_digest(services, tenant_id=tenant_id, now=message.due_at))
    reply: Reply | None
    if message.kind == Kind.REVIEW:
        reply = reminders.review_reminder(services, tenant_id=tenant_id, subject=subject, now=now)
        return Built(reply, "a status was posted since, or the project is closed")
    if message.kind == Kind.SILENCE:
        reply = reminders.silence_reminder(services, tenant_id=tenant_id, subject=subject, now=now)
        return Built(reply, "the project is closed")
    if message.kind == Kind.OVERDUE:
        assert message.user_id is not None
        reply = reminders.overdue_reminder(
            services, tenant_id=tenant_id, user_id=message.user_id, subject=subject, now=now
        )
        return Built(reply, "everything in it was done, snoozed or reviewed since, or its reader paused")
    if message.kind == Kind.UNREACHABLE:
        return Built(reminders.unreachable_notice(subject))
    return Built(None, f"pmbot does not know messages of kind “{message.kind}”")


class Sender:
    def __init__(
        self, *, services: Services, notifier: Notifier, executor: Executor, config: SchedulerConfig
    ) -> None:
        self.services = services
        self.notifier = notifier
        self.executor = executor
        self.config = config

    async def _run(self, function: Callable[..., T], **arguments: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, partial(function, **arguments))

    async def send_due(self, now: datetime, *, going: Callable[[], bool] = lambda: True) -> Outcome:
        """Send what is due at `now`, up to `per_tick` messages, `config.concurrency` at a time (each
        leases, builds and sends one message, then the next); stop between two when `going()` is false.

        At a time, because a digest waits on the LLM for seconds: one after the other, a thousand
        projects' digests would take a thousand LLM calls end to end (docs/PERFORMANCE.md)."""
        outcome = Outcome([], [], [], [])
        budget = iter(range(self.config.per_tick))

        async def one_after_another() -> None:
            while going() and next(budget, None) is not None:
                message = await self._run(self._lease, now=now)
                if message is None:
                    return
                await self._send(message, now, outcome)

        # Every worker finishes before a failure (the database gone) is raised: none is left sending
        # unobserved while the tick reports it and a shutdown goes ahead.
        ended = await asyncio.gather(
            *(one_after_another() for _ in range(self.config.concurrency)), return_exceptions=True
        )
        failed = next((e for e in ended if isinstance(e, BaseException)), None)
        if failed is not None:
            raise failed
        return outcome

    def _lease(self, now: datetime) -> OutboxMessage | None:
        with self.services.database.session(write=True) as db:
            taken = outbox.lease_due(db, now=now, lease=self.config.lease, limit=1)
        return taken[0] if taken else None

    async def _send(self, message: OutboxMessage, now: datetime, outcome: Outcome) -> None:
        assert message.id is not None
        try:
            built = await self._run(
                build, services=self.services, config=self.config, message=message, now=now
            )
        except Exception as problem:
            log.exception("outbox %s/%s: building it failed", message.tenant_id, message.key)
            await self._failed(message, now, outcome, f"building it failed: {problem!r}", retryable=True)
            return
        if built.reply is None:
            await self._run(self._record_dropped, message_id=message.id, reason=built.reason)
            outcome.dropped.append(message.key)
            return
        try:
            if message.channel_id is not None:
                ref = await self.notifier.post(message.tenant_id, message.channel_id, built.reply)
            else:
                assert message.user_id is not None
                ref = await self.notifier.direct(message.tenant_id, message.user_id, built.reply)
        except NotifierError as problem:
            wait = timedelta(seconds=problem.retry_after) if problem.retry_after else None
            await self._failed(message, now, outcome, problem.message, retryable=problem.retryable, wait=wait)
            return
        except Exception as problem:
            log.exception("outbox %s/%s: sending it failed", message.tenant_id, message.key)
            await self._failed(message, now, outcome, repr(problem), retryable=True)
            return
        await self._run(self._record_sent, message_id=message.id, ref=ref, now=now, follow_up=built.follow_up)
        outcome.sent.append(message.key)

    async def _failed(
        self,
        message: OutboxMessage,
        now: datetime,
        outcome: Outcome,
        error: str,
        *,
        retryable: bool,
        wait: timedelta | None = None,
    ) -> None:
        status = await self._run(
            self._record_failed, message=message, error=error, now=now, retryable=retryable, wait=wait
        )
        (outcome.retrying if status == OutboxStatus.PENDING else outcome.failed).append(message.key)

    def _record_sent(self, message_id: int, ref: str, now: datetime, follow_up: Due | None) -> None:
        with self.services.database.session(write=True) as db:
            outbox.mark_sent(db, message_id=message_id, message_ref=ref, now=now)
            if follow_up is not None:
                claim(db, [follow_up], config=self.config, now=now)

    def _record_dropped(self, message_id: int, reason: str) -> None:
        with self.services.database.session(write=True) as db:
            outbox.mark_skipped(db, message_id=message_id, reason=reason)

    def _record_failed(
        self, message: OutboxMessage, error: str, now: datetime, retryable: bool, wait: timedelta | None
    ) -> OutboxStatus | None:
        """Record the failure; when it is final for a direct message, plan the notices that tell the
        projects' owners who could not be reached, in the same transaction."""
        assert message.id is not None
        with self.services.database.session(write=True) as db:
            status = outbox.mark_failed(
                db,
                message_id=message.id,
                error=error,
                now=now,
                max_attempts=self.config.max_attempts,
                backoff=self.config.backoff,
                retryable=retryable,
                wait=wait,
            )
            if status == OutboxStatus.FAILED:
                claim(
                    db,
                    notices(db, message=message, why=error, config=self.config, now=now),
                    config=self.config,
                    now=now,
                )
            return status
