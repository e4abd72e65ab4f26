"""The scheduler under test: the real sweeps, outbox and Slack notifier (real slack_sdk) against the
Web API fake, on the test database, with time driven by the test clock and never slept."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.notifier import SlackNotifier
from bot.slack.people import Timezones
from handlers.later import Services
from scheduler.config import SchedulerConfig
from scheduler.runner import Scheduler, Tick
from tests.fake_slack import FakeSlack


def slack_notifier(fake: FakeSlack, clock: Any) -> SlackNotifier:
    """The Slack notifier on the fake; its timezone cache ages with the test clock."""
    client = AsyncWebClient(token="xoxb-test", base_url=fake.api_url)

    async def clients(_tenant_id: str) -> AsyncWebClient:
        return client

    return SlackNotifier(clients, timezones=Timezones(clock=lambda: clock().timestamp()))


@dataclass
class Delivery:
    at: datetime  # the time of the tick that sent it
    to: str  # a channel id, or the person a direct message went to
    text: str  # what Slack shows in notifications: the whole message as plain text

    @property
    def headline(self) -> str:
        return self.text.splitlines()[0]


class Harness:
    """Ticks the scheduler at driven times and tells what reached Slack: every chat.postMessage call, in
    `deliveries` (failed calls too: tests that script failures read the fake and the outbox instead)."""

    def __init__(
        self, *, services: Services, fake: FakeSlack, clock: Any, executor: ThreadPoolExecutor, **config: Any
    ) -> None:
        self.fake, self.clock = fake, clock
        self.config = SchedulerConfig(**config)
        self.scheduler = Scheduler(
            services=services, notifier=slack_notifier(fake, clock), executor=executor, config=self.config
        )
        self.deliveries: list[Delivery] = []
        self._seen = 0

    def tick(self, at: datetime | None = None) -> Tick:
        if at is not None:
            self.clock.now = at
        done = asyncio.run(self.scheduler.tick())
        self._collect()
        return done

    def run(self, until: datetime, *, every: timedelta = timedelta(hours=1)) -> list[Delivery]:
        """Tick from the clock's time to `until`, every `every`; what was delivered meanwhile."""
        start = len(self.deliveries)
        at = self.clock.now
        while at <= until:
            self.tick(at)
            at += every
        return self.deliveries[start:]

    def _collect(self) -> None:
        posts = self.fake.calls_to("chat.postMessage")
        for call in posts[self._seen :]:  # a direct message is posted to the person's id
            self.deliveries.append(Delivery(self.clock.now, call.args["channel"], call.args["text"]))
        self._seen = len(posts)


def brief(deliveries: list[Delivery]) -> list[tuple[str, str, str]]:
    """(UTC time of the tick, recipient, headline) of each delivery, for exact comparisons."""
    return [(f"{d.at:%a %d %H:%M}", d.to, d.headline) for d in deliveries]
