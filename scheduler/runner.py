"""The scheduler in a running pmbot: APScheduler runs one periodic job on the app's event loop, and that
job is `tick`: learn people's timezones, sweep for what fell due, send it.

APScheduler only keeps time (a memory job store, explicit UTC): what is due and what was sent live in
the outbox, so a restart or a second process changes nothing. Tests call `tick` with driven times.

    scheduler = Scheduler(services=..., notifier=..., executor=pool, config=SchedulerConfig())
    scheduler.start()         # from a coroutine, on the loop the app runs on
    ...
    await scheduler.shutdown()
"""

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from handlers.later import Services
from scheduler import retention, sweeps
from scheduler.config import SchedulerConfig
from scheduler.due import Planned
from scheduler.notifier import Notifier
from scheduler.sending import Outcome, Sender
from storage import people

log = logging.getLogger(__name__)

T = TypeVar("T")
JOB_ID = "pmbot-sweeps"
TIDY_ID = "pmbot-tidy"


@dataclass(frozen=True)
class Tick:
    """What one tick did: what it claimed and how sending went."""

    planned: Planned
    outcome: Outcome


class Scheduler:
    def __init__(
        self,
        *,
        services: Services,
        notifier: Notifier,
        executor: Executor,
        config: SchedulerConfig | None = None,
    ) -> None:
        """`services.clock` gives the time of each tick; `executor` runs the blocking work (database,
        LLM), never the event loop."""
        self.services = services
        self.notifier = notifier
        self.executor = executor
        self.config = config or SchedulerConfig()
        self.sender = Sender(services=services, notifier=notifier, executor=executor, config=self.config)
        self._apscheduler: AsyncIOScheduler | None = None
        self._running: asyncio.Task[Tick] | None = None
        self._stopping = False

    async def _run(self, function: Callable[..., T], *arguments: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, partial(function, *arguments))

    async def tick(self, now: datetime | None = None) -> Tick:
        """Learn people's timezones, claim what fell due by `now` (default: the clock), send what is due."""
        now = now or self.services.clock()
        try:
            await self.locate_people(now)
        except Exception:  # reminders then go by the timezones known so far
            log.exception("scheduler: could not learn people's timezones")
        planned = await self._run(sweeps.plan, self.services, self.config, now)
        outcome = await self.sender.send_due(now, going=lambda: not self._stopping)
        return Tick(planned, outcome)

    async def locate_people(self, now: datetime) -> None:
        """Ask the platform the timezone of everyone reminders may go to, and remember what changed."""
        known = await self._run(sweeps.people_to_locate, self.services, self.config, now)
        changed = {}
        for (tenant_id, user_id), before in known.items():
            zone = await self.notifier.timezone(tenant_id, user_id)
            if zone is not None and zone != before:
                changed[(tenant_id, user_id)] = zone
        if changed:
            await self._run(self._remember, changed, now)

    def _remember(self, zones: dict[tuple[str, str], str], now: datetime) -> None:
        with self.services.database.session(write=True) as db:
            for (tenant_id, user_id), zone in zones.items():
                people.remember_timezone(db, tenant_id=tenant_id, user_id=user_id, timezone=zone, now=now)

    async def _job(self) -> None:
        """The periodic job; a failure is logged and the next tick tries again."""
        self._running = asyncio.ensure_future(self.tick())
        try:
            # Shielded: APScheduler cancels its running jobs when it shuts down; the tick finishes its
            # message instead (see shutdown).
            done = await asyncio.shield(self._running)
        except Exception:
            log.exception("scheduler: a sweep failed; the next one tries again")
            return
        if done.outcome.sent or done.outcome.failed or done.planned.skipped:
            log.info(
                "scheduler: sent %d, retrying %d, failed %d, skipped %d",
                len(done.outcome.sent),
                len(done.outcome.retrying),
                len(done.outcome.failed),
                len(done.planned.skipped),
            )

    async def _tidy(self) -> None:
        """The hourly job: forget what pmbot keeps only for a while (scheduler/retention.py)."""
        try:
            forgotten = await self._run(retention.forget_old, self.services, self.services.clock())
        except Exception:
            log.exception("scheduler: tidying failed; the next hour tries again")
            return
        if forgotten.requests or forgotten.summaries:
            log.info(
                "scheduler: forgot %d handled requests and %d cached summaries",
                forgotten.requests,
                forgotten.summaries,
            )

    def start(self) -> None:
        """Run a tick now and then every `config.interval`, and tidy every hour, on the running loop."""
        assert self._apscheduler is None, "already started"
        self._stopping = False
        self._apscheduler = AsyncIOScheduler(timezone=UTC, event_loop=asyncio.get_running_loop())
        self._apscheduler.add_job(
            self._job,
            "interval",
            seconds=self.config.interval.total_seconds(),
            id=JOB_ID,
            next_run_time=datetime.now(UTC),
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        self._apscheduler.add_job(
            self._tidy,
            "interval",
            hours=1,
            id=TIDY_ID,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        self._apscheduler.start()
        log.info("scheduler: sweeping every %s", self.config.interval)

    async def shutdown(self, timeout: float = 30) -> None:
        """Stop ticking; a tick under way finishes the message it is sending, then stops."""
        self._stopping = True
        if self._apscheduler is not None:
            self._apscheduler.shutdown(wait=False)
            self._apscheduler = None
        running, self._running = self._running, None
        if running is not None and not running.done():
            await asyncio.wait([running], timeout=timeout)
        if running is not None and running.done() and not running.cancelled() and running.exception():
            log.error("scheduler: the last sweep failed", exc_info=running.exception())
